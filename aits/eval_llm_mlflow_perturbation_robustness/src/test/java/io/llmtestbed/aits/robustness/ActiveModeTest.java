package io.llmtestbed.aits.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmtestbed.ait.sdk.testing.AitHarness;
import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer;
import io.llmtestbed.aits.robustness.perturb.Perturbations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active mode end to end against the scripted OpenAI-compatible server (its answers are
 * scripted, not a model's): the AIT perturbs a table's prompts, asks the server and measures.
 */
class ActiveModeTest {
  private static final Pattern ID = Pattern.compile("(\\d+)");
  @TempDir Path tmp;

  /** Rows "問題<id>：..." whose gold answer is id × 3; the prompts are mostly katakana. */
  static List<List<Object>> rows(int n) {
    List<List<Object>> rows = new ArrayList<>();
    for (int id = 1; id <= n; id++) {
      rows.add(Fixtures.row(String.valueOf(id), "math", "問題" + id + "：サンプルのテストです。"
          + "コタエをスウジでください。", String.valueOf(id * 3), String.valueOf(id * 3)));
    }
    return rows;
  }

  /** The scripted answer: id × 3 (the id is the prompt's first number after NFKC). */
  static String answer(String prompt) {
    Matcher m = ID.matcher(Normalizer.normalize(prompt, Normalizer.Form.NFKC));
    return m.find() ? String.valueOf(Integer.parseInt(m.group(1)) * 3) : "わかりません";
  }

  static boolean halfWidthKatakana(String prompt) {
    return prompt.chars().anyMatch(c -> c >= 0xFF66 && c <= 0xFF9F);
  }

  static Map<String, String> params(ScriptedLlmServer server, String... more) {
    Map<String, String> p = new HashMap<>();
    p.put("mode", "active");
    p.put("llm_base_url", server.baseUrl());
    p.put("llm_model", "scripted");
    p.put("llm_max_retries", "0");
    p.put("llm_timeout_seconds", "5");
    p.put("bootstrap_samples", "200");
    p.put("write_back", "false");
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return p;
  }

  @Test
  void should_report_width_with_the_largest_drop_when_the_model_fails_on_half_width_katakana()
      throws Exception {
    Path table = AitHarness.table(tmp.resolve("t/eval_results_table.json"),
        Fixtures.DEMO_COLUMNS, rows(40));
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      // Brittle to exactly one thing: half-width katakana, which only width produces.
      server.when(c -> halfWidthKatakana(c.lastUserContent())).reply("わかりません");
      server.defaultReply(c -> answer(c.lastUserContent()));

      AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
          table.toString()), params(server, "concurrency", "8"));

      assertThat(r.errorCode()).as("output %s", r.output()).isNull();
      List<String> names = Settings.activeDefault();
      int width = names.indexOf("width");
      double[] drop = r.sequence("accuracy_drop");
      double[] lower = r.sequence("accuracy_drop_ci_lower");
      double[] upper = r.sequence("accuracy_drop_ci_upper");
      double[] consistency = r.sequence("consistency_rate");
      double[] measured = r.sequence("rows_measured");
      assertThat(r.sequence("worst_perturbation_index")).containsExactly(width + 1);
      assertThat(drop[width]).isCloseTo(1.0, within(1e-9));
      assertThat(lower[width]).as("the interval excludes zero").isGreaterThan(0.5);
      assertThat(consistency[width]).isZero();
      for (int i = 0; i < names.size(); i++) {
        if (i == width) {
          continue;
        }
        assertThat(drop[i]).as(names.get(i)).isZero();
        assertThat(lower[i]).as(names.get(i)).isLessThanOrEqualTo(0);
        assertThat(upper[i]).as(names.get(i) + " interval is at zero").isGreaterThanOrEqualTo(0)
            .isLessThan(0.1);
        if (measured[i] > 0) {
          assertThat(consistency[i]).as(names.get(i)).isEqualTo(1.0);
        }
      }
      assertThat(measured[names.indexOf("option_order")]).as("no options in these prompts")
          .isZero();
      assertThat(r.sequence("rows_not_applicable")[names.indexOf("option_order")])
          .isEqualTo(40);
      assertThat(measured[width]).isEqualTo(40);
      assertThat(r.measure("baseline_accuracy")).isEqualTo("1.0");
      String csv = Files.readString(r.files("Resources", RobustnessAit.TABLE).get(0));
      assertThat(csv.lines().filter(l -> l.startsWith("width,")).findFirst().orElseThrow())
          .endsWith(",true");
      List<String> flips = Files.readAllLines(r.files("Downloads", RobustnessAit.FLIPS).get(0));
      assertThat(flips).hasSize(40).allMatch(l -> l.contains("\"perturbation\":\"width\"")
          && l.contains("correct_to_wrong,not_equivalent"));
      // 40 baseline + 40 per perturbation that applied (option_order: none).
      assertThat(server.requestCount()).isGreaterThanOrEqualTo(40 + 40 * 8);
    }
  }

  @Test
  void should_mark_paraphrases_as_llm_generated_when_paraphrase_runs() throws Exception {
    Path table = AitHarness.table(tmp.resolve("t/eval_results_table.json"),
        Fixtures.DEMO_COLUMNS, rows(6));
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      server.when(c -> c.lastUserContent().startsWith("次の文章を")).reply(c -> "言い換え："
          + c.lastUserContent().substring(c.lastUserContent().indexOf("問題")));
      server.defaultReply(c -> answer(c.lastUserContent()));

      AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
          table.toString()), params(server, "perturbations", "paraphrase",
              "paraphrase_temperature", "0.9", "llm_cache_dir", tmp.resolve("cache").toString()));

      assertThat(r.errorCode()).as("output %s", r.output()).isNull();
      assertThat(r.sequence("rows_measured")).containsExactly(6);
      assertThat(r.sequence("consistency_rate")).containsExactly(1.0);
      String rows = Files.readString(r.files("Downloads", RobustnessAit.ROWS).get(0));
      assertThat(rows.lines().skip(1)).hasSize(6).allMatch(l -> l.endsWith(",true"));
      assertThat(server.calls()).filteredOn(c -> c.lastUserContent().startsWith("次の文章を"))
          .hasSize(6).allMatch(c -> c.temperature() == 0.9);
      assertThat(Perturbations.names()).contains("paraphrase");
      String provenance = Files.readString(r.outputDir().resolve(
          "downloads/Provenance/provenance.json"));
      assertThat(provenance).contains(tmp.resolve("cache").toString())
          .contains("robustness.llm_accounting");
    }
  }
}
