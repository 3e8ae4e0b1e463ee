package io.llmtestbed.ait.sdk.manifest;

import java.util.List;
import java.util.stream.Collectors;

/**
 * All violations found in one manifest, in document order.
 *
 * @param violations errors and warnings
 */
public record ValidationResult(List<Violation> violations) {

    public ValidationResult {
        violations = List.copyOf(violations);
    }

    /** Violations that make Qunomon (or the AIT run) fail. */
    public List<Violation> errors() {
        return violations.stream().filter(v -> v.severity() == Violation.Severity.ERROR).toList();
    }

    /** Violations Qunomon accepts but that are probably mistakes. */
    public List<Violation> warnings() {
        return violations.stream().filter(v -> v.severity() == Violation.Severity.WARNING).toList();
    }

    /** True when there is no error (warnings allowed). */
    public boolean isValid() {
        return errors().isEmpty();
    }

    /** Every violation's message, one per line. */
    public String summary() {
        return violations.stream().map(Violation::message).collect(Collectors.joining("\n"));
    }
}
