package io.llmtestbed.aits.safe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Human-label mode on the demo's FActScore runs, checked by an independent Python script. */
class HumanLabelModeTest {
  @TempDir
  Path root;

  private AitHarness.Result runHuman(String system) throws IOException {
    Path table = AitHarness.table(root.resolve("in/" + system + "/eval_results_table.json"),
        SafeFixtures.FACTSCORE_COLUMNS, SafeFixtures.factscoreRows(system));
    Path empty = Files.createFile(root.resolve("in/" + system + "/no_collection.jsonl"));
    return AitHarness.run(new SafeAit(), root.resolve("ait-" + system),
        Map.of(SafeAit.RUNS, table.toString(), SafeAit.COLLECTION, empty.toString()),
        Map.of("write_back", "false"));
  }

  private static List<JsonNode> python(Path jsonl) throws IOException, InterruptedException {
    String py = System.getenv().getOrDefault("TESTBED_PYTHON", "python3");
    Process p = new ProcessBuilder(py, "src/test/python/human_precision.py", jsonl.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("python output: %s", out).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        lines.add(AitHarness.JSON.readTree(line));
      }
    }
    return lines;
  }

  @Test
  void should_reproduce_every_per_response_human_value_of_the_independent_script()
      throws Exception {
    for (String system : List.of("ChatGPT", "InstructGPT")) {
      AitHarness.Result r = runHuman(system);
      assertThat(r.errorCode()).as("%s: %s", system, r.errorDetail()).isNull();
      List<Map<String, String>> rows = SafeFixtures.csv(r.file("safe_responses.csv"));
      List<JsonNode> expected = python(SafeFixtures.DEMO_DATA.resolve(system + ".jsonl"));
      JsonNode summary = expected.remove(expected.size() - 1);

      assertThat(rows).as(system).hasSize(183).hasSameSizeAs(expected);
      for (int i = 0; i < rows.size(); i++) {
        Map<String, String> row = rows.get(i);
        JsonNode want = expected.get(i);
        assertThat(row.get("abstained")).as("%s row %d abstained", system, i)
            .isEqualTo(String.valueOf(want.get("abstained").asBoolean()));
        for (String label : List.of("S", "NS", "IR")) {
          assertThat(row.get("human_" + label)).as("%s row %d %s", system, i, label)
              .isEqualTo(want.get(label).isNull() ? "" : want.get(label).asText());
        }
        if (want.get("precision").isNull()) {
          assertThat(row.get("human_precision")).as("%s row %d precision", system, i).isEmpty();
        } else {
          assertThat(Double.parseDouble(row.get("human_precision")))
              .as("%s row %d precision", system, i)
              .isCloseTo(want.get("precision").asDouble(), within(1e-12));
        }
      }
      assertThat(r.sequence("human_precision")[0]).as(system)
          .isCloseTo(summary.get("mean_precision").asDouble(), within(1e-12));
    }
  }

  @Test
  void should_count_abstentions_and_mark_safe_measures_not_applicable_without_an_llm()
      throws Exception {
    AitHarness.Result r = runHuman("ChatGPT");

    assertThat(r.sequence("abstained")).containsExactly(26);
    assertThat(r.sequence("responses_evaluated")).containsExactly(157);
    assertThat(r.measure("precision")).isNull();
    assertThat(r.measure("agreement")).isNull();
    assertThat(r.log()).contains("SAFE did not run: no LLM is configured (parameter llm_model "
        + "is empty)").contains("No per-fact trace (download fact_trace): SAFE rated no fact");
  }
}
