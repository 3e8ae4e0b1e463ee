package io.llmtestbed.ait.sdk.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run metadata parsed from a REST {@code runs/get} response ({@code {"run": {"info": ...,
 * "data": ...}}}), the same text a tracking server returns and {@link RunExporter} stores as
 * {@code run.json}.
 */
record RunSnapshot(RunInfo info, Map<String, Double> metrics, Map<String, String> params,
    Map<String, String> tags) {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Parses a runs/get response.
   *
   * @param where names the text's origin in messages (a URL or a file)
   * @throws MlflowRunException of kind INVALID_REFERENCE when it is not a runs/get response
   */
  static RunSnapshot parse(String json, String where) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.INVALID_REFERENCE, where
          + " is not valid JSON: " + JsonFormat.parseProblem(e) + ". Fix: re-export the run with "
          + "'export-run'", e);
    }
    JsonNode run = root == null ? null : root.path("run");
    JsonNode info = run == null ? null : run.path("info");
    if (info == null || !info.isObject() || !info.hasNonNull("run_id")
        && !info.hasNonNull("run_uuid")) {
      throw new MlflowRunException(MlflowRunException.Kind.INVALID_REFERENCE, where
          + " is not an MLflow runs/get response: field 'run.info.run_id' is missing. Fix: "
          + "write it with 'export-run' (it stores GET /api/2.0/mlflow/runs/get as-is)");
    }
    JsonNode data = run.path("data");
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (JsonNode m : data.path("metrics")) {
      metrics.put(m.path("key").asText(), metricValue(m.path("value")));
    }
    return new RunSnapshot(runInfo(info), Collections.unmodifiableMap(metrics),
        keyValues(data.path("params")), keyValues(data.path("tags")));
  }

  private static RunInfo runInfo(JsonNode info) {
    String runId = text(info, "run_id");
    return new RunInfo(runId == null ? text(info, "run_uuid") : runId, text(info, "run_name"),
        text(info, "experiment_id"), text(info, "status"), text(info, "artifact_uri"),
        time(info, "start_time"), time(info, "end_time"), text(info, "user_id"));
  }

  private static double metricValue(JsonNode v) {
    // Protobuf JSON writes non-finite doubles as the strings "NaN", "Infinity", "-Infinity".
    return v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble(Double.NaN);
  }

  private static Map<String, String> keyValues(JsonNode list) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode kv : list) {
      out.put(kv.path("key").asText(), kv.path("value").asText(""));
    }
    return Collections.unmodifiableMap(out);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant time(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || v.asText().isEmpty()) {
      return null;
    }
    return Instant.ofEpochMilli(v.asLong());
  }
}
