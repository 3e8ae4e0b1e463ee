package io.llmtestbed.ait.sdk.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A bare {@code eval_results_table.json} given as an inventory, seen as a run with no metadata
 * and a single artifact, {@link EvalTable#DEFAULT_ARTIFACT}. Its run id is the file name
 * without extension, so per-run outputs still have a name.
 */
public final class TableFileRunSource implements MlflowRunSource {

  private final Path file;
  private final RunInfo info;

  /** Wraps a table file; the file is opened only when read. */
  public TableFileRunSource(Path file) {
    this.file = file;
    String name = file.getFileName().toString().replaceFirst("\\.json$", "");
    this.info = new RunInfo(name, name, null, null, file.toUri().toString(), null, null, null);
  }

  /** The table file. */
  public Path file() {
    return file;
  }

  @Override
  public RunInfo run() {
    return info;
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
    if (!ArtifactPaths.normalise(path).isEmpty()) {
      return List.of();
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      size = -1;
    }
    return List.of(new ArtifactEntry(EvalTable.DEFAULT_ARTIFACT, false, size));
  }

  @Override
  public InputStream openArtifact(String path) {
    if (!EvalTable.DEFAULT_ARTIFACT.equals(ArtifactPaths.normalise(path))) {
      throw ArtifactPaths.missing(this, path);
    }
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.IO, "cannot read " + file + ": " + e,
          e);
    }
  }

  /** The default artifact is the file itself, so messages name just the file. */
  @Override
  public EvalTable evalTable(String artifactPath) {
    if (EvalTable.DEFAULT_ARTIFACT.equals(ArtifactPaths.normalise(artifactPath))) {
      return EvalTable.open(file.toString(), () -> openArtifact(artifactPath));
    }
    return MlflowRunSource.super.evalTable(artifactPath);
  }

  @Override
  public String describe() {
    return "table file " + file;
  }

  @Override
  public String toString() {
    return describe();
  }
}
