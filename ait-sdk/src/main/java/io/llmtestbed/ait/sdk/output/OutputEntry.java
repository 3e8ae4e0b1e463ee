package io.llmtestbed.ait.sdk.output;

/**
 * One {@code {Name, Value}} measure or {@code {Name, Path}} resource/download of
 * {@code ait.output.json}.
 *
 * @param name the manifest name
 * @param value the measure value (numeric text) or the absolute file path
 */
public record OutputEntry(String name, String value) {
}
