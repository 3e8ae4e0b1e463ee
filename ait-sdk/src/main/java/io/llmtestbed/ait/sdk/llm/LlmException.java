package io.llmtestbed.ait.sdk.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * An LLM call that gave no answer. A client from {@link LlmClients#create} throws it after its
 * retries are exhausted ({@link #attempts()} says how many HTTP attempts were made) or at once
 * for a kind that is not retried.
 *
 * <p>An egress refusal is not an {@code LlmException}: {@code EgressDeniedException} propagates
 * unwrapped.
 */
public class LlmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong; {@link #retryable()} follows from it. */
    public enum Kind {
        /** No answer within {@link LlmSettings#timeout()} (retried). */
        TIMEOUT(true),
        /** HTTP 429 (retried, honouring Retry-After). */
        RATE_LIMITED(true),
        /** HTTP 5xx (retried). */
        SERVER_ERROR(true),
        /** HTTP 4xx other than 408 and 429: the request is wrong (not retried). */
        CLIENT_ERROR(false),
        /** A 2xx body that is not the expected JSON, or has no answer in it (not retried). */
        MALFORMED_RESPONSE(false),
        /** Connection refused, reset or DNS failure (retried). */
        CONNECTION(true),
        /** Settings that cannot work: unknown backend, missing key, bad URL (not retried). */
        CONFIGURATION(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** True when a later attempt may succeed. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final int attempts;
    private final int httpStatus;
    private final Duration retryAfter;

    public LlmException(Kind kind, String message) {
        this(kind, message, null, 1, -1, null);
    }

    public LlmException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, 1, -1, null);
    }

    /**
     * @param attempts HTTP attempts made (0 when none was made, e.g. for CONFIGURATION)
     * @param httpStatus the HTTP status, or -1 when there was no response
     * @param retryAfter the server's Retry-After, or null
     */
    public LlmException(Kind kind, String message, Throwable cause, int attempts, int httpStatus,
            Duration retryAfter) {
        super(message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
        this.attempts = attempts;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** True when the kind is one a later attempt may cure (the retries may be exhausted). */
    public boolean retryable() {
        return kind.retryable();
    }

    /** HTTP attempts made before giving up. */
    public int attempts() {
        return attempts;
    }

    /** The HTTP status of the last attempt, or -1 when there was no response. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The server's Retry-After of the last attempt, if it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The same failure with another attempt count and a message suffix (null = none). */
    public LlmException withAttempts(int attempts, String suffix) {
        String message = suffix == null ? getMessage() : getMessage() + suffix;
        LlmException e = new LlmException(kind, message, getCause(), attempts, httpStatus,
                retryAfter);
        e.setStackTrace(getStackTrace());
        return e;
    }
}
