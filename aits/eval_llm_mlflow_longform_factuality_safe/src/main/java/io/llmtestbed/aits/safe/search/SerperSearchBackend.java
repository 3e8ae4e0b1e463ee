package io.llmtestbed.aits.safe.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Google search through serper.dev, as in the SAFE paper: {@code POST} with the
 * {@code X-API-KEY} header and {@code {"q", "gl", "hl", "num"}}. The evidence is what Google
 * shows on the result page, never the pages themselves: the answer box (answer, else snippet),
 * the knowledge graph (title, type, description, attributes) and the organic results' snippets
 * with their attributes, in that order, at most {@code k} in all.
 *
 * <p>Every request goes through {@link GuardedHttp}: with the default allow-list (loopback and
 * private ranges) a call to google.serper.dev is refused with E102 before a byte is sent.
 */
public final class SerperSearchBackend implements SearchBackend {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final String apiKey;
  private final String gl;
  private final String hl;
  private final SearchSettings settings;
  private final HttpSearchCall call;

  SerperSearchBackend(SearchSettings settings, String apiKey, HttpSearchCall call) {
    this.url = settings.serperUrl();
    this.apiKey = apiKey;
    this.gl = settings.gl();
    this.hl = settings.hl();
    this.settings = settings;
    this.call = call;
  }

  /**
   * @throws SearchException CONFIGURATION when the API key variable is unset or the URL is not
   *     http(s)
   */
  static SerperSearchBackend create(SearchSettings settings, String apiKey,
      HttpSearchCall call) {
    String variable = settings.serperApiKeyEnv();
    if (apiKey == null || apiKey.isBlank()) {
      throw new SearchException(SearchException.Kind.CONFIGURATION, "the serper search backend "
          + "needs an API key in the environment variable " + variable + " (setting "
          + "serperApiKeyEnv), which is not set: export " + variable + "=<key from "
          + "serper.dev>, or use the local lucene backend (search backend 'lucene')");
    }
    HttpBackends.requireHttpUrl(settings.serperUrl(), "serperUrl", "serper");
    return new SerperSearchBackend(settings, apiKey.strip(), call);
  }

  @Override
  public List<SearchResult> search(String query, int k) {
    ObjectNode body = JSON.createObjectNode()
        .put("q", query).put("gl", gl).put("hl", hl).put("num", k);
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(settings.timeout())
        .header("X-API-KEY", apiKey)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
        .build();
    return parse(call.send(request, "Serper search"), k);
  }

  /** Maps a Serper response body to at most {@code k} results (see the class comment). */
  static List<SearchResult> parse(String body, int k) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new SearchException(SearchException.Kind.MALFORMED_RESPONSE, "Serper answered "
          + "with a body that is not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (!root.isObject()) {
      throw new SearchException(SearchException.Kind.MALFORMED_RESPONSE, "Serper answered "
          + "with JSON " + root.getNodeType() + ", expected an object with 'organic'");
    }
    List<SearchResult> results = new ArrayList<>();
    answerBox(root.path("answerBox")).ifPresent(results::add);
    knowledgeGraph(root.path("knowledgeGraph")).ifPresent(results::add);
    for (JsonNode o : root.path("organic")) {
      String text = join(o.path("snippet").asText(""), attributes(o.path("attributes")));
      if (!text.isBlank()) {
        results.add(new SearchResult(o.path("title").asText(""), text,
            o.path("link").asText(""), 0));
      }
    }
    // LIMIT: at most k results in all (the boxes count towards k); the original reads 3 organic
    // snippets plus both boxes. The SearchBackend contract of k results wins here.
    List<SearchResult> ranked = new ArrayList<>();
    for (int i = 0; i < results.size() && i < k; i++) {
      SearchResult r = results.get(i);
      ranked.add(new SearchResult(r.title(), r.text(), r.source(), 1.0 / (i + 1)));
    }
    return List.copyOf(ranked);
  }

  private static Optional<SearchResult> answerBox(JsonNode box) {
    if (!box.isObject()) {
      return Optional.empty();
    }
    String text = box.path("answer").asText("");
    if (text.isBlank()) {
      text = box.path("snippet").asText("");
    }
    if (text.isBlank()) {
      return Optional.empty();
    }
    String source = box.path("link").asText("");
    return Optional.of(new SearchResult(box.path("title").asText(""), text,
        source.isEmpty() ? "answerBox" : source, 0));
  }

  private static Optional<SearchResult> knowledgeGraph(JsonNode kg) {
    if (!kg.isObject()) {
      return Optional.empty();
    }
    String title = kg.path("title").asText("");
    String type = kg.path("type").asText("");
    String text = join(join(title.isEmpty() || type.isEmpty() ? title + type
        : title + ": " + type, kg.path("description").asText("")),
        attributes(kg.path("attributes")));
    if (text.isBlank()) {
      return Optional.empty();
    }
    String source = kg.path("descriptionLink").asText(kg.path("website").asText(""));
    return Optional.of(new SearchResult(title, text,
        source.isEmpty() ? "knowledgeGraph" : source, 0));
  }

  private static String attributes(JsonNode attributes) {
    List<String> parts = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = attributes.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      parts.add(f.getKey() + ": " + f.getValue().asText(""));
    }
    return String.join("; ", parts);
  }

  private static String join(String a, String b) {
    if (a.isBlank()) {
      return b.strip();
    }
    if (b.isBlank()) {
      return a.strip();
    }
    return a.strip() + (a.strip().endsWith(".") ? " " : ". ") + b.strip();
  }

  @Override
  public String describe() {
    return "serper:" + url + " gl=" + gl + " hl=" + hl;
  }

  /**
   * A digest of the endpoint settings only: Google's index is not ours and changes, so two runs
   * with equal digests may still see different results (the cache pins what one run saw).
   */
  @Override
  public String indexDigest() {
    return SearchCache.sha256("serper|" + url + "|gl=" + gl + "|hl=" + hl);
  }
}
