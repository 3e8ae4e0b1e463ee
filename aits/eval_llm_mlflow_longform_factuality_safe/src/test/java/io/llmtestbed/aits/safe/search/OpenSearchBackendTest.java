package io.llmtestbed.aits.safe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

// LIMIT: the server here speaks only the _search response shape; no real OpenSearch was run.
class OpenSearchBackendTest {

  private static final String HITS = """
      {"took": 3, "timed_out": false,
       "hits": {"total": {"value": 2, "relation": "eq"}, "max_score": 7.5,
        "hits": [
          {"_index": "docs", "_id": "kix", "_score": 7.5,
           "_source": {"title": "関西国際空港", "text": "関西国際空港は大阪湾の人工島にある。",
                       "url": "https://example.org/kix"}},
          {"_index": "docs", "_id": "itm", "_score": 2.25,
           "_source": {"title": "伊丹空港", "text": "大阪国際空港は伊丹市などにある。"}}
        ]}}
      """;

  private SearchClient client(FakeSearchServer server, Map<String, String> env) {
    SearchSettings settings = SearchSettings.builder().backend("opensearch")
        .openSearchUrl(server.uri("/")).openSearchIndex("docs").maxRetries(1)
        .timeout(Duration.ofSeconds(5)).build();
    GuardedHttp http = GuardedHttp.builder().policy(EgressPolicy.parse("127.0.0.1"))
        .audit(new EgressAudit()).build();
    return SearchBackends.create(settings, env::get, http, Duration.ZERO, d -> { });
  }

  @Test
  void should_post_multi_match_with_basic_auth_and_map_hits() throws Exception {
    try (FakeSearchServer server = new FakeSearchServer().reply(200, HITS);
        SearchClient client = client(server, Map.of("OPENSEARCH_USER", "reader",
            "OPENSEARCH_PASSWORD", "s3cret"))) {
      List<SearchResult> results = client.search("大阪の空港", 2);

      FakeSearchServer.Request request = server.requests().get(0);
      assertThat(request.path()).isEqualTo("/docs/_search");
      assertThat(request.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
          .encodeToString("reader:s3cret".getBytes(StandardCharsets.UTF_8)));
      JsonNode body = new ObjectMapper().readTree(request.body());
      assertThat(body.path("size").asInt()).isEqualTo(2);
      assertThat(body.at("/query/multi_match/query").asText()).isEqualTo("大阪の空港");
      assertThat(body.at("/query/multi_match/fields").toString())
          .isEqualTo("[\"title\",\"text\"]");
      assertThat(results).containsExactly(
          new SearchResult("関西国際空港", "関西国際空港は大阪湾の人工島にある。",
              "https://example.org/kix", 7.5),
          new SearchResult("伊丹空港", "大阪国際空港は伊丹市などにある。", "itm", 2.25));
      assertThat(client.describe()).isEqualTo("opensearch:" + server.uri("/") + " index=docs")
          .doesNotContain("s3cret");
    }
  }

  @Test
  void should_send_no_authorization_when_no_user_is_set() throws Exception {
    try (FakeSearchServer server = new FakeSearchServer().reply(200, HITS);
        SearchClient client = client(server, Map.of())) {
      client.search("q", 1);

      assertThat(server.requests().get(0).header("Authorization")).isNull();
    }
  }

  @Test
  void should_return_empty_list_when_no_document_matches() throws Exception {
    try (FakeSearchServer server = new FakeSearchServer()
        .reply(200, "{\"hits\":{\"total\":{\"value\":0},\"hits\":[]}}");
        SearchClient client = client(server, Map.of())) {
      assertThat(client.search("nothing", 3)).isEmpty();
    }
  }

  @Test
  void should_name_the_missing_password_variable_when_only_a_user_is_set() throws Exception {
    try (FakeSearchServer server = new FakeSearchServer()) {
      assertThatThrownBy(() -> client(server, Map.of("OPENSEARCH_USER", "reader")))
          .isInstanceOfSatisfying(SearchException.class,
              e -> assertThat(e.kind()).isEqualTo(SearchException.Kind.CONFIGURATION))
          .hasMessageContaining("user is set in OPENSEARCH_USER but the password variable "
              + "OPENSEARCH_PASSWORD is not");
    }
  }

  @Test
  void should_report_malformed_response_when_hits_are_missing() throws Exception {
    try (FakeSearchServer server = new FakeSearchServer().reply(200, "{\"acknowledged\":true}");
        SearchClient client = client(server, Map.of())) {
      assertThatThrownBy(() -> client.search("q", 3))
          .isInstanceOfSatisfying(SearchException.class,
              e -> assertThat(e.kind()).isEqualTo(SearchException.Kind.MALFORMED_RESPONSE))
          .hasMessageContaining("without hits.hits");
    }
  }

  @Test
  void should_reject_an_index_name_opensearch_would_refuse() throws Exception {
    SearchSettings settings = SearchSettings.builder().backend("opensearch")
        .openSearchUrl(java.net.URI.create("http://127.0.0.1:9200")).openSearchIndex("Docs/x")
        .build();
    assertThatThrownBy(() -> SearchBackends.create(settings, name -> null,
        GuardedHttp.create()))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("setting openSearchIndex")
        .hasMessageContaining("got 'Docs/x'");
  }
}
