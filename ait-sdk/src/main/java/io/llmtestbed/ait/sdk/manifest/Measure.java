package io.llmtestbed.ait.sdk.manifest;

import java.util.Objects;

/**
 * A measure the AIT reports. Qunomon stores every value with {@code float()}, so values are
 * numeric (booleans as 0/1) whatever the declared type.
 *
 * @param name unique among measures; what {@code ait.output.json} names
 * @param type int, float, bool or str (str measures cannot be stored by Qunomon)
 * @param description for people; say how it is computed
 * @param structure single or sequence
 * @param min lower bound of the value range, or null
 * @param max upper bound of the value range, or null
 */
public record Measure(
        String name,
        ValueType type,
        String description,
        Structure structure,
        String min,
        String max) {

    public Measure {
        Objects.requireNonNull(name, "measure name");
        Objects.requireNonNull(type, "measure type of " + name);
        Objects.requireNonNull(structure, "measure structure of " + name);
    }
}
