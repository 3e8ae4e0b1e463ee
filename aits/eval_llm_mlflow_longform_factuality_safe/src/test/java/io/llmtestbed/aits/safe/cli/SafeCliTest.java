package io.llmtestbed.aits.safe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer;
import io.llmtestbed.aits.safe.index.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI end to end: {@code index} on the test collection, {@code batch} through the SAFE
 * engine against a scripted rater whose verdicts depend on what the real Lucene search returned.
 */
class SafeCliTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** statement -> the word the search results must contain for the rater to say Supported. */
  private static final Map<String, String> EVIDENCE = Map.of(
      "Marie Curie was born in Warsaw.", "Warsaw",
      "Marie Curie won three Nobel Prizes.", "three Nobel",
      "富士山の標高は3776メートルです。", "3776");

  @TempDir
  Path tmp;

  private ScriptedLlmServer llm;
  private Path index;

  @BeforeEach
  void setUp() {
    llm = ScriptedLlmServer.start();
    llm.when(c -> task(c).contains("TARGET SENTENCE: ") || task(c).contains("対象の文: "))
        .reply(c -> "- " + lastLine(task(c), task(c).contains("TARGET SENTENCE: ")
            ? "TARGET SENTENCE: " : "対象の文: "));
    llm.when(c -> task(c).contains("FACTS TO REWRITE:")).reply(c -> {
      String list = task(c).substring(task(c).indexOf("FACTS TO REWRITE:") + 17).strip();
      StringBuilder sb = new StringBuilder("```\n");
      list.lines().filter(l -> l.matches("\\d+\\. .*"))
          .forEach(l -> sb.append(l).append(" [Relevant]\n"));
      return sb.append("```").toString();
    });
    llm.when(c -> task(c).contains("STATEMENT TO RATE: ")).reply(c -> {
      String prompt = task(c);
      String statement = lastLine(prompt, "STATEMENT TO RATE: ");
      // Only the result lines count: the query lines repeat the statement itself.
      String results = prompt.substring(prompt.indexOf("SEARCH RESULTS"),
          prompt.lastIndexOf("STATEMENT TO RATE: ")).lines()
          .filter(l -> l.startsWith("  - ")).reduce("", (a, b) -> a + b + "\n");
      String needed = EVIDENCE.get(statement);
      return needed != null && results.contains(needed)
          ? "The results confirm it. [Supported]" : "The results do not confirm it. [Not Supported]";
    });
    llm.when(c -> task(c).contains("STATEMENT TO SEARCH: "))
        .reply(c -> "```\n" + lastLine(task(c), "STATEMENT TO SEARCH: ") + "\n```");
    index = tmp.resolve("idx");
  }

  @AfterEach
  void tearDown() {
    llm.close();
  }

  @Test
  void should_print_counts_and_digest_when_building_an_index() {
    Result r = cli("index", "--collection", Fixtures.collection().toString(), "--out",
        index.toString(), "--language", "auto");

    assertThat(r.code).as(r.err).isZero();
    assertThat(r.out).contains("documents: 16\n", "passages: 17\n", "lucene: 9.12.3\n",
        "index: " + index.toAbsolutePath());
    assertThat(r.out).containsPattern("index digest: [0-9a-f]{64}\n");
  }

  @Test
  void should_write_per_row_scores_and_answer_a_rerun_from_cache_with_zero_calls()
      throws IOException {
    assertThat(cli("index", "--collection", Fixtures.collection().toString(), "--out",
        index.toString()).code).isZero();
    Path rows = rows(
        "{\"id\": \"curie\", \"prompt\": \"Tell me about Marie Curie.\", \"response\": "
            + "\"Marie Curie was born in Warsaw. Marie Curie won three Nobel Prizes.\"}",
        "{\"id\": 7, \"prompt\": \"富士山について教えて。\", \"response\": "
            + "\"富士山の標高は3776メートルです。\"}",
        "{\"id\": \"empty\", \"prompt\": \"Say nothing.\", \"response\": null}");
    Path scores = tmp.resolve("out/scores.jsonl");
    Path summary = tmp.resolve("out/summary.json");
    Path trace = tmp.resolve("out/trace.jsonl");

    Result first = batch(rows, scores, "--summary", summary.toString(), "--trace",
        trace.toString());

    assertThat(first.code).as(first.err).isZero();
    List<JsonNode> lines = jsonl(scores);
    assertThat(lines).extracting(n -> n.get("id").asText()).containsExactly("curie", "7",
        "empty");
    JsonNode curie = lines.get(0);
    assertThat(curie.get("supported").asLong()).isEqualTo(1);
    assertThat(curie.get("not_supported").asLong()).isEqualTo(1);
    assertThat(curie.get("precision").asDouble()).isEqualTo(0.5);
    assertThat(curie.get("recall_at_64").asDouble()).isEqualTo(1.0 / 64);
    assertThat(curie.get("f1_at_64").asDouble())
        .isCloseTo(2 * 0.5 * (1.0 / 64) / (0.5 + 1.0 / 64), within(1e-12));
    assertThat(curie.get("f1_at_1").asDouble()).isCloseTo(2 * 0.5 / 1.5, within(1e-12));
    assertThat(curie.get("error").isNull()).isTrue();
    JsonNode fuji = lines.get(1);
    assertThat(fuji.get("language").asText()).isEqualTo("ja");
    assertThat(fuji.get("supported").asLong()).isEqualTo(1);
    assertThat(fuji.get("precision").asDouble()).isEqualTo(1.0);
    JsonNode empty = lines.get(2);
    assertThat(empty.get("facts").asLong()).isZero();
    assertThat(empty.get("precision").isNull()).as("no S or NS fact: precision undefined")
        .isTrue();
    assertThat(empty.get("f1_at_64").asDouble()).isZero();
    JsonNode totals = JSON.readTree(summary.toFile());
    assertThat(totals.get("search_calls").asLong()).isPositive();
    assertThat(totals.get("llm_calls").asLong()).isPositive();
    assertThat(jsonl(trace)).anySatisfy(f -> {
      assertThat(f.get("fact").asText()).isEqualTo("Marie Curie was born in Warsaw.");
      assertThat(f.get("rating").asText()).isEqualTo("Supported");
      assertThat(f.at("/searches/0/results/0/source").asText()).isEqualTo("fixture://curie");
    });
    int requestsAfterFirst = llm.requestCount();

    Result second = batch(rows, scores, "--summary", summary.toString());

    assertThat(second.code).as(second.err).isZero();
    List<JsonNode> rerun = jsonl(scores);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(rerun.get(i).get("llm_cache_hits")).isEqualTo(lines.get(i).get("llm_requests"));
      ((com.fasterxml.jackson.databind.node.ObjectNode) rerun.get(i)).set("llm_cache_hits",
          lines.get(i).get("llm_cache_hits"));
    }
    assertThat(rerun).as("same scores from the cache").isEqualTo(lines);
    JsonNode again = JSON.readTree(summary.toFile());
    assertThat(again.get("llm_calls").asLong()).isZero();
    assertThat(again.get("search_calls").asLong()).isZero();
    assertThat(again.get("search_cache_hits").asLong())
        .isEqualTo(totals.get("search_calls").asLong());
    assertThat(llm.requestCount()).isEqualTo(requestsAfterFirst);
    assertThat(second.out).contains("llm calls: 0 (cache hits ", "search calls: 0 (cache hits ");
  }

  @Test
  void should_rate_a_fact_without_any_search_result_instead_of_dropping_it() throws IOException {
    assertThat(cli("index", "--collection", Fixtures.collection().toString(), "--out",
        index.toString()).code).isZero();
    Path rows = rows("{\"id\": \"q\", \"prompt\": \"Tell me about quokkas.\", "
        + "\"response\": \"Quokkas juggle xylophones.\"}");
    Path scores = tmp.resolve("scores.jsonl");
    Path trace = tmp.resolve("trace.jsonl");

    Result r = batch(rows, scores, "--trace", trace.toString());

    assertThat(r.code).as(r.err).isZero();
    JsonNode row = jsonl(scores).get(0);
    assertThat(row.get("facts").asLong()).isEqualTo(1);
    assertThat(row.get("not_supported").asLong()).isEqualTo(1);
    assertThat(row.get("unrated").asLong()).isZero();
    assertThat(jsonl(trace)).singleElement().satisfies(f -> {
      assertThat(f.at("/searches/0/results").size()).as("nothing in the index matches")
          .isZero();
      assertThat(f.get("rating").asText()).isEqualTo("Not Supported");
    });
  }

  @Test
  void should_exit_4_without_connecting_when_search_host_is_not_allowed() throws Exception {
    try (ServerSocket denied = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"));
        EgressPolicy.Scope scope = EgressPolicy.overrideCurrent(
            EgressPolicy.parse("127.0.0.1"))) {
      AtomicInteger connections = countConnections(denied);
      Path rows = rows("{\"id\": 1, \"prompt\": \"Who?\", \"response\": \"Marie Curie was "
          + "born in Warsaw.\"}");
      // Any variable that is set serves as the key: the call is refused before sending it.
      Result r = cli("batch", "--input", rows.toString(), "--output",
          tmp.resolve("s.jsonl").toString(), "--llm-base-url", llm.baseUrl(),
          "--llm-option", "retry_initial_ms=5", "--search-backend", "serper",
          "--serper-url", "http://127.0.0.2:" + denied.getLocalPort() + "/search",
          "--serper-api-key-env", "PATH");

      assertThat(r.code).as(r.out + r.err).isEqualTo(SafeCli.EXIT_EGRESS_DENIED);
      assertThat(r.err).contains("127.0.0.2", "safe.search");
      Thread.sleep(50);
      assertThat(connections.get()).isZero();
    }
  }

  @Test
  void should_name_the_line_and_field_when_a_batch_row_is_bad() throws IOException {
    Path rows = rows("{\"id\": 1, \"prompt\": \"p\", \"response\": \"r\"}",
        "{\"id\": 2, \"prompt\": \"p\"}");

    Result r = batch(rows, tmp.resolve("s.jsonl"));

    assertThat(r.code).isEqualTo(SafeCli.EXIT_INPUT);
    assertThat(r.err).contains("error: batch input " + rows + " line 2: field 'response' is "
        + "missing (null is allowed and means an empty response)");
  }

  @Test
  void should_name_the_option_when_llm_url_is_missing() throws IOException {
    Path rows = rows("{\"id\": 1, \"prompt\": \"p\", \"response\": \"r\"}");

    Result r = cli("batch", "--input", rows.toString(), "--output",
        tmp.resolve("s.jsonl").toString(), "--collection", Fixtures.collection().toString());

    assertThat(r.code).isEqualTo(SafeCli.EXIT_INPUT);
    assertThat(r.err).contains("--llm-base-url is required for the openai backend");
  }

  @Test
  void should_list_languages_when_index_language_is_unknown() {
    Result r = cli("index", "--collection", Fixtures.collection().toString(), "--out",
        index.toString(), "--language", "fr");

    assertThat(r.code).isEqualTo(SafeCli.EXIT_INPUT);
    assertThat(r.err).contains("index language must be one of en, ja, auto; got 'fr'");
  }

  private Result batch(Path rows, Path scores, String... extra) {
    List<String> args = new ArrayList<>(List.of("batch", "--input", rows.toString(),
        "--output", scores.toString(), "--llm-base-url", llm.baseUrl(), "--llm-model",
        "scripted-model", "--llm-option", "retry_initial_ms=5", "--index-dir", index.toString(),
        "--cache-dir", tmp.resolve("cache").toString(), "--k", "1,64"));
    args.addAll(List.of(extra));
    return cli(args.toArray(String[]::new));
  }

  private record Result(int code, String out, String err) {}

  private static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SafeCli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path rows(String... lines) throws IOException {
    Path file = tmp.resolve("rows-" + System.nanoTime() + ".jsonl");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static List<JsonNode> jsonl(Path file) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      nodes.add(JSON.readTree(line));
    }
    return nodes;
  }

  private static String task(ScriptedLlmServer.ChatCall c) {
    return c.messages().stream().filter(m -> m.role().equals("user")).findFirst()
        .map(m -> m.content()).orElse("");
  }

  private static String lastLine(String prompt, String marker) {
    String rest = prompt.substring(prompt.lastIndexOf(marker) + marker.length());
    return rest.lines().findFirst().orElse("").strip();
  }

  private static AtomicInteger countConnections(ServerSocket socket) {
    AtomicInteger count = new AtomicInteger();
    Thread t = new Thread(() -> {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          count.incrementAndGet();
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return count;
  }
}
