package io.llmtestbed.aits.safe.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Searches an OpenSearch (or Elasticsearch-compatible) index over its REST {@code _search} API:
 * a {@code multi_match} query over the {@code title} and {@code text} fields, {@code size} =
 * k, ranked by the cluster's BM25. Documents need {@code title} and {@code text} in their
 * {@code _source}; {@code url} is used as the source when present, else {@code _id}.
 *
 * <p>Plain {@code java.net.http} through {@link GuardedHttp} rather than opensearch-java: one
 * POST and one response shape do not need a client with its own transport, and a second HTTP
 * stack would bypass the egress guard. Basic auth comes from the environment variables named by
 * the settings.
 */
// LIMIT: tested against a local HTTP server speaking the _search response shape only; no
// OpenSearch binary is available on the build machine, so a real cluster was never queried.
public final class OpenSearchBackend implements SearchBackend {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9._+-]*(,[a-z0-9][a-z0-9._+-]*)*");

  private final URI searchUrl;
  private final URI baseUrl;
  private final String index;
  private final String authorization;
  private final SearchSettings settings;
  private final HttpSearchCall call;

  private OpenSearchBackend(SearchSettings settings, String authorization, HttpSearchCall call) {
    this.baseUrl = settings.openSearchUrl();
    this.index = settings.openSearchIndex();
    String base = baseUrl.toString().replaceAll("/+$", "");
    this.searchUrl = URI.create(base + "/" + URLEncoder.encode(index, StandardCharsets.UTF_8)
        .replace("%2C", ",") + "/_search");
    this.authorization = authorization;
    this.settings = settings;
    this.call = call;
  }

  /**
   * @param user the basic-auth user (null = no auth)
   * @param password the basic-auth password (required when a user is given)
   * @throws SearchException CONFIGURATION for a missing URL, a bad index name, or a user
   *     without a password
   */
  static OpenSearchBackend create(SearchSettings settings, String user, String password,
      HttpSearchCall call) {
    HttpBackends.requireHttpUrl(settings.openSearchUrl(), "openSearchUrl", "opensearch");
    String index = settings.openSearchIndex();
    if (index == null || !INDEX_NAME.matcher(index).matches()) {
      throw new SearchException(SearchException.Kind.CONFIGURATION, "the opensearch search "
          + "backend needs an index name in setting openSearchIndex (lower case letters, "
          + "digits, . _ + -, comma-separated for several), got '" + index + "'");
    }
    String auth = null;
    if (user != null && !user.isEmpty()) {
      if (password == null) {
        throw new SearchException(SearchException.Kind.CONFIGURATION, "the opensearch user "
            + "is set in " + settings.openSearchUserEnv() + " but the password variable "
            + settings.openSearchPasswordEnv() + " is not: export both, or neither for a "
            + "cluster without authentication");
      }
      auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
          .getBytes(StandardCharsets.UTF_8));
    }
    return new OpenSearchBackend(settings, auth, call);
  }

  @Override
  public List<SearchResult> search(String query, int k) {
    ObjectNode body = JSON.createObjectNode().put("size", k);
    ObjectNode match = body.putObject("query").putObject("multi_match");
    match.put("query", query);
    match.putArray("fields").add("title").add("text");
    body.putArray("_source").add("title").add("text").add("url");
    HttpRequest.Builder request = HttpRequest.newBuilder(searchUrl)
        .timeout(settings.timeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return parse(call.send(request.build(), "OpenSearch search"), k);
  }

  /** Maps a {@code _search} response body to results. */
  static List<SearchResult> parse(String body, int k) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new SearchException(SearchException.Kind.MALFORMED_RESPONSE, "OpenSearch answered "
          + "with a body that is not JSON (" + e.getOriginalMessage() + ")", e);
    }
    JsonNode hits = root.path("hits").path("hits");
    if (!hits.isArray()) {
      throw new SearchException(SearchException.Kind.MALFORMED_RESPONSE, "OpenSearch answered "
          + "without hits.hits (is the URL an OpenSearch _search endpoint?); body starts "
          + body.substring(0, Math.min(200, body.length())));
    }
    List<SearchResult> results = new ArrayList<>();
    for (JsonNode hit : hits) {
      JsonNode source = hit.path("_source");
      String text = source.path("text").asText("");
      if (text.isBlank() || results.size() == k) {
        continue;
      }
      String url = source.path("url").asText("");
      results.add(new SearchResult(source.path("title").asText(""), text,
          url.isEmpty() ? hit.path("_id").asText("") : url, hit.path("_score").asDouble(0)));
    }
    return List.copyOf(results);
  }

  @Override
  public String describe() {
    return "opensearch:" + baseUrl + " index=" + index;
  }

  /**
   * A digest of the endpoint and index name only: the cluster's documents may change between
   * runs without this digest changing (the cache pins what one run saw).
   */
  // LIMIT: the digest does not cover the cluster's content (documents, analyzers); reading the
  // index uuid and doc count from _stats would, and is not done.
  @Override
  public String indexDigest() {
    return SearchCache.sha256("opensearch|" + baseUrl + "|index=" + index);
  }
}
