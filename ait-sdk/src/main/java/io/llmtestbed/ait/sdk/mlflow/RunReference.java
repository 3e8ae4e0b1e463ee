package io.llmtestbed.ait.sdk.mlflow;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code evaluation_runs} inventory into the runs it names. Accepted forms:
 *
 * <ol>
 *   <li>a run-reference file {@code {"tracking_uri": "http://...", "run_ids": ["..."]}};</li>
 *   <li>a run-reference file {@code {"tracking_uri": "...", "experiment_name": "...",
 *       "run_names": ["..."]}} ({@code run_names} optional: all active runs of the experiment,
 *       oldest first). Only runs whose status is FINISHED are taken unless the optional field
 *       {@code "run_statuses"} lists others (e.g. {@code ["FINISHED", "RUNNING"]}); skipped runs
 *       are logged with their status;</li>
 *   <li>a directory exported by {@link RunExporter} ({@code run.json} + {@code artifacts/}), a
 *       directory whose sub-directories are such exports (one run each, by name), or the
 *       {@code run.json} file itself;</li>
 *   <li>a bare {@code eval_results_table.json} (pandas split layout).</li>
 * </ol>
 *
 * <p>{@code tracking_uri} may be omitted when MLFLOW_TRACKING_URI is set; the file wins when both
 * are given. Errors name the file, the field and the fix.
 */
public final class RunReference {

  private static final Logger LOG = LoggerFactory.getLogger(RunReference.class);
  /** Statuses taken from an experiment when the reference has no 'run_statuses'. */
  static final List<String> DEFAULT_STATUSES = List.of("FINISHED");
  private static final List<String> RUN_STATUSES = List.of("RUNNING", "SCHEDULED", "FINISHED",
      "FAILED", "KILLED");

  private RunReference() {
  }

  /** Resolves an inventory with credentials and default tracking URI from the environment. */
  public static List<MlflowRunSource> resolve(Path inventory) {
    return resolve(inventory, TrackingCredentials.fromEnv(), System.getenv("MLFLOW_TRACKING_URI"));
  }

  /**
   * Resolves an inventory.
   *
   * @param credentials credentials for a tracking server named by the file
   * @param defaultTrackingUri used when the file has no {@code tracking_uri}; may be null
   * @return the runs, in the order the file names them; never empty
   * @throws MlflowRunException INVALID_REFERENCE for malformed files, or the server's errors
   */
  public static List<MlflowRunSource> resolve(Path inventory, TrackingCredentials credentials,
      String defaultTrackingUri) {
    if (Files.isDirectory(inventory)) {
      return fromDirectory(inventory, credentials, defaultTrackingUri);
    }
    if (!Files.isRegularFile(inventory)) {
      throw invalid(inventory + " does not exist. Fix: point the evaluation_runs inventory at a "
          + "run-reference JSON, an exported run directory or an eval_results_table.json");
    }
    if (inventory.getFileName().toString().equals(ExportedRunDirectory.RUN_JSON)) {
      Path parent = inventory.toAbsolutePath().getParent();
      return List.of(ExportedRunDirectory.open(parent));
    }
    String firstKey = firstKey(inventory);
    if (firstKey == null || Set.of("columns", "data", "index").contains(firstKey)) {
      return List.of(new TableFileRunSource(inventory));
    }
    if ("run".equals(firstKey)) {
      return List.of(ExportedRunDirectory.open(inventory.toAbsolutePath().getParent()));
    }
    return fromReferenceFile(inventory, credentials, defaultTrackingUri);
  }

