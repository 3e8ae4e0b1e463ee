package io.llmtestbed.aits.safe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AIT end to end on a table file, a scripted LLM and a local Lucene collection. */
class SafeAitTest {
  @TempDir
  Path root;
  SafeWorld world;
  Path table;
  Path collection;

  @BeforeEach
  void setUp() throws Exception {
    world = new SafeWorld();
    world.splits.put("Ada Lovelace was born in London in 1815.",
        List.of("Ada Lovelace was born in London.", "Ada Lovelace was born in 1815."));
    world.verdicts.put("Ada Lovelace was born in London.", "S");
    world.verdicts.put("Ada Lovelace was born in 1815.", "S");
    world.verdicts.put("富士山は日本で最も高い山である。", "S");
    world.splits.put("富士山は日本で最も高い山です。", List.of("富士山は日本で最も高い山である。"));
    world.install();
    table = AitHarness.table(root.resolve("in/eval_results_table.json"),
        List.of("question_id", "inputs", "outputs"), List.of(
            List.of("1", "Tell me a bio of Ada Lovelace.",
                "Ada Lovelace was born in London in 1815. She liked tea."),
            List.of("2", "富士山について教えて。", "富士山は日本で最も高い山です。")));
    collection = root.resolve("in/docs.jsonl");
    Files.writeString(collection, "{\"title\": \"Ada Lovelace\", \"text\": \"Ada Lovelace was "
        + "born in London in 1815 and wrote about the Analytical Engine.\"}\n"
        + "{\"title\": \"富士山\", \"text\": \"富士山は日本で最も高い山で、標高は3776メートルです。\"}\n");
  }

  @AfterEach
  void tearDown() {
    world.close();
  }

  private Map<String, String> params(String... more) {
    Map<String, String> p = new HashMap<>(Map.of("llm_base_url", world.server.baseUrl(),
        "llm_model", "scripted-model", "write_back", "false", "llm_max_retries", "1",
        "cache_dir", root.resolve("cache").toString()));
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return p;
  }

  private AitHarness.Result run(String dir, Map<String, String> params) throws Exception {
    return AitHarness.run(new SafeAit(), root.resolve(dir), Map.of(SafeAit.RUNS, table.toString(),
        SafeAit.COLLECTION, collection.toString()), params);
  }

  @Test
  void should_measure_precision_f1_and_costs_and_write_the_trace_when_safe_runs()
      throws Exception {
    AitHarness.Result r = run("a", params());

    assertThat(r.errorCode()).as("%s", r.errorDetail()).isNull();
    // row 1: S, S and "She liked tea." (NS); row 2: S
    assertThat(r.sequence("precision")[0]).isCloseTo((2.0 / 3 + 1) / 2, within(1e-12));
    assertThat(r.sequence("recall_at_k")[0]).isCloseTo((2.0 / 64 + 1.0 / 64) / 2,
        within(1e-12));
    assertThat(r.sequence("facts_per_response")).containsExactly(2.0);
    assertThat(r.sequence("unrated_share")).containsExactly(0.0);
    assertThat(r.sequence("search_calls_per_fact")).containsExactly(1.0);
    // 3 sentences: 3 splits + 3 batched revisions, then 1 decision per fact (4 facts)
    assertThat(r.sequence("llm_calls_per_fact")).containsExactly((3 + 3 + 4) / 4.0);
    List<String> trace = Files.readAllLines(r.file("safe_fact_trace.jsonl"));
    assertThat(trace).hasSize(4);
    JsonNode first = AitHarness.JSON.readTree(trace.get(0));
    assertThat(first.path("fact").asText()).isEqualTo("Ada Lovelace was born in London.");
    assertThat(first.path("rating").asText()).isEqualTo("Supported");
    assertThat(first.path("queries").get(0).asText()).isEqualTo(
        "Ada Lovelace was born in London.");
    assertThat(first.path("searches").get(0).path("evidence").get(0).path("title").asText())
        .isEqualTo("Ada Lovelace");
    JsonNode ja = AitHarness.JSON.readTree(trace.get(3));
    assertThat(ja.path("searches").get(0).path("evidence").get(0).path("text").asText())
        .contains("3776");
    List<Map<String, String>> rows = SafeFixtures.csv(r.file("safe_responses.csv"));
    assertThat(rows).extracting(m -> m.get("language")).containsExactly("en", "ja");
    assertThat(rows).extracting(m -> m.get("supported")).containsExactly("2", "1");
    assertThat(r.file("safe_scores.png")).isNotEmptyFile();
  }

