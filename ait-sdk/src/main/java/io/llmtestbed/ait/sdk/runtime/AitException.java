package io.llmtestbed.ait.sdk.runtime;

import java.util.Objects;

/**
 * A failure with a known {@link ErrorCode}. {@link AitMain} writes its code and message into
 * {@code ait.output.json}. Unchecked, so AIT code can throw it anywhere.
 */
public class AitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public AitException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public AitException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** The code written to {@code ait.output.json}. */
    public ErrorCode code() {
        return code;
    }

    /** E101: the AIT's definition or its use of the SDK is wrong (a bug of the AIT). */
    public static AitException invalidDefinition(String message) {
        return new AitException(ErrorCode.E101, message);
    }

    /** E101 with a cause. */
    public static AitException invalidDefinition(String message, Throwable cause) {
        return new AitException(ErrorCode.E101, message, cause);
    }

    /** E102: an inventory or parameter given to the AIT is defective. */
    public static AitException invalidInput(String message) {
        return new AitException(ErrorCode.E102, message);
    }

    /** E102 with a cause. */
    public static AitException invalidInput(String message, Throwable cause) {
        return new AitException(ErrorCode.E102, message, cause);
    }

    /** E901: the evaluation failed. */
    public static AitException executionFailed(String message, Throwable cause) {
        return new AitException(ErrorCode.E901, message, cause);
    }

    /** E999: the machine failed (memory, disk, broken installation). */
    public static AitException systemError(String message, Throwable cause) {
        return new AitException(ErrorCode.E999, message, cause);
    }
}
