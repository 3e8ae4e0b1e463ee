package io.llmtestbed.ait.sdk.mlflow;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run with identity only, for tests of code that names or routes runs: no metrics, params,
 * tags or artifacts; described as {@code run <runId>}.
 */
record StubRunSource(RunInfo run, Optional<TrackingServer> trackingServer)
    implements MlflowRunSource {

  /** A run read from no server. */
  static StubRunSource of(String runId, String runName) {
    return new StubRunSource(new RunInfo(runId, runName, null, null, null, null, null, null),
        Optional.empty());
  }

  /** The same run, as if read from {@code server}. */
  StubRunSource on(TrackingServer server) {
    return new StubRunSource(run, Optional.of(server));
  }

  @Override
  public Map<String, Double> metrics() {
    return Map.of();
  }

  @Override
  public Map<String, String> params() {
    return Map.of();
  }

  @Override
  public Map<String, String> tags() {
    return Map.of();
  }

  @Override
  public List<ArtifactEntry> listArtifacts(String path) {
    return List.of();
  }

  @Override
  public InputStream openArtifact(String path) {
    throw new UnsupportedOperationException("a stub run has no artifact " + path);
  }

  @Override
  public String describe() {
    return "run " + run.runId();
  }
}