  @Test
  void should_answer_a_second_run_from_the_caches_with_no_llm_or_search_call()
      throws Exception {
    assertThat(run("a", params()).errorCode()).isNull();
    int calls = world.server.requestCount();

    AitHarness.Result second = run("b", params());

    assertThat(second.errorCode()).isNull();
    assertThat(world.server.requestCount()).as("LLM requests of the second run")
        .isEqualTo(calls);
    assertThat(second.log()).contains("LLM: 0 calls, 10 cache hits")
        .containsPattern("search: .*calls=0");
  }

  @Test
  void should_fail_with_e901_after_writing_every_output_when_too_many_facts_are_unrated()
      throws Exception {
    world.close();
    world = new SafeWorld();
    world.server.when(c -> SafeWorld.task(c).contains("STATEMENT TO RATE")).reply("unsure");
    world.install();

    AitHarness.Result r = run("c", params("max_parse_retries", "0"));

    // E901: the SDK keeps E999 for the JVM and the installation
    assertThat(r.errorCode()).isEqualTo("E901");
    assertThat(r.errorDetail()).contains("could not be rated, more than max_unrated_share=0.1")
        .contains("Most common reason (3 of 3)").contains("malformed answer")
        .contains("nothing was written back to MLflow").contains("Fix:");
    assertThat(r.log()).contains("Write-back skipped");
    assertThat(Files.readAllLines(r.file("safe_fact_trace.jsonl"))).hasSize(3)
        .allSatisfy(l -> assertThat(l).contains("\"rating\":\"Unrated\"")
            .contains("malformed answer"));
    assertThat(r.file("safe_responses.csv")).isNotEmptyFile();
  }

