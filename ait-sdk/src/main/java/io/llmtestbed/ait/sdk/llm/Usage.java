package io.llmtestbed.ait.sdk.llm;

/**
 * Tokens used by one answer, as the endpoint reported them (0 when it reported none).
 *
 * @param promptTokens tokens of the request's messages
 * @param completionTokens tokens of the answer
 */
public record Usage(long promptTokens, long completionTokens) {

    /** No tokens reported. */
    public static final Usage ZERO = new Usage(0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("Usage token counts must be >= 0, got prompt "
                    + promptTokens + ", completion " + completionTokens);
        }
    }

    /** Prompt plus completion tokens. */
    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
