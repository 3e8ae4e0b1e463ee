package io.llmtestbed.aits.safe;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.runner.LocalRun;
import io.llmtestbed.ait.sdk.runner.LocalRunner;
import io.llmtestbed.ait.sdk.runner.Rerun;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auditability: a SAFE run re-run from its provenance.json gives identical measures, answered
 * from the LLM and search caches with no LLM request.
 */
class SafeRerunTest {
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
    world.verdicts.put("Ada Lovelace was born in 1815.", "NS");
    world.install();
    table = AitHarness.table(root.resolve("in/eval_results_table.json"),
        List.of("question_id", "inputs", "outputs"), List.of(List.of("1",
            "Tell me a bio of Ada Lovelace.", "Ada Lovelace was born in London in 1815.")));
    collection = root.resolve("in/docs.jsonl");
    Files.writeString(collection, "{\"title\": \"Ada Lovelace\", \"text\": \"Ada Lovelace was "
        + "born in London in 1815.\"}\n");
  }

  @AfterEach
  void tearDown() {
    world.close();
  }

  @Test
  void should_reproduce_every_measure_from_the_cache_with_no_llm_call_when_rerun()
      throws Exception {
    LocalRun original = LocalRunner.run(LocalRunner.Request.mainClass(Main.class.getName(),
        Map.of(SafeAit.RUNS, List.of(table), SafeAit.COLLECTION, List.of(collection)),
        Map.of("llm_base_url", world.server.baseUrl(), "llm_model", "scripted-model",
            "write_back", "false", "cache_dir", root.resolve("cache").toString()),
        root.resolve("qai")));
    assertThat(original.succeeded()).as(original.stderr()).isTrue();
    int requests = world.server.requestCount();
    assertThat(requests).as("the original run asks the LLM").isPositive();

    Rerun.Result rerun = Rerun.rerun(
        original.outputFile().resolveSibling("downloads/Provenance/provenance.json"),
        Rerun.Options.under(root.resolve("rerun")));

    assertThat(rerun.exitStatus()).as("rows: %s", rerun.rows()).isEqualTo(Rerun.EXIT_IDENTICAL);
    assertThat(rerun.rows()).extracting(Rerun.Row::measure)
        .contains("precision", "f1_at_k", "llm_calls_per_fact");
    assertThat(rerun.rows()).allMatch(Rerun.Row::identical);
    assertThat(world.server.requestCount()).as("LLM requests made by the re-run")
        .isEqualTo(requests);
  }
}
