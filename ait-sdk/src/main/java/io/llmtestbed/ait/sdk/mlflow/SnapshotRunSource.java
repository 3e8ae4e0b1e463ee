package io.llmtestbed.ait.sdk.mlflow;

import java.util.Map;

/**
 * A run source whose metadata was read once, as a {@link RunSnapshot} (from a tracking server or
 * an exported {@code run.json}); only artifact access differs between its subclasses.
 */
abstract class SnapshotRunSource implements MlflowRunSource {

  final RunSnapshot snapshot;

  SnapshotRunSource(RunSnapshot snapshot) {
    this.snapshot = snapshot;
  }

  @Override
  public final RunInfo run() {
    return snapshot.info();
  }

  @Override
  public final Map<String, Double> metrics() {
    return snapshot.metrics();
  }

  @Override
  public final Map<String, String> params() {
    return snapshot.params();
  }

  @Override
  public final Map<String, String> tags() {
    return snapshot.tags();
  }
}
