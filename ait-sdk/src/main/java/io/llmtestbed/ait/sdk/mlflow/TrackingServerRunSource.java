package io.llmtestbed.ait.sdk.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A run read from a tracking server. Metadata is fetched when the source is created
 * ({@link TrackingServer#run(String)}); listings use the tracking API
 * ({@code /api/2.0/mlflow/artifacts/list}); files are streamed from the artifact proxy
 * ({@code /api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<path>}), or from
 * the server's {@code /get-artifact} route when the run's artifact root is not proxied.
 */
public final class TrackingServerRunSource extends SnapshotRunSource {

  private final TrackingServer server;

  TrackingServerRunSource(TrackingServer server, RunSnapshot snapshot) {
    super(snapshot);
    this.server = server;
  }

  /** Shortcut for {@code TrackingServer.connect(trackingUri).run(runId)}. */
  public static TrackingServerRunSource open(String trackingUri, String runId) {
    return TrackingServer.connect(trackingUri).run(runId);
  }

  @Override
  public Optional<TrackingServer> trackingServer() {
    return Optional.of(server);
  }

  @Override
  public List<ArtifactEntry> listArtifacts(String path) {
    String p = ArtifactPaths.normalise(path);
    String query = "artifacts/list?run_id=" + ArtifactPaths.encode(run().runId())
        + (p.isEmpty() ? "" : "&path=" + ArtifactPaths.encode(p));
    JsonNode answer = TrackingServer.readTree(server.get("list artifacts of " + describe(),
        query));
    List<ArtifactEntry> out = new ArrayList<>();
    for (JsonNode f : answer.path("files")) {
      out.add(new ArtifactEntry(f.path("path").asText(), f.path("is_dir").asBoolean(false),
          f.path("is_dir").asBoolean(false) ? -1 : f.path("file_size").asLong(-1)));
    }
    return out;
  }

  @Override
  public InputStream openArtifact(String path) {
    String p = ArtifactPaths.normalise(path);
    URI target = artifactUrl(p);
    HttpResponse<InputStream> response = server.sendForStream(target, "download '" + p + "' of "
        + describe());
    int status = response.statusCode();
    if (status / 100 == 2) {
      return response.body();
    }
    String body = drain(response.body());
    // MLflow 3 answers a missing S3 object with HTTP 500 (INTERNAL_ERROR wrapping a 404), so
    // any failure other than auth is checked against the listing before it is reported.
    if (status != 401 && status != 403 && !exists(p)) {
      throw ArtifactPaths.missing(this, p);
    }
    server.checkArtifactStatus(status, body, target, "download '" + p + "'");
    throw new IllegalStateException("unreachable: status " + status + " passed the check");
  }

  private boolean exists(String path) {
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash);
    try {
      return listArtifacts(parent).stream().anyMatch(e -> e.path().equals(path)
          && !e.directory());
    } catch (MlflowRunException e) {
      return true; // cannot tell; report the download failure itself
    }
  }

  /** The URL a file of this run is downloaded from. */
  public URI artifactUrl(String path) {
    String p = ArtifactPaths.normalise(path);
    URI base = artifactRoot();
    if (base != null) {
      return URI.create(base + "/" + ArtifactPaths.encodePath(p));
    }
    return URI.create(server.uri() + "/get-artifact?run_id=" + ArtifactPaths.encode(
        run().runId()) + "&path=" + ArtifactPaths.encode(p));
  }

  /** Proxy URL of the artifact root, or null when the root is not served by the proxy. */
  URI artifactRoot() {
    String artifactUri = run().artifactUri();
    return artifactUri == null ? null : server.proxyBase(artifactUri);
  }

  /** The raw runs/get JSON, re-fetched from the server. */
  String runJson() {
    return server.getRunJson(run().runId());
  }

  @Override
  public String describe() {
    RunInfo r = run();
    return "run " + r.runId() + (r.runName() == null ? "" : " '" + r.runName() + "'") + " at "
        + server.uri();
  }

  @Override
  public String toString() {
    return describe();
  }

  private static String drain(InputStream in) {
    try (in) {
      byte[] bytes = in.readNBytes(4096);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
