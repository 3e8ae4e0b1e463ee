package io.llmtestbed.ait.sdk.mlflow;

import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;

/**
 * A run could not be read or written. {@link #kind()} tells callers (for example an AIT mapping
 * errors to platform codes) what went wrong; the message names the input, the rule, the value
 * and the fix.
 */
public class MlflowRunException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** Tracking server not reachable (connection refused, unknown host, timeout). */
    SERVER_UNREACHABLE,
    /** Credentials missing or rejected (HTTP 401/403). */
    AUTH_FAILED,
    /** Run id (or experiment, or run name) unknown to the server. */
    RUN_NOT_FOUND,
    /** The run has no artifact at the requested path. */
    ARTIFACT_NOT_FOUND,
    /** An inventory file (run reference, exported run) is malformed. */
    INVALID_REFERENCE,
    /** The server answered with an unexpected error. */
    SERVER_ERROR,
    /** A local file could not be read or written. */
    IO
  }

  private final Kind kind;

  public MlflowRunException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public MlflowRunException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** The category of the failure. */
  public Kind kind() {
    return kind;
  }

  /**
   * This failure as a platform error: E102 when the inventory is at fault (malformed reference,
   * unknown run, missing artifact), E901 when the environment is (server down, credentials
   * refused, server error, local I/O).
   *
   * @param prefix put before this message, e.g. {@code "reading run 4f2c…: "}; not null
   * @return an exception with this one as its cause; the caller throws it
   */
  public AitException toAitException(String prefix) {
    ErrorCode code = switch (kind) {
      case INVALID_REFERENCE, RUN_NOT_FOUND, ARTIFACT_NOT_FOUND -> ErrorCode.E102;
      default -> ErrorCode.E901;
    };
    return new AitException(code, prefix + getMessage(), this);
  }
}
