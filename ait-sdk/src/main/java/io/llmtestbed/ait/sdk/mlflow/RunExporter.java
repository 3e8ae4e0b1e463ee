package io.llmtestbed.ait.sdk.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes a run from a tracking server into a directory that {@link ExportedRunDirectory} reads:
 * {@code run.json} (the runs/get response as-is) and {@code artifacts/...} (every artifact file).
 *
 * <p>Command line: {@code java -cp ait-sdk.jar io.llmtestbed.ait.sdk.mlflow.RunExporter
 * --tracking-uri http://127.0.0.1:5055 --run-id <id> --out <dir>}.
 */
public final class RunExporter {

  private static final Logger LOG = LoggerFactory.getLogger(RunExporter.class);

  private RunExporter() {
  }

  /**
   * Exports one run. Files are written to temporary names and moved into place, so an
   * interrupted export never leaves a truncated artifact under its real name.
   *
   * @param out target directory; created if absent, existing files are overwritten
   * @return the exported run, read back from {@code out}
   */
  public static ExportedRunDirectory export(TrackingServer server, String runId, Path out) {
    TrackingServerRunSource source = server.run(runId);
    try {
      Files.createDirectories(out.resolve(ExportedRunDirectory.ARTIFACTS));
      List<ArtifactEntry> files = source.listAllArtifacts();
      long bytes = 0;
      for (ArtifactEntry f : files) {
        bytes += copy(source, f.path(), out.resolve(ExportedRunDirectory.ARTIFACTS)
            .resolve(f.path()));
      }
      // LIMIT: run.json holds latest metric values only (as runs/get returns them); metric
      // histories, dataset inputs' rows and traces are not exported.
      // run.json last: its presence marks a complete export.
      writeAtomically(out.resolve(ExportedRunDirectory.RUN_JSON), source.runJson());
      LOG.info("Exported {} ({} artifact files, {} bytes) to {}", source.describe(),
          files.size(), bytes, out);
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.IO, "cannot export "
          + source.describe() + " to " + out + ": " + e + ". Fix: check that the directory is "
          + "writable and has space", e);
    }
    return ExportedRunDirectory.open(out);
  }

  private static long copy(MlflowRunSource source, String path, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".part");
    long n;
    try (InputStream in = source.openArtifact(path)) {
      n = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    return n;
  }

  private static void writeAtomically(Path target, String text) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".part");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Runs the {@code export-run} command; exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The picocli command line of {@code export-run} (for embedding and tests). */
  public static CommandLine commandLine() {
    return new CommandLine(new ExportRunCommand());
  }

  @Command(name = "export-run", mixinStandardHelpOptions = true,
      description = "Copy an MLflow run (run.json + artifacts/) into a directory an AIT can read "
          + "without access to the tracking server.")
  static final class ExportRunCommand implements Callable<Integer> {

    @Option(names = "--tracking-uri", description = "Tracking server URI "
        + "(default: $MLFLOW_TRACKING_URI)", defaultValue = "${env:MLFLOW_TRACKING_URI}")
    String trackingUri;

    @Option(names = "--run-id", required = true, description = "Id of the run to export")
    String runId;

    @Option(names = "--out", required = true, description = "Target directory")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      if (trackingUri == null || trackingUri.isBlank()) {
        err.println("export-run: no tracking server given. Fix: pass --tracking-uri "
            + "http://host:port or export MLFLOW_TRACKING_URI");
        return 2;
      }
      try (TrackingServer server = TrackingServer.connect(trackingUri)) {
        ExportedRunDirectory dir = export(server, runId, out);
        spec.commandLine().getOut().println(dir.describe() + " ("
            + dir.listAllArtifacts().size() + " artifact files)");
        return 0;
      } catch (MlflowRunException | IllegalArgumentException e) {
        err.println("export-run: " + e.getMessage());
        return 1;
      }
    }
  }
}
