package io.llmtestbed.ait.sdk.mlflow;

/**
 * One entry of a run's artifact listing.
 *
 * @param path path relative to the run's artifact root, '/'-separated, e.g.
 *     {@code plots/accuracy.png}
 * @param directory true for a directory
 * @param size file size in bytes; -1 for directories or when unknown
 */
public record ArtifactEntry(String path, boolean directory, long size) {
}
