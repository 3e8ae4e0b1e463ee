package io.llmtestbed.ait.sdk.manifest;

import java.util.List;
import java.util.Map;

/**
 * What an inventory must be.
 *
 * @param format accepted formats ({@code csv}, {@code json}, {@code ALL} for a directory …);
 *     at least one, required by Qunomon
 * @param compatiblePackages packages the inventory works with; may be empty
 * @param additionalInfo list of one-key maps, as the Python SDK and Qunomon's DTO write it
 * @param min least number of files, as a string, or null (Qunomon's default is 1)
 * @param max largest number of files, as a string, or null
 */
public record InventoryRequirement(
        List<String> format,
        List<CompatiblePackage> compatiblePackages,
        List<Map<String, String>> additionalInfo,
        String min,
        String max) {

    public InventoryRequirement {
        format = List.copyOf(format == null ? List.of() : format);
        compatiblePackages = compatiblePackages == null ? List.of()
                : List.copyOf(compatiblePackages);
        additionalInfo = additionalInfo == null ? List.of()
                : additionalInfo.stream().map(Map::copyOf).toList();
    }

    /** A requirement with only formats. */
    public static InventoryRequirement ofFormats(String... formats) {
        return new InventoryRequirement(List.of(formats), List.of(), List.of(), null, null);
    }
}
