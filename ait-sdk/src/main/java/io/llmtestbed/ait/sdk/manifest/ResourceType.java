package io.llmtestbed.ait.sdk.manifest;

import java.util.Arrays;
import java.util.Optional;

/**
 * Type of a report resource. Qunomon accepts {@code text}, {@code picture}, {@code table}; it
 * rejects {@code binary} although its schema lists it. The report renders a resource by its
 * file extension ({@code .csv/.tsv} table, {@code .png/.jpg/.jpeg} picture, {@code .txt} text).
 */
public enum ResourceType {
    TEXT("text"),
    PICTURE("picture"),
    TABLE("table");

    private final String wireName;

    ResourceType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in {@code ait.manifest.json}. */
    public String wireName() {
        return wireName;
    }

    /** The type with this manifest name, if Qunomon accepts it. */
    public static Optional<ResourceType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
