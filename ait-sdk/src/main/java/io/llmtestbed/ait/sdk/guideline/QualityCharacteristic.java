package io.llmtestbed.ait.sdk.guideline;

import java.util.List;
import java.util.Objects;

/**
 * One quality characteristic (Qunomon: "quality dimension") of a guideline, as loaded from
 * {@code guideline/data}. Internal characteristics are {@code A-1} … {@code E-1}; external ones
 * ({@code EXT1} … {@code EXT5}) are the properties a system shows to its users.
 *
 * @param id short identifier used in code and documents: {@code "C-1"}, {@code "EXT2"}
 * @param schemaId identifier in Qunomon's guideline schema: {@code "INT6"}, {@code "EXT2"}
 * @param name Japanese name exactly as it appears as the last segment of the quality URL
 * @param englishName English name, for people; never part of a URL
 * @param kind internal or external
 * @param levels level identifiers, in the guideline's order; may be empty
 * @param subCharacteristics ids of the internal characteristics an external one draws on
 * @param qualityUrl the value for a manifest's {@code quality} key (raw UTF-8, not
 *     percent-encoded)
 */
public record QualityCharacteristic(
        String id,
        String schemaId,
        String name,
        String englishName,
        Kind kind,
        List<String> levels,
        List<String> subCharacteristics,
        String qualityUrl) {

    /** Whether a characteristic is internal (of the ML component) or external (of the system). */
    public enum Kind {
        INTERNAL,
        EXTERNAL
    }

    public QualityCharacteristic {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(qualityUrl, "qualityUrl");
        levels = List.copyOf(levels == null ? List.of() : levels);
        subCharacteristics = subCharacteristics == null ? List.of()
                : List.copyOf(subCharacteristics);
    }
}
