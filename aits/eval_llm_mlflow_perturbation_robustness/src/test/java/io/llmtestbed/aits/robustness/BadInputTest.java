package io.llmtestbed.aits.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.testing.AitHarness;
import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input ends in a clear error or an explicit per-row failure count. */
class BadInputTest {
  @TempDir Path tmp;

  private Path table(int rows) throws Exception {
    return AitHarness.table(tmp.resolve("t/eval_results_table.json"), Fixtures.DEMO_COLUMNS,
        ActiveModeTest.rows(rows));
  }

  @Test
  void should_fail_with_e102_listing_valid_names_when_a_perturbation_is_unknown()
      throws Exception {
    AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
        table(3).toString()), Map.of("mode", "active", "perturbations", "width,typos"));

    assertThat(r.errorCode()).isEqualTo("E102");
    assertThat(r.errorDetail()).contains("unknown perturbation 'typos'")
        .contains("char_noise, width, kana, kanji_kana, punctuation, whitespace, casing, "
            + "number_format, option_order, instruction_format, paraphrase");
  }

  @Test
  void should_fail_with_e102_when_the_run_has_no_rows() throws Exception {
    Path empty = AitHarness.table(tmp.resolve("e/eval_results_table.json"),
        Fixtures.DEMO_COLUMNS, List.of());

    AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
        empty.toString()), Map.of("mode", "passive"));

    assertThat(r.errorCode()).isEqualTo("E102");
    assertThat(r.errorDetail()).contains("has no rows").contains("nothing to perturb");
  }

  @Test
  void should_fail_with_e102_when_passive_mode_finds_no_perturbed_run() throws Exception {
    AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
        table(3).toString()), Map.of("mode", "passive"));

    assertThat(r.errorCode()).isEqualTo("E102");
    assertThat(r.errorDetail()).contains("no perturbed run").contains("mode=active");
  }

  @Test
  void should_count_every_unanswered_row_when_the_endpoint_goes_down_mid_run()
      throws Exception {
    ScriptedLlmServer server = ScriptedLlmServer.start();
    AtomicInteger served = new AtomicInteger();
    // 10 baseline answers + 10 under width, then the server stops for good.
    server.defaultReply(c -> {
      if (served.incrementAndGet() == 20) {
        new Thread(server::close).start();
      }
      return ActiveModeTest.answer(c.lastUserContent());
    });
    try {
      AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
          table(10).toString()), ActiveModeTest.params(server, "perturbations",
              "width,kana,instruction_format", "concurrency", "1", "llm_timeout_seconds", "2"));

      assertThat(r.errorCode()).as("output %s", r.output()).isNull();
      double[] measured = r.sequence("rows_measured");
      double[] failed = r.sequence("rows_failed");
      // The request that closes the server may lose its own answer: 9 or 10 under width.
      assertThat(measured[0]).isBetween(9.0, 10.0);
      for (int i = 0; i < 3; i++) {
        assertThat(measured[i] + failed[i]).as("every row measured or counted").isEqualTo(10);
      }
      assertThat(failed[1]).isEqualTo(10);
      assertThat(failed[2]).isEqualTo(10);
      assertThat(r.log()).contains("have no usable answer and are left out of its measures");
      String rows = java.nio.file.Files.readString(r.files("Downloads", RobustnessAit.ROWS)
          .get(0));
      assertThat(rows).contains("llm_error:CONNECTION");
    } finally {
      server.close();
    }
  }

  @Test
  void should_count_empty_answers_when_the_model_returns_empty_text() throws Exception {
    Set<String> originals = ActiveModeTest.rows(10).stream().map(r -> (String) r.get(2))
        .collect(Collectors.toSet());
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      // Empty text for perturbed prompts of rows 5 and 10.
      server.when(c -> !originals.contains(c.lastUserContent())
          && Integer.parseInt(ActiveModeTest.answer(c.lastUserContent())) % 15 == 0).reply("");
      server.defaultReply(c -> ActiveModeTest.answer(c.lastUserContent()));

      AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
          table(10).toString()), ActiveModeTest.params(server, "perturbations",
              "instruction_format,kanji_kana"));

      assertThat(r.errorCode()).as("output %s", r.output()).isNull();
      assertThat(r.sequence("rows_empty_answer")).containsExactly(2, 2);
      assertThat(r.sequence("rows_failed")).containsExactly(2, 2);
      assertThat(r.sequence("rows_measured")).containsExactly(8, 8);
      assertThat(r.sequence("consistency_rate")).containsExactly(1.0, 1.0);
    }
  }

  @Test
  void should_fail_with_e901_when_the_endpoint_answers_nothing() throws Exception {
    ScriptedLlmServer server = ScriptedLlmServer.start();
    String url = server.baseUrl();
    server.close();

    AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
        table(3).toString()), Map.of("mode", "active", "llm_base_url", url,
            "llm_max_retries", "0", "perturbations", "width"));

    assertThat(r.errorCode()).isEqualTo("E901");
    assertThat(r.errorDetail()).contains("gave no usable answer to any of the 3 unperturbed "
        + "prompts").contains("llm_error:CONNECTION");
  }

  @Test
  void should_normalize_like_the_answer_accuracy_ait_when_answers_are_compared() {
    assertThat(Answers.normalize("  Ｐａｒｉｓ！ ")).isEqualTo("paris");
    assertThat(Answers.correct("B) Paris", "B")).isTrue();
    assertThat(Answers.correct("Bordeaux", "B")).isFalse();
    assertThat(Answers.mapBack("A) リンゴ", Map.of("A", "B"))).isEqualTo("B) リンゴ");
    assertThat(Normalizer.normalize("１２", Normalizer.Form.NFKC)).isEqualTo("12");
  }

  @Test
  void should_read_a_leading_label_only_when_punctuation_follows_it_when_answers_are_compared() {
    // Found by trying the AIT: "A dog" (an option's text) was taken for label A, so mapping it
    // back through a shuffle rewrote identical answers into different ones; "3.5" read as 3.
    assertThat(Answers.correct("A dog", "A")).isFalse();
    assertThat(Answers.correct("ア．イルカ", "ア")).isTrue();
    assertThat(Answers.correct("(B)", "B")).isTrue();
    assertThat(Answers.correct("3.5", "3")).isFalse();
    assertThat(Answers.correct("1,000", "1")).isFalse();
    assertThat(Answers.mapBack("A dog", Map.of("A", "B"))).isEqualTo("A dog");
    assertThat(Answers.mapBack("3.5", Map.of("3", "1"))).isEqualTo("3.5");
    assertThat(Answers.mapBack("ア．イルカ", Map.of("ア", "イ"))).isEqualTo("イ.イルカ");
  }

  @Test
  void should_measure_a_combined_offline_table_when_it_has_a_perturbation_column()
      throws Exception {
    List<String> columns = List.of("question_id", "category", "perturbation", "inputs",
        "ground_truth", "outputs");
    List<List<Object>> rows = new java.util.ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      rows.add(java.util.Arrays.asList("q" + i, "c", null, "p" + i, "a" + i, "a" + i));
    }
    for (int i = 1; i <= 4; i++) {
      rows.add(java.util.Arrays.asList("q" + i, "c", "kana", "p" + i, "a" + i,
          i == 2 ? "wrong" : "a" + i));
    }
    Path combined = AitHarness.table(tmp.resolve("c/eval_results_table.json"), columns, rows);

    AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
        combined.toString()), Map.of("mode", "passive", "bootstrap_samples", "100"));

    assertThat(r.errorCode()).as("output %s", r.output()).isNull();
    assertThat(r.sequence("rows_measured")).containsExactly(4);
    assertThat(r.sequence("consistency_rate")).containsExactly(0.75);
    assertThat(r.sequence("accuracy_drop")).containsExactly(0.25);
  }

  private Path combinedWithout(String dropColumn, String prompt) throws Exception {
    List<String> columns = new java.util.ArrayList<>(List.of("question_id", "perturbation",
        "inputs", "ground_truth", "outputs"));
    List<List<Object>> rows = new java.util.ArrayList<>();
    for (String p : java.util.Arrays.asList(null, "kana")) {
      for (int i = 1; i <= 3; i++) {
        rows.add(new java.util.ArrayList<>(java.util.Arrays.asList("q" + i, p, prompt + i,
            "a" + i, "a" + i)));
      }
    }
    int drop = columns.indexOf(dropColumn);
    if (drop >= 0) {
      columns.remove(drop);
      rows.forEach(r -> r.remove(drop));
    }
    return AitHarness.table(tmp.resolve("g/eval_results_table.json"), columns, rows);
  }

  @Test
  void should_warn_that_accuracy_says_nothing_when_no_row_has_a_gold_answer() throws Exception {
    // Found by trying the AIT: without the ground_truth column the job reported accuracy 0,
    // accuracy_drop 0 and a worst case, with no word in the log.
    AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
        combinedWithout("ground_truth", "q").toString()), Map.of("mode", "passive",
            "bootstrap_samples", "100"));

    assertThat(r.errorCode()).as("output %s", r.output()).isNull();
    assertThat(r.log()).contains("No row has a gold answer in column 'ground_truth'")
        .contains("Fix: set parameter target_column");
  }

  @Test
  void should_warn_when_equivalence_is_embedding_on_japanese_text() throws Exception {
    AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
        combinedWithout("", "日本の首都はどこですか").toString()), Map.of("mode", "passive",
            "bootstrap_samples", "100", "equivalence", "embedding"));

    assertThat(r.errorCode()).as("output %s", r.output()).isNull();
    assertThat(r.log()).contains("equivalence=embedding on 3 of 3 rows with Japanese text")
        .contains("Fix: equivalence=normalized");
  }

  @Test
  void should_write_a_valid_output_when_every_perturbed_answer_is_empty() throws Exception {
    // Found by trying the AIT: with no measured row at all the charts had no bar and the job
    // failed with E102 "a bar chart needs at least one bar" instead of reporting the counts.
    Set<String> originals = ActiveModeTest.rows(4).stream().map(r -> (String) r.get(2))
        .collect(Collectors.toSet());
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      server.when(c -> !originals.contains(c.lastUserContent())).reply("");
      server.defaultReply(c -> ActiveModeTest.answer(c.lastUserContent()));

      AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
          table(4).toString()), ActiveModeTest.params(server, "perturbations",
              "instruction_format,width"));

      assertThat(r.errorCode()).as("output %s", r.output()).isNull();
      assertThat(r.sequence("rows_measured")).containsExactly(0, 0);
      assertThat(r.sequence("rows_empty_answer")).containsExactly(4, 4);
      assertThat(r.files("Resources", RobustnessAit.CHART)).hasSize(2);
    }
  }
}
