package io.llmtestbed.ait.sdk.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Creates experiments and runs on a real tracking server through its REST API (not through the
 * SDK under test), and uploads artifacts through the artifact proxy, so integration tests can set
 * up exactly the state {@code mlflow.evaluate} leaves behind.
 */
public final class MlflowTestRuns {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String trackingUri;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  /** Talks to the server at {@code trackingUri} (e.g. {@link LocalStack#trackingUri()}). */
  public MlflowTestRuns(String trackingUri) {
    this.trackingUri = trackingUri.replaceAll("/+$", "");
  }

  /** A run as created: ids and its artifact root URI. */
  public record CreatedRun(String experimentId, String runId, String artifactUri) {
  }

  /** Creates an experiment with a unique name starting with {@code prefix}; returns its id. */
  public String createExperiment(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    ObjectNode body = MAPPER.createObjectNode().put("name", name);
    return post("experiments/create", body).path("experiment_id").asText();
  }

  /** Name of an experiment by id. */
  public String experimentName(String experimentId) {
    return get("experiments/get?experiment_id=" + experimentId).path("experiment")
        .path("name").asText();
  }

  /** Creates a run with a name, tags, params and metrics. */
  public CreatedRun createRun(String experimentId, String runName, Map<String, String> tags,
      Map<String, String> params, Map<String, Double> metrics) {
    ObjectNode body = MAPPER.createObjectNode().put("experiment_id", experimentId)
        .put("run_name", runName).put("start_time", System.currentTimeMillis());
    JsonNode info = post("runs/create", body).path("run").path("info");
    String runId = info.path("run_id").asText();
    ObjectNode batch = MAPPER.createObjectNode().put("run_id", runId);
    ArrayNode t = batch.putArray("tags");
    tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
    ArrayNode p = batch.putArray("params");
    params.forEach((k, v) -> p.addObject().put("key", k).put("value", v));
    ArrayNode m = batch.putArray("metrics");
    long now = System.currentTimeMillis();
    metrics.forEach((k, v) -> m.addObject().put("key", k).put("value", v)
        .put("timestamp", now).put("step", 0));
    post("runs/log-batch", batch);
    return new CreatedRun(experimentId, runId, info.path("artifact_uri").asText());
  }

  /** Marks a run FINISHED. */
  public void finish(String runId) {
    setStatus(runId, "FINISHED");
  }

  /** Sets a run's status (FINISHED, FAILED, KILLED, RUNNING, SCHEDULED). */
  public void setStatus(String runId, String status) {
    post("runs/update", MAPPER.createObjectNode().put("run_id", runId).put("status", status)
        .put("end_time", System.currentTimeMillis()));
  }

  /**
   * Uploads bytes to {@code path} under the run's artifact root via the proxy (PUT), as
   * MLflow's Python client does for {@code mlflow-artifacts:/} roots.
   */
  public void upload(CreatedRun run, String path, byte[] content) {
    String root = run.artifactUri().replaceFirst("^mlflow-artifacts:/+", "");
    URI target = URI.create(trackingUri + "/api/2.0/mlflow-artifacts/artifacts/" + root + "/"
        + path);
    send(HttpRequest.newBuilder(target).PUT(HttpRequest.BodyPublishers.ofByteArray(content))
        .build(), "PUT " + target);
  }

  /** Uploads a split-layout table and registers it in {@code mlflow.loggedArtifacts}. */
  public void logTable(CreatedRun run, String path, List<String> columns,
      List<List<Object>> rows) {
    ObjectNode table = MAPPER.createObjectNode();
    table.set("columns", MAPPER.valueToTree(columns));
    table.set("data", MAPPER.valueToTree(rows));
    upload(run, path, table.toString().getBytes(StandardCharsets.UTF_8));
    setTag(run.runId(), "mlflow.loggedArtifacts",
        "[{\"path\": \"" + path + "\", \"type\": \"table\"}]");
  }

  /** Sets one tag. */
  public void setTag(String runId, String key, String value) {
    post("runs/set-tag", MAPPER.createObjectNode().put("run_id", runId).put("key", key)
        .put("value", value));
  }

  /** The raw runs/get response. */
  public JsonNode getRun(String runId) {
    return get("runs/get?run_id=" + runId).path("run");
  }

  /** Downloads an artifact through the proxy. */
  public byte[] download(CreatedRun run, String path) {
    String root = run.artifactUri().replaceFirst("^mlflow-artifacts:/+", "");
    URI target = URI.create(trackingUri + "/api/2.0/mlflow-artifacts/artifacts/" + root + "/"
        + path);
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(target).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + target + " answered " + r.statusCode());
      }
      return r.body();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("GET " + target + " failed: " + e, e);
    }
  }

  private JsonNode get(String path) {
    URI target = URI.create(trackingUri + "/api/2.0/mlflow/" + path);
    return send(HttpRequest.newBuilder(target).GET().build(), "GET " + target);
  }

  private JsonNode post(String path, JsonNode body) {
    URI target = URI.create(trackingUri + "/api/2.0/mlflow/" + path);
    return send(HttpRequest.newBuilder(target).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), "POST " + target);
  }

  private JsonNode send(HttpRequest request, String what) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(what + " answered HTTP " + r.statusCode() + ": "
            + r.body());
      }
      return r.body().isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(what + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    }
  }
}
