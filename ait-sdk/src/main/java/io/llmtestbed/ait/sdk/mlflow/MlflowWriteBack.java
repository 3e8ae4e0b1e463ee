package io.llmtestbed.ait.sdk.mlflow;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import io.llmtestbed.ait.sdk.provenance.Provenance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an AIT's results back into the MLflow run it measured: metrics ({@code runs/log-batch}),
 * tags, table artifacts in the same pandas split layout as {@code eval_results_table.json}
 * (registered in the run tag {@code mlflow.loggedArtifacts} so the MLflow UI lists them in its
 * evaluation views), and arbitrary files such as CSV and PNG.
 *
 * <p>Keys are checked against MLflow's rules before anything is sent, so a bad name fails
 * without a half-written run.
 *
 * <p>While an AIT runs under {@code AitMain}, the first {@link #logMetrics} call of each
 * instance also sets the {@code testbed.provenance.*} tags ({@link Provenance#mlflowTags()}:
 * ait, ait_version, git_commit, input_digest, started, job), so every run written back names the
 * AIT run that produced its numbers; {@link #setProvenanceTags()} sets them explicitly.
 */
public final class MlflowWriteBack {

  private static final Logger LOG = LoggerFactory.getLogger(MlflowWriteBack.class);

  /** Run tag listing the tables MLflow's UI shows (same tag {@code mlflow.log_table} writes). */
  public static final String LOGGED_ARTIFACTS_TAG = "mlflow.loggedArtifacts";

  // MLflow's rule (utils/validation.py): Python's Unicode \w plus / . - space and colon.
  private static final Pattern KEY = Pattern.compile("^[/\\w.\\- :]*$",
      Pattern.UNICODE_CHARACTER_CLASS);
  private static final int MAX_KEY_LENGTH = 250;
  private static final int MAX_TAG_VALUE_LENGTH = 8000;
  private static final int METRICS_PER_BATCH = 1000;
  private static final int TAGS_PER_BATCH = 100;

  private final TrackingServer server;
  private final String runId;
  private boolean provenanceTagged;

  /** Writes to run {@code runId} on {@code server}. */
  public MlflowWriteBack(TrackingServer server, String runId) {
    this.server = server;
    this.runId = runId;
  }

  /** Writes back to the run a source was read from. */
  public static MlflowWriteBack to(MlflowRunSource source) {
    TrackingServer server = source.trackingServer().orElseThrow(() -> new IllegalArgumentException(
        "cannot write results back to " + source.describe() + ": it was not read from a "
            + "tracking server. Fix: give a run-reference inventory, or skip write-back"));
    return new MlflowWriteBack(server, source.run().runId());
  }

  /** Logs metrics at step 0 with the current time. */
  public void logMetrics(Map<String, Double> metrics) {
    logMetrics(metrics, 0L);
  }

  /**
   * Logs metrics (NaN allowed, as in MLflow) at one step, in batches of 1000.
   *
   * @throws IllegalArgumentException for keys MLflow would reject, before anything is sent
   */
  public void logMetrics(Map<String, Double> metrics, long step) {
    metrics.keySet().forEach(k -> validateKey("metric", k));
    if (!provenanceTagged) {
      setProvenanceTags();
    }
    long now = System.currentTimeMillis();
    List<Map.Entry<String, Double>> entries = new ArrayList<>(metrics.entrySet());
    for (int from = 0; from < entries.size(); from += METRICS_PER_BATCH) {
      ObjectNode body = batchBodyFor();
      ArrayNode list = body.putArray("metrics");
      for (Map.Entry<String, Double> e : entries.subList(from,
          Math.min(entries.size(), from + METRICS_PER_BATCH))) {
        if (e.getValue() == null) {
          throw new IllegalArgumentException("metric '" + e.getKey() + "' has no value (null). "
              + "Fix: log Double.NaN for an undefined measure, or leave the metric out");
        }
        ObjectNode m = list.addObject().put("key", e.getKey()).put("timestamp", now)
            .put("step", step);
        putDouble(m, e.getValue());
      }
      server.post("log metrics to run " + runId, "runs/log-batch", body.toString());
    }
    LOG.info("Logged {} metrics to run {}", metrics.size(), runId);
  }

  /**
   * Sets the {@code testbed.provenance.*} tags of the AIT run in progress
   * ({@link Provenance#current()}); does nothing outside an AIT run.
   *
   * @return the tags set (empty outside a run)
   */
  public Map<String, String> setProvenanceTags() {
    Map<String, String> tags = Provenance.current().map(Provenance::mlflowTags).orElse(Map.of());
    if (!tags.isEmpty()) {
      setTags(tags);
      LOG.info("Tagged run {} with {} testbed.provenance.* tags", runId, tags.size());
    }
    provenanceTagged = true;
    return tags;
  }

  /**
   * Sets run tags, in batches of 100.
   *
   * @throws IllegalArgumentException for keys MLflow would reject or values over 8000 chars
   */
  public void setTags(Map<String, String> tags) {
    tags.forEach((k, v) -> {
      validateKey("tag", k);
      if (v == null || v.length() > MAX_TAG_VALUE_LENGTH) {
        throw new IllegalArgumentException("tag '" + k + "' value must be a string of at most "
            + MAX_TAG_VALUE_LENGTH + " characters, got " + (v == null ? "null" : v.length()
            + " characters") + ". Fix: store long text as an artifact instead");
      }
    });
    List<Map.Entry<String, String>> entries = new ArrayList<>(tags.entrySet());
    for (int from = 0; from < entries.size(); from += TAGS_PER_BATCH) {
      ObjectNode body = batchBodyFor();
      ArrayNode list = body.putArray("tags");
      for (Map.Entry<String, String> e : entries.subList(from,
          Math.min(entries.size(), from + TAGS_PER_BATCH))) {
        list.addObject().put("key", e.getKey()).put("value", e.getValue());
      }
      server.post("set tags on run " + runId, "runs/log-batch", body.toString());
    }
  }

  /**
   * Uploads a table as JSON in pandas split layout ({@code {"columns": [...], "data": [[...]]}})
   * and registers it in {@code mlflow.loggedArtifacts} as {@code {"path", "type": "table"}},
   * keeping existing entries. Replaces a previous artifact of the same path.
   *
   * <p>Cells may be null, {@link Number}, {@link Boolean}, {@link String} or {@link JsonText}
   * (written as nested JSON); anything else is written as its {@code toString()}.
   *
   * @param artifactPath run-relative path ending in {@code .json}, e.g.
   *     {@code ait/answer_accuracy_rows.json}
   * @param rows each row has one cell per column
   */
  public void logTable(String artifactPath, List<String> columns,
      Iterable<? extends List<?>> rows) {
    String path = ArtifactPaths.normalise(artifactPath);
    if (!path.endsWith(".json")) {
      throw new IllegalArgumentException("table artifact path must end with .json (MLflow's UI "
          + "reads tables as JSON), got '" + artifactPath + "'");
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile("mlflow-table-", ".json");
      int count = writeSplitJson(tmp, columns, rows);
      upload(tmp, path);
      registerTable(path);
      LOG.info("Logged table {} ({} rows, {} columns) to run {}", path, count, columns.size(),
          runId);
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.IO, "cannot write table '" + path
          + "' for run " + runId + ": " + e, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Uploads a local file (CSV, PNG, ...) to {@code artifactPath} in the run, streaming it.
   *
   * @param artifactPath run-relative target path including the file name
   */
  public void uploadFile(Path file, String artifactPath) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("cannot upload " + file + ": not a file");
    }
    upload(file, ArtifactPaths.normalise(artifactPath));
    LOG.info("Uploaded {} to run {} as {}", file.getFileName(), runId, artifactPath);
  }

  private void upload(Path file, String artifactPath) {
    TrackingServerRunSource run = server.run(runId);
    URI root = run.artifactRoot();
    if (root == null) {
      // LIMIT: runs whose artifact root is not served by the proxy (e.g. s3:// set with
      // --no-serve-artifacts) would need the store's own client; only the proxy is supported.
      throw new MlflowRunException(MlflowRunException.Kind.SERVER_ERROR, "cannot upload to "
          + run.describe() + ": its artifact root " + run.run().artifactUri() + " is not served "
          + "by the artifact proxy. Fix: run the server with --serve-artifacts and "
          + "--artifacts-destination, so new runs get mlflow-artifacts:/ roots");
    }
    URI target = URI.create(root + "/" + ArtifactPaths.encodePath(artifactPath));
    // LIMIT: one streamed PUT per file; the proxy's multipart endpoints (mpu/create...) are not
    // used, so files beyond the server's request limits (GBs) are not supported.
    server.upload(target, file, "upload '" + artifactPath + "' to " + run.describe());
  }

  private void registerTable(String path) {
    String current = server.currentTags(runId).getOrDefault(LOGGED_ARTIFACTS_TAG, "[]");
    ArrayNode list;
    try {
      JsonNode parsed = RunSnapshot.MAPPER.readTree(current);
      list = parsed != null && parsed.isArray() ? (ArrayNode) parsed
          : RunSnapshot.MAPPER.createArrayNode();
    } catch (IOException e) {
      LOG.warn("Run {} tag {} is not a JSON list ({}); replacing it with a list holding {}",
          runId, LOGGED_ARTIFACTS_TAG, e.getMessage(), path);
      list = RunSnapshot.MAPPER.createArrayNode();
    }
    for (JsonNode entry : list) {
      if (path.equals(entry.path("path").asText()) && "table".equals(entry.path("type")
          .asText())) {
        return;
      }
    }
    list.addObject().put("path", path).put("type", "table");
    Map<String, String> tag = new LinkedHashMap<>();
    tag.put(LOGGED_ARTIFACTS_TAG, list.toString());
    setTags(tag);
  }

  /**
   * Checks a metric, param or tag key against MLflow's rules: at most 250 characters;
   * letters, digits, underscores, dashes, periods, spaces, colons and slashes only; and it must
   * not change when normalised as a path (no {@code //}, {@code ./}, leading {@code /} or
   * {@code ..}).
   *
   * @param kind "metric", "param" or "tag", for the message
   * @throws IllegalArgumentException naming the key, the rule and a fix
   */
  public static void validateKey(String kind, String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException(kind + " key must not be empty");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(kind + " key '" + key.substring(0, 40) + "...' has "
          + key.length() + " characters; MLflow allows at most " + MAX_KEY_LENGTH);
    }
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(kind + " key '" + key + "' is not accepted by MLflow: "
          + "names may only contain letters, digits, underscores (_), dashes (-), periods (.), "
          + "spaces, colons (:) and slashes (/). Fix: replace the other characters, e.g. with _");
    }
    String norm = normalisedPath(key);
    if (!norm.equals(key) || norm.equals(".") || norm.startsWith("..") || norm.startsWith("/")) {
      throw new IllegalArgumentException(kind + " key '" + key + "' is not accepted by MLflow: "
          + "as a path it would resolve to '" + normalisedPath(key) + "' (no leading '/', '//', "
          + "'.' or '..' segments, or trailing '/'). Fix: use '" + normalisedPath(key)
          .replaceFirst("^/+", "") + "'");
    }
  }

  /** posixpath.normpath, which MLflow compares keys against. */
  private static String normalisedPath(String name) {
    boolean absolute = name.startsWith("/");
    List<String> parts = new ArrayList<>();
    for (String segment : name.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..") && !parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
        parts.remove(parts.size() - 1);
      } else if (!(segment.equals("..") && absolute)) {
        parts.add(segment);
      }
    }
    String joined = String.join("/", parts);
    String prefix = absolute ? (name.startsWith("//") && !name.startsWith("///") ? "//" : "/")
        : "";
    String result = prefix + joined;
    return result.isEmpty() ? "." : result;
  }

  private static int writeSplitJson(Path file, List<String> columns,
      Iterable<? extends List<?>> rows) throws IOException {
    int count = 0;
    try (OutputStream out = Files.newOutputStream(file);
        JsonGenerator g = EvalTable.JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("columns");
      for (String c : columns) {
        g.writeString(c);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("data");
      for (List<?> row : rows) {
        if (row.size() != columns.size()) {
          throw new IllegalArgumentException("table row " + count + " has " + row.size()
              + " cells but there are " + columns.size() + " columns " + columns);
        }
        g.writeStartArray();
        for (Object cell : row) {
          writeCell(g, cell);
        }
        g.writeEndArray();
        count++;
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return count;
  }

  private static void writeCell(JsonGenerator g, Object cell) throws IOException {
    if (cell == null) {
      g.writeNull();
    } else if (cell instanceof Double d && !Double.isFinite(d)) {
      g.writeNull(); // pandas writes NaN as null in split JSON; keep the table loadable
    } else if (cell instanceof Float f && !Float.isFinite(f)) {
      g.writeNull();
    } else if (cell instanceof Number n) {
      g.writeNumber(n.toString());
    } else if (cell instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (cell instanceof JsonText j) {
      g.writeRawValue(j.json());
    } else {
      g.writeString(cell.toString());
    }
  }

  private ObjectNode putDouble(ObjectNode metric, double value) {
    if (Double.isFinite(value)) {
      metric.put("value", value);
    } else {
      metric.put("value", Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
    return metric;
  }

  private ObjectNode batchBodyFor() {
    return RunSnapshot.MAPPER.createObjectNode().put("run_id", runId);
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // A leftover temp file is harmless; the upload result is what matters.
      }
    }
  }
}
