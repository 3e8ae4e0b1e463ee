package io.llmtestbed.ait.sdk.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * A connection to an MLflow tracking server: tracking calls through {@code mlflow-client}
 * (authentication, rate-limit retries), artifacts through the server's artifact proxy
 * ({@code /api/2.0/mlflow-artifacts/artifacts/...}) over {@link HttpClient}, because the Java
 * client can only reach artifacts by forking the Python CLI.
 *
 * <p>Every failure is a {@link MlflowRunException} whose kind says what went wrong and whose
 * message names the URI and the fix. Egress: {@link #connect} and every call check the server
 * against {@link EgressPolicy#current()} and fail with an
 * {@link io.llmtestbed.ait.sdk.net.EgressDeniedException} (E102) when it is not allowed;
 * artifact requests go through {@link GuardedHttp}; tracking calls are recorded in
 * {@link EgressAudit#global()} as purpose {@value #TRACKING_PURPOSE}, one entry per logical
 * call. Thread-safe.
 */
public final class TrackingServer implements AutoCloseable {

  /** Audit purpose of tracking API calls. */
  public static final String TRACKING_PURPOSE = "mlflow.tracking";

  /** Audit purpose of artifact proxy downloads and uploads. */
  public static final String ARTIFACTS_PURPOSE = "mlflow.artifacts";

  /** Connect timeout for artifact requests. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Time allowed until the response headers of an artifact request arrive. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final URI uri;
  private final TrackingCredentials credentials;
  private final MlflowClient client;
  private final GuardedHttp http;
  private final Duration requestTimeout;

  private TrackingServer(URI uri, TrackingCredentials credentials, Duration connectTimeout,
      Duration requestTimeout) {
    this.uri = uri;
    this.credentials = credentials;
    this.requestTimeout = requestTimeout;
    // LIMIT: mlflow-client 2.17.2 offers no timeout setting; tracking calls wait for the OS
    // connect timeout when a host drops packets (refused connections fail at once). It also
    // re-sends every request that fails with a non-429 HTTP error (3 attempts, no pause) and
    // logs each retry as WARN "Rate limit exceeded", even for 401 and 404 (seen against MLflow
    // 3.17.2); the final error is still mapped to a clear MlflowRunException here.
    // mlflow-client talks through its own Apache HttpClient, so the allow-list is checked here
    // before the client exists and again before each call (see call()).
    // LIMIT: redirects the Apache client follows inside mlflow-client are not checked per hop;
    // artifact requests (GuardedHttp) are. Its internal retries are one audit entry.
    checkEgress(uri, "MLflow tracking requests", 0);
    this.client = new MlflowClient(new BasicMlflowHostCreds(uri.toString(),
        credentials.username(), credentials.password(), credentials.token(), false));
    this.http = GuardedHttp.builder().connectTimeout(connectTimeout).build();
  }

  /**
   * Connects to {@code trackingUri} with credentials from the MLFLOW_TRACKING_* environment
   * variables and the default timeouts. Nothing is sent until the first call.
   *
   * @throws io.llmtestbed.ait.sdk.net.EgressDeniedException when the egress allow-list does not
   *     allow the server
   */
  public static TrackingServer connect(String trackingUri) {
    return connect(trackingUri, TrackingCredentials.fromEnv(), DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * Connects with explicit credentials and timeouts.
   *
   * @param trackingUri {@code http://} or {@code https://} URI of the server
   * @throws IllegalArgumentException if the URI is not http(s)
   */
  public static TrackingServer connect(String trackingUri, TrackingCredentials credentials,
      Duration connectTimeout, Duration requestTimeout) {
    URI parsed = parse(trackingUri);
    return new TrackingServer(parsed, credentials, connectTimeout, requestTimeout);
  }

  /**
   * Connects to the server named by the MLFLOW_TRACKING_URI environment variable.
   *
   * @throws MlflowRunException of kind INVALID_REFERENCE when the variable is not set
   */
  public static TrackingServer fromEnv() {
    String value = System.getenv("MLFLOW_TRACKING_URI");
    if (value == null || value.isBlank()) {
      throw new MlflowRunException(MlflowRunException.Kind.INVALID_REFERENCE, "MLFLOW_TRACKING_URI "
          + "is not set. Fix: export MLFLOW_TRACKING_URI=http://127.0.0.1:5055 (or the address "
          + "of your tracking server)");
    }
    return connect(value);
  }

  private static URI parse(String trackingUri) {
    URI parsed;
    try {
      parsed = URI.create(trackingUri == null ? "" : trackingUri.trim());
    } catch (IllegalArgumentException e) {
      parsed = null;
    }
    if (parsed == null || parsed.getHost() == null || !("http".equals(parsed.getScheme())
        || "https".equals(parsed.getScheme()))) {
      throw new IllegalArgumentException("tracking URI must be an http(s) URI of an MLflow "
          + "tracking server, e.g. http://127.0.0.1:5055; got '" + trackingUri + "'. Local "
          + "'file:' stores cannot be read from Java: start a server on them or export the run");
    }
    String s = parsed.toString();
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  /** The server's base URI, without a trailing slash. */
  public URI uri() {
    return uri;
  }

  /**
   * The underlying MLflow Java client, for calls this class does not wrap. Calls made on it
   * directly are not checked per call nor audited: check and record them like {@link #post}.
   */
  public MlflowClient client() {
    return client;
  }

  /**
   * Reads a run (metadata now, artifacts on demand).
   *
   * @throws MlflowRunException RUN_NOT_FOUND naming the run id, SERVER_UNREACHABLE, AUTH_FAILED
   */
  public TrackingServerRunSource run(String runId) {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("run id must not be blank");
    }
    String json = getRunJson(runId);
    return new TrackingServerRunSource(this, RunSnapshot.parse(json, describeRunUrl(runId)));
  }

  /** The raw {@code runs/get} response for a run, as {@link RunExporter} stores it. */
  String getRunJson(String runId) {
    return call("read run " + runId, 0,
        () -> client.sendGet("runs/get?run_id=" + ArtifactPaths.encode(runId)),
        () -> "no run with id '" + runId + "' on " + uri + ". Fix: copy the id from the MLflow UI "
            + "(run page > Overview) or list the runs with GET " + uri
            + "/api/2.0/mlflow/experiments/search and runs/search; experiments here: "
            + experimentNamesForHint());
  }

  /**
   * Finds the experiment id for a name.
   *
   * @throws MlflowRunException RUN_NOT_FOUND listing the experiments present
   */
  public String experimentId(String experimentName) {
    String json = call("find experiment '" + experimentName + "'", 0,
        () -> client.sendGet("experiments/get-by-name?experiment_name="
            + ArtifactPaths.encode(experimentName)),
        () -> "no experiment named '" + experimentName + "' on " + uri + "; experiments here: "
            + experimentNamesForHint() + ". Fix: correct 'experiment_name' or log the runs first");
    return readTree(json).path("experiment").path("experiment_id").asText();
  }

  /**
   * Runs of an experiment that are active (not deleted), oldest first.
   *
   * @param filter an MLflow search filter, or null for all runs
   */
  public List<RunInfo> searchRuns(String experimentId, String filter) {
    List<RunInfo> out = new ArrayList<>();
    String pageToken = null;
    do {
      ObjectNode body = RunSnapshot.MAPPER.createObjectNode();
      body.putArray("experiment_ids").add(experimentId);
      if (filter != null) {
        body.put("filter", filter);
      }
      body.put("run_view_type", "ACTIVE_ONLY");
      body.put("max_results", 1000);
      body.putArray("order_by").add("attributes.start_time ASC");
      if (pageToken != null) {
        body.put("page_token", pageToken);
      }
      String json = body.toString();
      JsonNode page = readTree(call("search runs of experiment " + experimentId, utf8(json),
          () -> client.sendPost("runs/search", json), null));
      for (JsonNode run : page.path("runs")) {
        ObjectNode wrapper = RunSnapshot.MAPPER.createObjectNode();
        wrapper.set("run", run);
        out.add(RunSnapshot.parse(wrapper.toString(), "runs/search").info());
      }
      pageToken = page.path("next_page_token").asText(null);
    } while (pageToken != null && !pageToken.isEmpty());
    return out;
  }

  /** Experiment names for "not found" hints; never fails (returns a reason instead). */
  String experimentNamesForHint() {
    try {
      String query = "{\"max_results\": 50, \"view_type\": \"ACTIVE_ONLY\"}";
      JsonNode page = readTree(call("list experiments", utf8(query),
          () -> client.sendPost("experiments/search", query), null));
      List<String> names = new ArrayList<>();
      for (JsonNode e : page.path("experiments")) {
        names.add(e.path("name").asText() + " (id " + e.path("experiment_id").asText() + ")");
      }
      return names.isEmpty() ? "none" : String.join(", ", names);
    } catch (RuntimeException e) {
      return "(could not list experiments: " + e.getMessage() + ")";
    }
  }

  /** POSTs a tracking API call (path relative to {@code /api/2.0/mlflow/}). */
  String post(String what, String path, String json) {
    return call(what, utf8(json), () -> client.sendPost(path, json), null);
  }

  /** GETs a tracking API call (path relative to {@code /api/2.0/mlflow/}). */
  String get(String what, String path) {
    return call(what, 0, () -> client.sendGet(path), null);
  }

  private String describeRunUrl(String runId) {
    return uri + "/api/2.0/mlflow/runs/get?run_id=" + runId;
  }

  static JsonNode readTree(String json) {
    try {
      return RunSnapshot.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.SERVER_ERROR, "tracking server "
          + "answered with text that is not JSON: " + JsonFormat.parseProblem(e), e);
    }
  }

  /**
   * Runs a tracking call after the egress check, records it in the egress audit, and turns
   * client exceptions into {@link MlflowRunException}s.
   *
   * @param bytesSent UTF-8 size of the request body (0 for GET)
   * @param notFound message for RESOURCE_DOES_NOT_EXIST, or null to treat it as a server error
   */
  /** The egress check; a refusal is recorded in the audit (as GuardedHttp does) and rethrown. */
  private static void checkEgress(URI uri, String dataKind, long bytes) {
    try {
      EgressPolicy.current().check(uri, TRACKING_PURPOSE, dataKind, bytes);
    } catch (EgressDeniedException e) {
      EgressAudit.global().recordDenied(Instant.now(), e);
      throw e;
    }
  }

  private String call(String what, long bytesSent, Supplier<String> request,
      Supplier<String> notFound) {
    checkEgress(uri, "MLflow tracking request JSON", bytesSent);
    Instant start = Instant.now();
    String host = uri.getHost();
    try {
      String answer = request.get();
      EgressAudit.global().record(start, host, TRACKING_PURPOSE, bytesSent, utf8(answer), 200);
      return answer;
    } catch (MlflowHttpException e) {
      EgressAudit.global().record(start, host, TRACKING_PURPOSE, bytesSent,
          utf8(e.getBodyMessage()), e.getStatusCode());
      throw fromHttp(what, e.getStatusCode(), e.getBodyMessage(), notFound, e);
    } catch (MlflowClientException e) {
      EgressAudit.global().record(start, host, TRACKING_PURPOSE, bytesSent, -1,
          EgressAudit.NO_RESPONSE);
      throw fromTransport(what, e);
    }
  }

  private static long utf8(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }

  private MlflowRunException fromHttp(String what, int status, String body,
      Supplier<String> notFound, Exception cause) {
    String errorCode = errorCode(body);
    if (status == 401 || status == 403) {
      return new MlflowRunException(MlflowRunException.Kind.AUTH_FAILED, "tracking server " + uri
          + " refused to " + what + " (HTTP " + status + ") with " + credentials.describe()
          + ". Fix: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or "
          + "MLFLOW_TRACKING_TOKEN) to an account with READ (EDIT to write back) permission",
          cause);
    }
    if ((status == 404 || "RESOURCE_DOES_NOT_EXIST".equals(errorCode)) && notFound != null) {
      return new MlflowRunException(MlflowRunException.Kind.RUN_NOT_FOUND, notFound.get(), cause);
    }
    return new MlflowRunException(MlflowRunException.Kind.SERVER_ERROR, "tracking server " + uri
        + " failed to " + what + ": HTTP " + status + " " + abbreviate(body), cause);
  }

  private MlflowRunException fromTransport(String what, Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof UnknownHostException
          || c instanceof HttpConnectTimeoutException) {
        return unreachable(what, c);
      }
      if (c instanceof HttpTimeoutException || c instanceof java.net.SocketTimeoutException) {
        return new MlflowRunException(MlflowRunException.Kind.SERVER_UNREACHABLE, "tracking "
            + "server " + uri + " did not answer in time to " + what + " (" + c.getMessage()
            + "). Fix: check the server's load and logs, or raise the request timeout", e);
      }
    }
    return new MlflowRunException(MlflowRunException.Kind.SERVER_ERROR, "could not " + what
        + " on tracking server " + uri + ": " + e, e);
  }

  private MlflowRunException unreachable(String what, Throwable cause) {
    return new MlflowRunException(MlflowRunException.Kind.SERVER_UNREACHABLE, "cannot reach the "
        + "MLflow tracking server at " + uri + " to " + what + " (" + cause.getClass()
        .getSimpleName() + ": " + cause.getMessage() + "). Fix: start the stack "
        + "(infra/local/stack.sh start) or check MLFLOW_TRACKING_URI / the inventory's "
        + "tracking_uri", cause);
  }

  private static String errorCode(String body) {
    if (body == null) {
      return null;
    }
    try {
      return RunSnapshot.MAPPER.readTree(body).path("error_code").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 300 ? s : s.substring(0, 297) + "...";
  }

  // ---- artifact proxy -------------------------------------------------------------------

  /**
   * Base URI under which the files of an artifact root are served by the proxy, without a
   * trailing slash; e.g. {@code http://host/api/2.0/mlflow-artifacts/artifacts/1/<run>/artifacts}.
   *
   * @return null when the root is not served by the proxy (e.g. an {@code s3://} root)
   */
  URI proxyBase(String artifactUri) {
    URI a = URI.create(artifactUri);
    String proxyPrefix = "/api/2.0/mlflow-artifacts/artifacts";
    if ("mlflow-artifacts".equals(a.getScheme())) {
      String base = a.getRawAuthority() != null ? uri.getScheme() + "://" + a.getRawAuthority()
          : uri.toString();
      String path = a.getRawPath() == null ? "" : a.getRawPath();
      while (path.startsWith("/")) {
        path = path.substring(1);
      }
      return URI.create(base + proxyPrefix + "/" + path);
    }
    if (("http".equals(a.getScheme()) || "https".equals(a.getScheme()))
        && a.getRawPath().contains(proxyPrefix)) {
      return URI.create(artifactUri.endsWith("/") ? artifactUri.substring(0,
          artifactUri.length() - 1) : artifactUri);
    }
    return null;
  }

  /**
   * GET an artifact; returns the open response (status checked by the caller).
   * LIMIT: the request timeout covers the wait for response headers only; a body that stalls
   * mid-stream is not timed out (java.net.http has no read timeout for streamed bodies).
   */
  HttpResponse<InputStream> sendForStream(URI target, String what) {
    HttpRequest request = requestBuilder(target).GET().build();
    return send(request, HttpResponse.BodyHandlers.ofInputStream(), what,
        "artifact download request");
  }

  /** PUT a local file to the artifact proxy. */
  void upload(URI target, Path file, String what) {
    HttpRequest request;
    try {
      request = requestBuilder(target).header("Content-Type", "application/octet-stream")
          .PUT(HttpRequest.BodyPublishers.ofFile(file)).build();
    } catch (IOException e) {
      throw new MlflowRunException(MlflowRunException.Kind.IO, "cannot read " + file + " to "
          + what + ": " + e, e);
    }
    HttpResponse<String> response = send(request,
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), what, "artifact file");
    checkArtifactStatus(response.statusCode(), response.body(), target, what);
  }

  void checkArtifactStatus(int status, String body, URI target, String what) {
    if (status / 100 == 2) {
      return;
    }
    if (status == 401 || status == 403) {
      throw fromHttp(what, status, body, null, null);
    }
    if (status == 503 || status == 404 && body != null && body.contains("serve-artifacts")) {
      throw new MlflowRunException(MlflowRunException.Kind.SERVER_ERROR, "tracking server " + uri
          + " does not proxy artifacts (HTTP " + status + " for " + target + "). Fix: start it "
          + "with --serve-artifacts (the default since MLflow 2.0) or export the run with "
          + "export-run where the store is reachable");
    }
    throw new MlflowRunException(MlflowRunException.Kind.SERVER_ERROR, "artifact proxy of " + uri
        + " failed to " + what + ": HTTP " + status + " for " + target + " " + abbreviate(body));
  }

  private HttpRequest.Builder requestBuilder(URI target) {
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(requestTimeout)
        .header("User-Agent", "llm-testbed-ait-sdk");
    credentials.authorizationHeader().ifPresent(h -> b.header("Authorization", h));
    return b;
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler,
      String what, String dataKind) {
    try {
      return http.send(request, handler, ARTIFACTS_PURPOSE, dataKind);
    } catch (IOException e) {
      throw fromTransport(what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MlflowRunException(MlflowRunException.Kind.IO, "interrupted while trying to "
          + what, e);
    }
  }

  /** Tags as the server currently has them (for read-modify-write of list-valued tags). */
  Map<String, String> currentTags(String runId) {
    return RunSnapshot.parse(getRunJson(runId), describeRunUrl(runId)).tags();
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "TrackingServer[" + uri + "]";
  }
}
