package io.llmtestbed.ait.sdk.manifest;

import java.util.Arrays;
import java.util.Optional;

/** A measure's structure: one value, or a comma-joined sequence of values. */
public enum Structure {
    SINGLE("single"),
    SEQUENCE("sequence");

    private final String wireName;

    Structure(String wireName) {
        this.wireName = wireName;
    }

    /** The name in {@code ait.manifest.json}. */
    public String wireName() {
        return wireName;
    }

    /** The structure with this manifest name, if Qunomon accepts it. */
    public static Optional<Structure> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
