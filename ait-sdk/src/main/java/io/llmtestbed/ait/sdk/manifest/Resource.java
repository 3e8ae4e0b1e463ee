package io.llmtestbed.ait.sdk.manifest;

import java.util.Objects;

/**
 * A report resource (a table, picture or text file shown in the Qunomon report).
 *
 * @param name unique among resources; the directory under {@code resources/}
 * @param type text, picture or table
 * @param description for people
 */
public record Resource(String name, ResourceType type, String description) {
    public Resource {
        Objects.requireNonNull(name, "resource name");
        Objects.requireNonNull(type, "resource type of " + name);
    }
}
