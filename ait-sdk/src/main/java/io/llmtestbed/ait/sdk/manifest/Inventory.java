package io.llmtestbed.ait.sdk.manifest;

import java.util.Objects;

/**
 * An input the AIT reads: a dataset, a model, an attribute set.
 *
 * @param name unique among inventories; it is the key in {@code ait.input.json} and the mount
 *     directory {@code /usr/local/qai/inventory/{name}}
 * @param type inventory type
 * @param description for people
 * @param requirement formats and file counts
 * @param dependsOnParameter name of a parameter this inventory depends on, or null (written at
 *     inventory level, as the Python SDK does)
 */
public record Inventory(
        String name,
        InventoryType type,
        String description,
        InventoryRequirement requirement,
        String dependsOnParameter) {

    public Inventory {
        Objects.requireNonNull(name, "inventory name");
        Objects.requireNonNull(type, "inventory type of " + name);
        Objects.requireNonNull(requirement, "inventory requirement of " + name);
    }
}
