package io.llmtestbed.ait.sdk.manifest;

import java.util.Objects;

/**
 * A package an inventory is compatible with, e.g. {@code torch 2.1}.
 *
 * @param name package name, required
 * @param version version, or null
 * @param additionalInfo free text, or null
 */
public record CompatiblePackage(String name, String version, String additionalInfo) {
    public CompatiblePackage {
        Objects.requireNonNull(name, "compatible package name");
    }
}
