package io.llmtestbed.ait.sdk.runtime;

/**
 * Error codes of {@code ait.output.json}'s {@code ExecuteInfo.Error.Code}, as the Python SDK
 * sets them. The platform adds {@code E998} itself when an output has neither Result nor Error.
 */
public enum ErrorCode {
    /** The AIT's own definition is wrong (Python: {@code InvalidOperationException}). */
    E101("AIT definition error (manifest or use of the SDK)"),
    /** An inventory or parameter is defective (Python: ValueError, FileNotFoundError). */
    E102("inventory or parameter error"),
    /** Any other failure of the AIT. */
    E901("AIT execution error"),
    /** The machine or VM failed (Python: MemoryError, RuntimeError, SystemError). */
    E999("system error (memory, stack, broken installation)");

    private final String meaning;

    ErrorCode(String meaning) {
        this.meaning = meaning;
    }

    /** What the code means, for people. */
    public String meaning() {
        return meaning;
    }
}
