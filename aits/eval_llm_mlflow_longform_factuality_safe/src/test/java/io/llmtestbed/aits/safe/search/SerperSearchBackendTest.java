package io.llmtestbed.aits.safe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SerperSearchBackendTest {

  private static final String FULL_ANSWER = """
      {"searchParameters": {"q": "marie curie nobel"},
       "answerBox": {"title": "Marie Curie", "answer": "Physics (1903), Chemistry (1911)",
                     "link": "https://example.org/answer"},
       "knowledgeGraph": {"title": "Marie Curie", "type": "Physicist",
                          "description": "Polish-French physicist and chemist.",
                          "descriptionLink": "https://example.org/kg",
                          "attributes": {"Born": "7 November 1867, Warsaw"}},
       "organic": [
         {"title": "Curie biography", "link": "https://example.org/1",
          "snippet": "She won two Nobel Prizes.", "position": 1},
         {"title": "No snippet", "link": "https://example.org/2", "position": 2},
         {"title": "Radium", "link": "https://example.org/3",
          "snippet": "Radium was discovered in 1898",
          "attributes": {"Discovered": "1898"}, "position": 3},
         {"title": "Fourth", "link": "https://example.org/4", "snippet": "Not read.",
          "position": 4}
       ]}
      """;

  private final EgressAudit audit = new EgressAudit();
  private final List<Duration> waits = new ArrayList<>();

  private SearchClient client(URI url, Map<String, String> env, EgressPolicy policy,
      int maxRetries) {
    GuardedHttp http = GuardedHttp.builder().policy(policy).audit(audit).build();
    SearchSettings settings = SearchSettings.builder().backend("serper").serperUrl(url)
        .gl("jp").hl("ja").maxRetries(maxRetries).timeout(Duration.ofSeconds(5)).build();
    return SearchBackends.create(settings, env::get, http, Duration.ofMillis(100),
        waits::add);
  }

  private SearchClient client(FakeSearchServer server, int maxRetries) {
    return client(server.uri("/search"), Map.of("SERPER_API_KEY", "test-key-123"),
        EgressPolicy.parse("127.0.0.1"), maxRetries);
  }

  @Test
  void should_send_key_and_query_and_read_answer_box_knowledge_graph_and_snippets()
      throws Exception {
    try (FakeSearchServer server = new FakeSearchServer().reply(200, FULL_ANSWER);
        SearchClient client = client(server, 0)) {
      List<SearchResult> results = client.search("marie curie nobel", 5);

      FakeSearchServer.Request request = server.requests().get(0);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.header("X-API-KEY")).isEqualTo("test-key-123");
      JsonNode body = new ObjectMapper().readTree(request.body());
      assertThat(body.path("q").asText()).isEqualTo("marie curie nobel");
      assertThat(body.path("gl").asText()).isEqualTo("jp");
      assertThat(body.path("hl").asText()).isEqualTo("ja");
      assertThat(body.path("num").asInt()).isEqualTo(5);
      assertThat(results).extracting(SearchResult::text).containsExactly(
          "Physics (1903), Chemistry (1911)",
          "Marie Curie: Physicist. Polish-French physicist and chemist. Born: 7 November "
              + "1867, Warsaw",
          "She won two Nobel Prizes.",
          "Radium was discovered in 1898. Discovered: 1898",
          "Not read.");
      assertThat(results).extracting(SearchResult::source).containsExactly(
          "https://example.org/answer", "https://example.org/kg", "https://example.org/1",
          "https://example.org/3", "https://example.org/4");
      assertThat(results.get(1).score()).isEqualTo(0.5);
      assertThat(audit.entries()).singleElement().satisfies(e -> {
        assertThat(e.purpose()).isEqualTo("safe.search");
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.bytesSent()).isEqualTo(request.body().length());
      });
      assertThat(client.describe()).isEqualTo("serper:" + server.uri("/search")
          + " gl=jp hl=ja").doesNotContain("test-key-123");
    }
  }

  @Test
  void should_return_at_most_k_results_in_answer_box_graph_organic_order() {
    assertThat(SerperSearchBackend.parse(FULL_ANSWER, 3)).extracting(SearchResult::source)
        .containsExactly("https://example.org/answer", "https://example.org/kg",
            "https://example.org/1");
  }

  @Test
  void should_return_empty_list_when_serper_finds_nothing() throws Exception {
    try (FakeSearchServer server = new FakeSearchServer()
        .reply(200, "{\"searchParameters\":{},\"organic\":[]}");
        SearchClient client = client(server, 0)) {
      assertThat(client.search("qwxzv unknown", 3)).isEmpty();
      assertThat(client.accounting().emptyResults()).isEqualTo(1);
    }
  }

  @Test
  void should_retry_with_retry_after_when_rate_limited_then_answer() throws Exception {
    try (FakeSearchServer server = new FakeSearchServer()
        .reply(429, "{\"message\":\"slow down\"}", Map.of("Retry-After", "2"))
        .reply(503, "")
        .reply(200, FULL_ANSWER);
        SearchClient client = client(server, 3)) {
      List<SearchResult> results = client.search("marie curie nobel", 2);

      assertThat(results).hasSize(2);
      assertThat(server.requests()).hasSize(3);
      assertThat(client.accounting().retries()).isEqualTo(2);
      assertThat(client.accounting().calls()).isEqualTo(1);
      assertThat(waits.get(0)).isEqualTo(Duration.ofSeconds(2));
      assertThat(waits.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(300));
    }
  }

  @Test
  void should_fail_as_server_error_after_all_retries_when_server_keeps_failing()
      throws Exception {
    try (FakeSearchServer server = new FakeSearchServer().reply(500, "{\"error\":\"down\"}");
        SearchClient client = client(server, 2)) {
      assertThatThrownBy(() -> client.search("q", 3))
          .isInstanceOfSatisfying(SearchException.class, e -> {
            assertThat(e.kind()).isEqualTo(SearchException.Kind.SERVER_ERROR);
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(e.httpStatus()).isEqualTo(500);
          })
          .hasMessageContaining("answered HTTP 500 (attempt 3)")
          .hasMessageContaining("gave up after 3 attempts (setting maxRetries=2)");
      assertThat(server.requests()).hasSize(3);
      assertThat(client.accounting().failures()).isEqualTo(1);
    }
  }

  @Test
  void should_not_retry_when_key_is_rejected() throws Exception {
    try (FakeSearchServer server = new FakeSearchServer()
        .reply(403, "{\"message\":\"Unauthorized.\"}");
        SearchClient client = client(server, 4)) {
      assertThatThrownBy(() -> client.search("q", 3))
          .isInstanceOfSatisfying(SearchException.class,
              e -> assertThat(e.kind()).isEqualTo(SearchException.Kind.CLIENT_ERROR))
          .hasMessageContaining("answered HTTP 403 (attempt 1): the credentials were rejected")
          .hasMessageContaining("Unauthorized.");
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void should_report_malformed_response_when_body_is_not_json() throws Exception {
    try (FakeSearchServer server = new FakeSearchServer().reply(200, "<html>oops</html>");
        SearchClient client = client(server, 4)) {
      assertThatThrownBy(() -> client.search("q", 3))
          .isInstanceOfSatisfying(SearchException.class,
              e -> assertThat(e.kind()).isEqualTo(SearchException.Kind.MALFORMED_RESPONSE))
          .hasMessageStartingWith("Serper answered with a body that is not JSON");
    }
  }

  @Test
  void should_name_the_variable_when_api_key_is_missing() {
    assertThatThrownBy(() -> client(URI.create("http://127.0.0.1:9/search"), Map.of(),
        EgressPolicy.parse("127.0.0.1"), 0))
        .isInstanceOfSatisfying(SearchException.class,
            e -> assertThat(e.kind()).isEqualTo(SearchException.Kind.CONFIGURATION))
        .hasMessage("the serper search backend needs an API key in the environment variable "
            + "SERPER_API_KEY (setting serperApiKeyEnv), which is not set: export "
            + "SERPER_API_KEY=<key from serper.dev>, or use the local lucene backend (search "
            + "backend 'lucene')");
  }

  @Test
  void should_refuse_unlisted_host_without_opening_a_connection() throws Exception {
    try (CountingListener listener = new CountingListener("127.0.0.2");
        SearchClient client = client(URI.create("http://127.0.0.2:" + listener.port()
            + "/search"), Map.of("SERPER_API_KEY", "k"), EgressPolicy.parse("127.0.0.1"), 3)) {
      assertThatThrownBy(() -> client.search("Marie Curie was born in Warsaw", 3))
          .isExactlyInstanceOf(EgressDeniedException.class)
          .hasMessageContaining("127.0.0.2")
          .hasMessageContaining("safe.search")
          .hasMessageContaining("search query")
          .hasMessageNotContaining("Warsaw");
      Thread.sleep(50);
      assertThat(listener.accepted()).isZero();
      assertThat(client.accounting().retries()).isZero();
      assertThat(audit.entries()).singleElement()
          .satisfies(e -> assertThat(e.status()).isEqualTo(EgressAudit.DENIED));
    }
  }

  @Test
  void should_refuse_public_serper_host_under_the_default_allow_list() {
    EgressPolicy defaults = EgressPolicy.parse(EgressPolicy.DEFAULT_ENTRIES)
        .withResolver(host -> List.of(InetAddress.getByAddress(host,
            new byte[] {(byte) 142, (byte) 250, 1, 1})));
    try (SearchClient client = client(SearchSettings.DEFAULT_SERPER_URL,
        Map.of("SERPER_API_KEY", "k"), defaults, 0)) {
      assertThatThrownBy(() -> client.search("q", 3))
          .isExactlyInstanceOf(EgressDeniedException.class)
          .hasMessageContaining("google.serper.dev")
          .hasMessageContaining(EgressPolicy.ALLOW_ENV);
    }
  }
}
