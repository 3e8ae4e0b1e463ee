package io.llmtestbed.ait.sdk.llm;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to one {@link ChatRequest}.
 *
 * @param text the first choice's text; never null (an endpoint's empty answer is {@code ""})
 * @param model the model the endpoint says answered (the requested one when it says nothing)
 * @param usage tokens as reported by the endpoint; for a cached answer, the tokens of the
 *     original call (which cost nothing this time; {@link LlmAccounting} does not count them)
 * @param finishReason e.g. {@code stop} or {@code length}; null when the endpoint gives none
 * @param fromCache true when the answer was read from the disk cache without any HTTP call
 * @param latency wall time of this {@code chat} call including retries (near zero from cache)
 * @param attempts HTTP attempts made for this answer: 1 without retries, 0 from cache
 */
public record ChatResponse(String text, String model, Usage usage, String finishReason,
        boolean fromCache, Duration latency, int attempts) {

    public ChatResponse {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(latency, "latency");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0, got " + attempts);
        }
    }

    /** The same answer with another cache flag, latency and attempt count. */
    public ChatResponse with(boolean fromCache, Duration latency, int attempts) {
        return new ChatResponse(text, model, usage, finishReason, fromCache, latency, attempts);
    }
}