  private static List<MlflowRunSource> fromDirectory(Path dir, TrackingCredentials credentials,
      String defaultTrackingUri) {
    if (ExportedRunDirectory.isExportedRun(dir)) {
      return List.of(ExportedRunDirectory.open(dir));
    }
    List<Path> children;
    try (Stream<Path> s = Files.list(dir)) {
      children = s.sorted().toList();
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.IO, "cannot list " + dir + ": " + e, e);
    }
    List<MlflowRunSource> runs = new ArrayList<>();
    for (Path child : children) {
      if (Files.isDirectory(child) && ExportedRunDirectory.isExportedRun(child)) {
        runs.add(ExportedRunDirectory.open(child));
      }
    }
    if (!runs.isEmpty()) {
      return runs;
    }
    List<Path> jsonFiles = children.stream()
        .filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".json")).toList();
    if (jsonFiles.size() == 1) {
      return resolve(jsonFiles.get(0), credentials, defaultTrackingUri);
    }
    throw invalid("directory " + dir + " is neither an exported run (no run.json) nor holds "
        + "exported runs or exactly one .json file; it has: " + names(children) + ". Fix: "
        + "export the run with 'export-run --out " + dir + "' or give the JSON file itself");
  }

  private static List<MlflowRunSource> fromReferenceFile(Path file,
      TrackingCredentials credentials, String defaultTrackingUri) {
    JsonNode ref;
    try {
      ref = RunSnapshot.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw invalid("run reference " + file + " is not valid JSON: "
          + JsonFormat.parseProblem(e) + ". Fix: "
          + "write {\"tracking_uri\": \"http://...\", \"run_ids\": [\"...\"]}");
    }
    if (!ref.isObject()) {
      throw invalid("run reference " + file + " must be a JSON object, found " + ref.getNodeType()
          + ". Fix: write {\"tracking_uri\": \"http://...\", \"run_ids\": [\"...\"]}");
    }
    String trackingUri = textField(file, ref, "tracking_uri");
    if (trackingUri == null) {
      trackingUri = defaultTrackingUri;
    }
    if (trackingUri == null || trackingUri.isBlank()) {
      throw invalid("run reference " + file + " has no field 'tracking_uri' and "
          + "MLFLOW_TRACKING_URI is not set. Fix: add \"tracking_uri\": \"http://host:5055\"");
    }
    List<String> runIds = listField(file, ref, "run_ids");
    String experimentName = textField(file, ref, "experiment_name");
    List<String> runNames = listField(file, ref, "run_names");
    List<String> statuses = listField(file, ref, "run_statuses");
    if (statuses == null) {
      statuses = DEFAULT_STATUSES;
    }
    for (String st : statuses) {
      if (!RUN_STATUSES.contains(st)) {
        throw invalid("run reference " + file + ": field 'run_statuses' has '" + st + "', which "
            + "is not an MLflow run status " + RUN_STATUSES + ". Fix: list statuses from "
            + RUN_STATUSES + ", or leave the field out to take FINISHED runs only");
      }
    }
    if (statuses != DEFAULT_STATUSES && experimentName == null) {
      throw invalid("run reference " + file + ": field 'run_statuses' needs 'experiment_name' "
          + "(runs named by 'run_ids' are taken whatever their status)");
    }
    if (runIds != null && experimentName != null) {
      throw invalid("run reference " + file + " sets both 'run_ids' and 'experiment_name'. Fix: "
          + "keep one of them (run_ids names runs exactly)");
    }
    if (runNames != null && experimentName == null) {
      throw invalid("run reference " + file + ": field 'run_names' needs 'experiment_name' (run "
          + "names are unique only within an experiment)");
    }
    if (runIds == null && experimentName == null) {
      throw invalid("run reference " + file + " names no runs: field 'run_ids' or "
          + "'experiment_name' is required; fields present: " + fieldNames(ref) + ". Fix: add "
          + "\"run_ids\": [\"<32-char run id>\"] or \"experiment_name\": \"<name>\"");
    }
    if (runIds != null && runIds.isEmpty()) {
      throw invalid("run reference " + file + ": field 'run_ids' is empty. Fix: list at least one "
          + "run id");
    }
    TrackingServer server;
    try {
      server = TrackingServer.connect(trackingUri, credentials,
          TrackingServer.DEFAULT_CONNECT_TIMEOUT, TrackingServer.DEFAULT_REQUEST_TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw invalid("run reference " + file + ", field 'tracking_uri': " + e.getMessage());
    }
    List<MlflowRunSource> runs = new ArrayList<>();
    if (runIds != null) {
      for (String id : runIds) {
        runs.add(server.run(id));
      }
      return runs;
    }
    return byExperiment(file, server, experimentName, runNames, statuses);
  }

  private static List<MlflowRunSource> byExperiment(Path file, TrackingServer server,
      String experimentName, List<String> runNames, List<String> statuses) {
    String experimentId = server.experimentId(experimentName);
    List<RunInfo> active = server.searchRuns(experimentId, null);
    List<RunInfo> all = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (RunInfo r : active) {
      boolean wanted = runNames == null || runNames.contains(r.runName());
      if (statuses.contains(r.status())) {
        all.add(r);
      } else if (wanted) {
        skipped.add(r.runId() + (r.runName() == null ? "" : " '" + r.runName() + "'") + " ("
            + r.status() + ")");
      }
    }
    if (!skipped.isEmpty()) {
      LOG.warn("Experiment '{}': skipped {} run(s) whose status is not {}: {}. A failed or "
          + "unfinished run usually has no eval table; list the status in 'run_statuses' or "
          + "name the run in 'run_ids' to take it anyway", experimentName, skipped.size(),
          String.join("/", statuses), String.join(", ", skipped));
    }
    List<MlflowRunSource> runs = new ArrayList<>();
    if (runNames == null) {
      if (all.isEmpty()) {
        throw new MlflowRunException(MlflowRunException.Kind.RUN_NOT_FOUND, "experiment '"
            + experimentName + "' on " + server.uri() + " has no active run with status "
            + String.join("/", statuses) + " (file " + file + ")" + (skipped.isEmpty() ? ""
            : "; skipped: " + String.join(", ", skipped)) + ". Fix: log the evaluation runs "
            + "first, or list the wanted statuses in 'run_statuses'");
      }
      for (RunInfo r : all) {
        runs.add(server.run(r.runId()));
      }
      return runs;
    }
    Set<String> present = new LinkedHashSet<>();
    all.forEach(r -> present.add(r.runName()));
    for (String name : runNames) {
      List<RunInfo> matches = all.stream().filter(r -> name.equals(r.runName())).toList();
      if (matches.isEmpty()) {
        throw new MlflowRunException(MlflowRunException.Kind.RUN_NOT_FOUND, "run reference "
            + file + ", field 'run_names': experiment '" + experimentName + "' has no active run "
            + "named '" + name + "' with status " + String.join("/", statuses) + "; run names "
            + "present: " + present + (skipped.isEmpty() ? "" : "; skipped: "
            + String.join(", ", skipped)) + ". Fix: correct the name, list the status in "
            + "'run_statuses', or use 'run_ids'");
      }
      RunInfo newest = matches.get(matches.size() - 1);
      if (matches.size() > 1) {
        LOG.warn("Experiment '{}' has {} runs named '{}'; using the newest, {}. Use run_ids to "
            + "pick another", experimentName, matches.size(), name, newest.runId());
      }
      runs.add(server.run(newest.runId()));
    }
    return runs;
  }

  private static String firstKey(Path file) {
    try (JsonParser p = EvalTable.JSON.createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid(file + " is not a JSON object (starts with " + p.currentToken() + " at "
            + EvalTable.where(p.currentTokenLocation()) + "). Fix: give a run-reference JSON, an "
            + "exported run directory or an eval_results_table.json in pandas split layout");
      }
      JsonToken t = p.nextToken();
      return t == JsonToken.FIELD_NAME ? p.currentName() : null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw invalid(file + " is not valid JSON at " + EvalTable.where(e.getLocation()) + ": "
          + JsonFormat.withoutSourceNote(e.getOriginalMessage()) + ". Fix: give a run-reference "
          + "JSON, an exported run directory or an eval_results_table.json");
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.IO, "cannot read " + file + ": " + e,
          e);
    }
  }

  private static String textField(Path file, JsonNode ref, String field) {
    JsonNode v = ref.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw invalid("run reference " + file + ": field '" + field + "' must be a non-empty "
          + "string, found " + v + ". Fix: write \"" + field + "\": \"...\"");
    }
    return v.asText().trim();
  }

  private static List<String> listField(Path file, JsonNode ref, String field) {
    JsonNode v = ref.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return List.of(v.asText().trim());
    }
    if (!v.isArray()) {
      throw invalid("run reference " + file + ": field '" + field + "' must be a list of "
          + "strings, found " + v + ". Fix: write \"" + field + "\": [\"...\"]");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual() || e.asText().isBlank()) {
        throw invalid("run reference " + file + ": field '" + field + "' must hold non-empty "
            + "strings, found element " + e + ". Fix: write \"" + field + "\": [\"...\"]");
      }
      out.add(e.asText().trim());
    }
    return out;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> names(List<Path> paths) {
    return paths.stream().map(p -> p.getFileName().toString()).toList();
  }

  private static MlflowRunException invalid(String message) {
    return new MlflowRunException(MlflowRunException.Kind.INVALID_REFERENCE, message);
  }
}
