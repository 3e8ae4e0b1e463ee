package io.llmtestbed.ait.sdk.manifest;

/**
 * One problem in a manifest.
 *
 * @param severity ERROR (Qunomon would reject the manifest, or the AIT would fail) or WARNING
 *     (accepted, but probably not what you want)
 * @param path JSON path of the field, e.g. {@code parameters[1].type}
 * @param rule what must hold
 * @param value the value found, as JSON, or {@code (missing)}
 * @param fix how to make it valid
 */
public record Violation(Severity severity, String path, String rule, String value, String fix) {

    /** How bad a violation is. */
    public enum Severity {
        ERROR,
        WARNING
    }

    /** One line: {@code ERROR parameters[1].type: <rule>; found "string"; fix: <fix>}. */
    public String message() {
        return severity + " " + path + ": " + rule + "; found " + value + "; fix: " + fix;
    }

    @Override
    public String toString() {
        return message();
    }
}
