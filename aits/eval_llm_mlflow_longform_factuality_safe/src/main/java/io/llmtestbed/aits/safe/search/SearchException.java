package io.llmtestbed.aits.safe.search;

import java.util.Objects;

/**
 * A search that gave no answer. Thrown after the backend's retries are exhausted
 * ({@link #attempts()} says how many requests were made) or at once for a kind that is not
 * retried. An egress refusal is not a {@code SearchException}: {@code EgressDeniedException}
 * propagates unwrapped.
 */
public class SearchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong; {@link #retryable()} follows from it. */
  public enum Kind {
    /** No answer within {@link SearchSettings#timeout()} (retried). */
    TIMEOUT(true),
    /** HTTP 429 (retried with backoff). */
    RATE_LIMITED(true),
    /** HTTP 5xx (retried). */
    SERVER_ERROR(true),
    /** Connection refused or reset, DNS failure (retried). */
    CONNECTION(true),
    /** HTTP 4xx other than 408 and 429: bad key, bad request (not retried). */
    CLIENT_ERROR(false),
    /** A 2xx body that is not the expected JSON (not retried). */
    MALFORMED_RESPONSE(false),
    /** Settings that cannot work: unknown backend, missing key, missing index (not retried). */
    CONFIGURATION(false),
    /** The index cannot be read: built by another Lucene version or analyzer, or damaged. */
    INDEX(false);

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

  public SearchException(Kind kind, String message) {
    this(kind, message, null, 0, -1);
  }

  public SearchException(Kind kind, String message, Throwable cause) {
    this(kind, message, cause, 0, -1);
  }

  /**
   * @param attempts requests made (0 when none was made, e.g. for CONFIGURATION)
   * @param httpStatus the last HTTP status, or -1 when there was no response
   */
  public SearchException(Kind kind, String message, Throwable cause, int attempts,
      int httpStatus) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.attempts = attempts;
    this.httpStatus = httpStatus;
  }

  public Kind kind() {
    return kind;
  }

  /** True when the kind is one a later attempt may cure (the retries may be exhausted). */
  public boolean retryable() {
    return kind.retryable();
  }

  /** Requests made before giving up; 0 when none was made. */
  public int attempts() {
    return attempts;
  }

  /** The last HTTP status, or -1 when there was none. */
  public int httpStatus() {
    return httpStatus;
  }
}
