package io.llmtestbed.ait.sdk.mlflow;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read access to one MLflow run, wherever it lives: a tracking server
 * ({@link TrackingServerRunSource}), a directory exported by {@link RunExporter}
 * ({@link ExportedRunDirectory}), or a bare table file.
 *
 * <p>Artifact paths are relative to the run's artifact root and '/'-separated; {@code ""} is the
 * root. Metadata (run info, metrics, params, tags) is read once when the source is created.
 */
public interface MlflowRunSource {

  /** Identity and state of the run. */
  RunInfo run();

  /** Latest value of each metric, by key (MLflow's {@code latest_metrics}). */
  Map<String, Double> metrics();

  /** Run parameters, by key. */
  Map<String, String> params();

  /** Run tags (system tags such as {@code mlflow.runName} included), by key. */
  Map<String, String> tags();

  /**
   * Direct children of an artifact directory.
   *
   * @param path directory relative to the artifact root; {@code ""} for the root
   * @return entries whose {@link ArtifactEntry#path()} is relative to the artifact root
   */
  List<ArtifactEntry> listArtifacts(String path);

  /**
   * Opens an artifact as a stream, without loading it into memory; the caller closes it.
   *
   * @throws MlflowRunException of kind ARTIFACT_NOT_FOUND naming the path and listing what the
   *     run has
   */
  InputStream openArtifact(String path);

  /** A short human description for messages, e.g. {@code run 4f2c… 'gpt-4o' at http://…}. */
  String describe();

  /** The server the run lives on, when it was read from one (needed to write results back). */
  default Optional<TrackingServer> trackingServer() {
    return Optional.empty();
  }

  /** Opens the run's {@code eval_results_table.json} as a streaming table. */
  default EvalTable evalTable() {
    return evalTable(EvalTable.DEFAULT_ARTIFACT);
  }

  /**
   * Opens a table artifact in pandas split layout as a streaming table; messages name it
   * "{@code <artifactPath> of <describe()>}".
   */
  default EvalTable evalTable(String artifactPath) {
    return EvalTable.open(artifactPath + " of " + describe(), () -> openArtifact(artifactPath));
  }

  /** All files (not directories) under the artifact root, depth first, sorted by path. */
  default List<ArtifactEntry> listAllArtifacts() {
    return ArtifactPaths.walk(this, "");
  }
}
