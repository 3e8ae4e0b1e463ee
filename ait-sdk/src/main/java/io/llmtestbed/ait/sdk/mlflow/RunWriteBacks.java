package io.llmtestbed.ait.sdk.mlflow;

import java.util.List;
import org.slf4j.Logger;

/**
 * The write-back loop AITs share: each run read from a tracking server gets the AIT's results;
 * a run read from a file is skipped, and a run whose write fails is a warning, so that the
 * measures in {@code ait.output.json} stand either way.
 */
public final class RunWriteBacks {

  /** Writes the results of one run. */
  @FunctionalInterface
  public interface RunWriter {
    /**
     * Writes run {@code index} (inventory order) through {@code target}.
     *
     * @return the number of metrics written, for the log line
     * @throws MlflowRunException or IllegalArgumentException when the write fails; the loop
     *     logs it and goes on with the next run
     */
    int write(int index, MlflowWriteBack target);
  }

  private RunWriteBacks() {
  }

  /**
   * Writes every run of {@code sources} that came from a tracking server, in order. Logs at INFO
   * the runs skipped (not from a server) and written ({@code Run <label>: wrote <n> metrics,
   * tags and <tableArtifact> back to <source>}), at WARN a run whose write failed, naming the
   * cause and the fix; other exceptions propagate.
   *
   * @param labels the run labels, one per source, for the log lines
   * @param tableArtifact the table artifact {@code writer} logs, for the log line
   */
  public static void toEach(List<MlflowRunSource> sources, List<String> labels,
      String tableArtifact, Logger log, RunWriter writer) {
    for (int i = 0; i < sources.size(); i++) {
      MlflowRunSource source = sources.get(i);
      String label = labels.get(i);
      if (source.trackingServer().isEmpty()) {
        log.info("Run {}: not read from a tracking server ({}), so nothing is written back",
            label, source.describe());
        continue;
      }
      try {
        int metrics = writer.write(i, MlflowWriteBack.to(source));
        log.info("Run {}: wrote {} metrics, tags and {} back to {}", label, metrics,
            tableArtifact, source.describe());
      } catch (MlflowRunException | IllegalArgumentException e) {
        log.warn("Run {}: write-back to {} failed ({}); the measures are in ait.output.json "
            + "but not in MLflow. Re-run with write_back=true once the server accepts writes",
            label, source.describe(), e.getMessage());
      }
    }
  }
}
