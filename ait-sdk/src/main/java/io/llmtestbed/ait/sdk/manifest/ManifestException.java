package io.llmtestbed.ait.sdk.manifest;

import java.util.List;

/** A manifest Qunomon would reject; the message lists every error, one per line. */
public class ManifestException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<Violation> violations;

    public ManifestException(String subject, List<Violation> violations) {
        super(subject + " is not a valid ait.manifest.json (" + violations.size() + " error"
                + (violations.size() == 1 ? "" : "s") + "):\n"
                + String.join("\n", violations.stream().map(Violation::message).toList()));
        this.violations = List.copyOf(violations);
    }

    /** The errors, in document order. */
    public List<Violation> violations() {
        return violations;
    }
}
