package io.llmtestbed.aits.safe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import io.llmtestbed.ait.sdk.net.GuardedHttp;
import io.llmtestbed.aits.safe.index.Fixtures;
import io.llmtestbed.aits.safe.index.IndexBuilder;
import io.llmtestbed.aits.safe.index.IndexLanguage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchClientTest {

  private static final List<String> QUERIES = List.of("Marie Curie Nobel Prize Chemistry",
      "富士山の標高", "Eiffel Tower height", "zebra quokka");

  @TempDir
  Path tmp;

  @Test
  void should_answer_second_run_from_cache_with_zero_backend_calls() {
    Path cache = tmp.resolve("cache");
    SearchSettings settings = SearchSettings.builder().collection(Fixtures.collection())
        .cacheDir(cache).build();
    List<List<SearchResult>> first;
    try (SearchClient run1 = SearchBackends.create(settings)) {
      first = QUERIES.stream().map(q -> run1.search(q, 3)).toList();
      assertThat(run1.accounting().snapshot())
          .isEqualTo(new SearchAccounting.Snapshot(4, 4, 0, 0, 0, 1));
    }
    try (SearchClient run2 = SearchBackends.create(settings)) {
      List<List<SearchResult>> second = QUERIES.stream().map(q -> run2.search(q, 3)).toList();

      assertThat(second).isEqualTo(first);
      assertThat(run2.accounting().calls()).isZero();
      assertThat(run2.accounting().cacheHits()).isEqualTo(4);
      assertThat(run2.cache().orElseThrow().size()).isEqualTo(4);
    }
    assertThat(first.get(0)).first().extracting(SearchResult::source)
        .isEqualTo("fixture://curie");
    assertThat(first.get(3)).isEmpty();
  }

  @Test
  void should_make_no_http_request_on_second_run_when_cached() throws Exception {
    Path cache = tmp.resolve("cache");
    String answer = "{\"organic\":[{\"title\":\"T\",\"link\":\"https://e.org\",\"snippet\":\"S\"}]}";
    try (FakeSearchServer server = new FakeSearchServer().reply(200, answer)) {
      SearchSettings settings = SearchSettings.builder().backend("serper")
          .serperUrl(server.uri("/search")).cacheDir(cache).build();
      GuardedHttp http = GuardedHttp.builder().policy(EgressPolicy.parse("127.0.0.1"))
          .audit(new EgressAudit()).build();
      for (int run = 0; run < 2; run++) {
        try (SearchClient client = SearchBackends.create(settings,
            Map.of("SERPER_API_KEY", "k")::get, http, Duration.ZERO, d -> { })) {
          assertThat(client.search("q1", 3)).extracting(SearchResult::text).containsExactly("S");
          assertThat(client.search("q2", 3)).hasSize(1);
        }
      }
      assertThat(server.requests()).hasSize(2);
    }
  }

  @Test
  void should_give_every_thread_the_same_answers_when_searching_concurrently()
      throws Exception {
    SearchSettings settings = SearchSettings.builder().collection(Fixtures.collection())
        .cacheDir(tmp.resolve("cache")).build();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
        .newFixedThreadPool(8);
    try (SearchClient client = SearchBackends.create(settings)) {
      List<java.util.concurrent.Future<List<List<SearchResult>>>> runs = new java.util
          .ArrayList<>();
      for (int t = 0; t < 8; t++) {
        runs.add(pool.submit(() -> QUERIES.stream().map(q -> client.search(q, 3)).toList()));
      }
      List<List<SearchResult>> first = runs.get(0).get();
      for (java.util.concurrent.Future<List<List<SearchResult>>> run : runs) {
        assertThat(run.get()).isEqualTo(first);
      }
      assertThat(client.accounting().searches()).isEqualTo(32);
      assertThat(client.accounting().calls() + client.accounting().cacheHits()).isEqualTo(32);
      assertThat(client.cache().orElseThrow().size()).isEqualTo(4);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void should_miss_the_cache_when_the_index_changes() throws IOException {
    Path cache = tmp.resolve("cache");
    Path docs = tmp.resolve("docs.jsonl");
    Files.copy(Fixtures.collection(), docs);
    SearchSettings settings = SearchSettings.builder().collection(docs).cacheDir(cache).build();
    try (SearchClient before = SearchBackends.create(settings)) {
      before.search("Jupiter", 2);
    }
    Files.writeString(docs, "{\"title\":\"Jupiter moons\",\"text\":\"Jupiter has many moons, "
        + "among them Ganymede.\"}\n", java.nio.file.StandardOpenOption.APPEND);
    try (SearchClient after = SearchBackends.create(settings)) {
      List<SearchResult> results = after.search("Jupiter", 2);

      assertThat(after.accounting().calls()).isEqualTo(1);
      assertThat(results).extracting(SearchResult::title)
          .containsExactlyInAnyOrder("Jupiter", "Jupiter moons");
    }
  }

  @Test
  void should_open_a_prebuilt_index_and_describe_it() {
    Path idx = tmp.resolve("idx");
    String digest = new IndexBuilder(IndexLanguage.JA).build(Fixtures.collection(), idx)
        .indexDigest();
    try (SearchClient client = SearchBackends.create(SearchSettings.builder().indexDir(idx)
        .build())) {
      assertThat(client.indexDigest()).isEqualTo(digest);
      assertThat(client.describe()).isEqualTo("lucene:" + idx
          + " (ja, 16 documents, 17 passages, Lucene 9.12.3)");
      assertThat(client.search("新幹線", 1)).extracting(SearchResult::source)
          .containsExactly("fixture://shinkansen");
      assertThat(client.cache()).isEmpty();
    }
  }

  @Test
  void should_fail_with_configuration_error_when_lucene_has_neither_index_nor_collection() {
    assertThatThrownBy(() -> SearchBackends.create(SearchSettings.builder().build()))
        .isInstanceOfSatisfying(SearchException.class,
            e -> assertThat(e.kind()).isEqualTo(SearchException.Kind.CONFIGURATION))
        .hasMessageContaining("needs an index directory (setting indexDir");
  }

  @Test
  void should_fail_with_index_error_when_index_dir_is_not_an_index() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("nothing"));
    assertThatThrownBy(() -> SearchBackends.create(SearchSettings.builder().indexDir(dir)
        .build()))
        .isInstanceOfSatisfying(SearchException.class,
            e -> assertThat(e.kind()).isEqualTo(SearchException.Kind.INDEX))
        .hasMessageContaining("has no safe-index.json");
  }

  @Test
  void should_reject_blank_query_and_k_below_one() {
    try (SearchClient client = SearchBackends.create(SearchSettings.builder()
        .collection(Fixtures.collection()).build())) {
      assertThatThrownBy(() -> client.search("  ", 3))
          .hasMessage("search query must not be blank, got '  '");
      assertThatThrownBy(() -> client.search("q", 0))
          .hasMessage("search k must be at least 1, got 0");
    }
  }

  @Test
  void should_name_known_backends_when_backend_is_unknown() {
    assertThatThrownBy(() -> SearchSettings.builder().backend("bing").build())
        .hasMessage("search backend must be one of [lucene, serper, opensearch], got 'bing'");
  }
}
