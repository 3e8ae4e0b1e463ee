package io.llmtestbed.ait.sdk.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run exported by {@link RunExporter}, for AIT containers with no route to the tracking
 * server. Layout:
 *
 * <pre>
 * &lt;dir&gt;/run.json        the REST runs/get response, as the server returned it
 * &lt;dir&gt;/artifacts/...   the run's artifacts, same relative paths as on the server
 * </pre>
 */
public final class ExportedRunDirectory extends SnapshotRunSource {

  /** Name of the metadata file. */
  public static final String RUN_JSON = "run.json";

  /** Name of the artifact directory. */
  public static final String ARTIFACTS = "artifacts";

  private final Path directory;

  private ExportedRunDirectory(Path directory, RunSnapshot snapshot) {
    super(snapshot);
    this.directory = directory;
  }

  /**
   * Opens an exported run directory.
   *
   * @throws MlflowRunException INVALID_REFERENCE when {@code run.json} is missing or malformed
   */
  public static ExportedRunDirectory open(Path directory) {
    Path runJson = directory.resolve(RUN_JSON);
    if (!Files.isRegularFile(runJson)) {
      throw new MlflowRunException(MlflowRunException.Kind.INVALID_REFERENCE, "exported run "
          + "directory " + directory + " has no " + RUN_JSON + ". Fix: create it with "
          + "'export-run --tracking-uri <uri> --run-id <id> --out " + directory + "'");
    }
    try {
      String json = Files.readString(runJson, StandardCharsets.UTF_8);
      return new ExportedRunDirectory(directory, RunSnapshot.parse(json, runJson.toString()));
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.IO, "cannot read " + runJson + ": "
          + e, e);
    }
  }

  /** True when {@code directory} looks like an exported run (has {@code run.json}). */
  public static boolean isExportedRun(Path directory) {
    return Files.isRegularFile(directory.resolve(RUN_JSON));
  }

  /** The directory this run was read from. */
  public Path directory() {
    return directory;
  }

  @Override
  public List<ArtifactEntry> listArtifacts(String path) {
    String p = ArtifactPaths.normalise(path);
    Path dir = file(p);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<ArtifactEntry> out = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.sorted(Comparator.comparing(Path::toString)).toList()) {
        String rel = (p.isEmpty() ? "" : p + "/") + child.getFileName();
        boolean isDir = Files.isDirectory(child);
        out.add(new ArtifactEntry(rel, isDir, isDir ? -1 : Files.size(child)));
      }
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.IO, "cannot list " + dir + ": " + e, e);
    }
    return out;
  }

  @Override
  public InputStream openArtifact(String path) {
    String p = ArtifactPaths.normalise(path);
    Path file = file(p);
    try {
      if (Files.isDirectory(file)) {
        throw ArtifactPaths.missing(this, p);
      }
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw ArtifactPaths.missing(this, p);
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.IO, "cannot read " + file + ": " + e,
          e);
    }
  }

  private Path file(String relative) {
    Path root = directory.resolve(ARTIFACTS);
    return relative.isEmpty() ? root : root.resolve(relative);
  }

  @Override
  public String describe() {
    RunInfo r = run();
    return "exported run " + r.runId() + (r.runName() == null ? "" : " '" + r.runName() + "'")
        + " in " + directory;
  }

  @Override
  public String toString() {
    return describe();
  }
}
