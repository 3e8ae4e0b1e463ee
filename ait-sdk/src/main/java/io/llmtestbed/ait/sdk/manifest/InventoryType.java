package io.llmtestbed.ait.sdk.manifest;

import java.util.Arrays;
import java.util.Optional;

/** Type of an inventory. Note the space in {@code attribute set}, as Qunomon spells it. */
public enum InventoryType {
    DATASET("dataset"),
    EXECUTABLE_MODEL("executable_model"),
    MODEL("model"),
    ATTRIBUTE_SET("attribute set");

    private final String wireName;

    InventoryType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in {@code ait.manifest.json}. */
    public String wireName() {
        return wireName;
    }

    /** The type with this manifest name, if Qunomon accepts it. */
    public static Optional<InventoryType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