  @Test
  void should_record_the_run_and_the_table_digest_in_provenance_when_a_table_is_read()
      throws Exception {
    AitHarness.Result r = run("p", params());

    assertThat(r.errorCode()).as("%s", r.errorDetail()).isNull();
    JsonNode mlflow = AitHarness.JSON.readTree(r.file("provenance.json").toFile()).path("mlflow");
    assertThat(mlflow.path("runs_read")).hasSize(1);
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest
        .getInstance("SHA-256").digest(Files.readAllBytes(table)));
    assertThat(mlflow.path("table_digests").path("eval_results_table").asText())
        .isEqualTo(sha);
  }

  @Test
  void should_answer_a_second_run_from_the_search_cache_when_the_index_is_at_another_path()
      throws Exception {
    // the platform copies an inventory under a per-job directory: same index, new path
    Path first = root.resolve("job1/index");
    new io.llmtestbed.aits.safe.index.IndexBuilder(
        io.llmtestbed.aits.safe.index.IndexLanguage.AUTO).build(collection, first);
    Path second = root.resolve("job2/index");
    Files.createDirectories(second);
    try (var files = Files.list(first)) {
      for (Path f : files.toList()) {
        Files.copy(f, second.resolve(f.getFileName()));
      }
    }
    Map<String, String> p = params();
    AitHarness.Result once = AitHarness.run(new SafeAit(), root.resolve("i1"), Map.of(SafeAit.RUNS,
        table.toString(), SafeAit.COLLECTION, first.toString()), p);
    assertThat(once.errorCode()).isNull();

    AitHarness.Result again = AitHarness.run(new SafeAit(), root.resolve("i2"), Map.of(SafeAit.RUNS,
        table.toString(), SafeAit.COLLECTION, second.toString()), p);

    assertThat(again.errorCode()).as("%s", again.errorDetail()).isNull();
    assertThat(again.log()).containsPattern("search: .*calls=0");
    // provenance names the same backend (a re-run does not report "search backends differ")
    JsonNode searchOnce = AitHarness.JSON.readTree(once.file("provenance.json").toFile())
        .path("search");
    assertThat(AitHarness.JSON.readTree(again.file("provenance.json").toFile()).path("search"))
        .isEqualTo(searchOnce);
    assertThat(searchOnce.toString()).doesNotContain(first.toString());
    // the layout the README documents, shared with SafeCli batch: <cache_dir>/search/<aa>/
    assertThat(root.resolve("cache/search/search")).doesNotExist();
    try (var dirs = Files.list(root.resolve("cache/search"))) {
      assertThat(dirs.toList()).isNotEmpty()
          .allSatisfy(d -> assertThat(d.getFileName().toString()).matches("[0-9a-f]{2}"));
    }
  }

  @Test
  void should_fail_with_e102_naming_the_parameter_when_a_search_setting_is_unknown()
      throws Exception {
    AitHarness.Result backend = run("sb", params("search_backend", "bing"));
    AitHarness.Result language = run("sl", params("search_language", "jp"));
    AitHarness.Result url = run("su", params("search_backend", "serper", "serper_url",
        "http://[bad"));

    assertThat(backend.errorCode()).isEqualTo("E102");
    assertThat(backend.errorDetail()).contains("parameter 'search_backend' is 'bing'")
        .contains("[lucene, serper, opensearch]").contains("Fix:")
        .doesNotContain("IllegalArgumentException");
    assertThat(language.errorDetail()).contains("parameter 'search_language' is 'jp'")
        .doesNotContain("IllegalArgumentException");
    assertThat(url.errorCode()).isEqualTo("E102");
    assertThat(url.errorDetail()).contains("parameter 'serper_url'")
        .doesNotContain("IllegalArgumentException");
    assertThat(world.server.requestCount()).isZero();
  }

  @Test
  void should_fail_with_e102_naming_mode_auto_when_human_mode_meets_a_table_without_labels()
      throws Exception {
    AitHarness.Result r = run("hn", Map.of("mode", "human", "write_back", "false"));

    assertThat(r.errorCode()).isEqualTo("E102");
    assertThat(r.errorDetail()).contains("has no column 'annotations'")
        .contains("Fix: use mode=auto").doesNotContain("mlflow.evaluate with predictions=");
  }

  @Test
  void should_fail_with_e102_naming_the_fix_when_safe_mode_has_no_llm() throws Exception {
    AitHarness.Result r = run("d", Map.of("write_back", "false"));

    assertThat(r.errorCode()).isEqualTo("E102");
    assertThat(r.errorDetail()).contains("no LLM is configured (parameter llm_model is empty)")
        .contains("Fix: set llm_backend, llm_base_url and llm_model");
  }

  @Test
  void should_send_the_temperature_as_given_when_it_is_set() throws Exception {
    run("e", params("temperature", "0.7", "cache_dir", ""));

    assertThat(world.server.calls()).isNotEmpty()
        .allSatisfy(c -> assertThat(c.temperature()).isEqualTo(0.7));
  }

  @Test
  void should_rate_the_human_facts_and_report_agreement_when_labels_and_an_llm_are_given()
      throws Exception {
    String annotations = "[{\"text\": \"Ada Lovelace was born in London in 1815.\", "
        + "\"is-relevant\": true, \"human-atomic-facts\": ["
        + "{\"text\": \"Ada Lovelace was born in London.\", \"label\": \"S\"}, "
        + "{\"text\": \"Ada Lovelace was born in 1815.\", \"label\": \"NS\"}, "
        + "{\"text\": \"London is big.\", \"label\": \"IR\"}]}, "
        + "{\"text\": \"Thanks.\", \"is-relevant\": false, \"human-atomic-facts\": null}]";
    world.irrelevant.add("London is big.");
    table = AitHarness.table(root.resolve("in/human.json"), SafeFixtures.FACTSCORE_COLUMNS,
        List.of(java.util.Arrays.asList("1", "Tell me a bio of Ada Lovelace.",
            "Ada Lovelace was born in London in 1815. Thanks.", "Ada Lovelace", "[]",
            annotations), java.util.Arrays.asList("2", "Tell me a bio of X.", "I don't know.",
            "X", "[]", null)));

    AitHarness.Result r = run("h", params());

    assertThat(r.errorCode()).as("%s", r.errorDetail()).isNull();
    assertThat(r.sequence("human_precision")).containsExactly(0.5);
    // SAFE: Supported, Supported (human NS: disagreement), Irrelevant (human IR: left out)
    assertThat(r.sequence("agreement")).containsExactly(0.5);
    assertThat(r.sequence("precision")).containsExactly(1.0);
    assertThat(r.sequence("abstained")).containsExactly(1.0);
    assertThat(r.sequence("facts_per_response")).containsExactly(3.0);
    assertThat(world.server.calls()).noneSatisfy(c -> assertThat(SafeWorld.task(c))
        .contains("TARGET SENTENCE"));
    List<String> trace = Files.readAllLines(r.file("safe_fact_trace.jsonl"));
    assertThat(trace).extracting(l -> AitHarness.JSON.readTree(l).path("human_label").asText())
        .containsExactly("S", "NS", "IR");
  }
}
