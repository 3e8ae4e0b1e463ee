package io.llmtestbed.ait.sdk.manifest;

import java.util.Objects;

/**
 * A parameter of the AIT. All values are strings in the manifest and in {@code ait.input.json};
 * they are cast by {@link ValueType#parse(String)}.
 *
 * @param name unique among parameters
 * @param type int, float, bool or str
 * @param description for people
 * @param defaultVal value used when {@code ait.input.json} has none; must cast to {@code type}
 * @param min inclusive lower bound for int/float, or null
 * @param max inclusive upper bound for int/float, or null
 * @param dependsOnParameter name of another parameter, or null
 */
public record MethodParam(
        String name,
        ValueType type,
        String description,
        String defaultVal,
        String min,
        String max,
        String dependsOnParameter) {

    public MethodParam {
        Objects.requireNonNull(name, "parameter name");
        Objects.requireNonNull(type, "parameter type of " + name);
    }

    /** A parameter without bounds. */
    public static MethodParam of(String name, ValueType type, String description,
            String defaultVal) {
        return new MethodParam(name, type, description, defaultVal, null, null, null);
    }
}
