package io.llmtestbed.aits.answeraccuracy;

import static io.llmtestbed.aits.answeraccuracy.AccuracyFixtures.DEMO_COLUMNS;
import static io.llmtestbed.aits.answeraccuracy.AccuracyFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmtestbed.ait.sdk.testing.AitHarness.Result;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AIT end to end through the SDK harness, on small tables whose scores are worked by hand. */
class AnswerAccuracyAitTest {
  @TempDir Path root;

  /**
   * Five scored rows (row 5 has no reference and is skipped):
   * <pre>
   * row category  EM  tokF1 rougeL tokF1ja rougeLja charF1  judge
   * 1   math      1   1     1      1       1        1       9
   * 2   math      0   1     1/2    1       1/2      16/17   7   (same words, other order; T≠t)
   * 3   writing   0   0     0      1       4/6      20/21   8   (Japanese)
   * 4   writing   0   0     0      0       0        0       3   (null prediction)
   * 6   math      1   1     1      1       1        1       -
   * </pre>
   */
  static List<List<Object>> fixedRows() {
    return List.of(
        row("1", "math", "2", "2", 9.0),
        row("2", "math", "Paris is the capital", "The capital is Paris", 7.0),
        row("3", "writing", "東京は日本の首都です。", "日本の首都は東京です", 8.0),
        row("4", "writing", "hello world", null, 3.0),
        row("5", "writing", null, "anything", 5.0),
        row("6", "math", "9", "9", null));
  }

  @Test
  void should_report_hand_worked_means_when_table_is_small() throws IOException {
    Path table = AitHarness.table(root.resolve("in/eval_results_table.json"), DEMO_COLUMNS,
        fixedRows());
    Result r = AccuracyFixtures.runTable(root, table);

    assertThat(r.errorCode()).as("error; stderr: %s", r.stderr()).isNull();
    assertThat(r.exitStatus()).isZero();
    assertThat(r.sequence("rows_scored")).containsExactly(5);
    assertThat(r.sequence("null_predictions")).containsExactly(1);
    assertThat(r.sequence("exact_match")[0]).isEqualTo(0.4, within(1e-12));
    assertThat(r.sequence("token_f1")[0]).isEqualTo(0.6, within(1e-12));
    assertThat(r.sequence("rouge_l")[0]).isEqualTo(0.5, within(1e-12));
    assertThat(r.sequence("token_f1_ja")[0]).isEqualTo(0.8, within(1e-12));
    assertThat(r.sequence("rouge_l_ja")[0]).isEqualTo((1 + 0.5 + 4.0 / 6 + 0 + 1) / 5,
        within(1e-12));
    assertThat(r.sequence("char_f1")[0]).isEqualTo((1 + 16.0 / 17 + 20.0 / 21 + 0 + 1) / 5,
        within(1e-12));
    assertThat(r.sequence("judge_score_mean")[0]).isEqualTo(6.75, within(1e-12));
    // Wilson 95% for 2/5: centre (0.4 + z²/10) / (1 + z²/5), z = 1.959964.
    assertThat(r.sequence("exact_match_ci_lower")[0]).isEqualTo(0.1176, within(1e-4));
    assertThat(r.sequence("exact_match_ci_upper")[0]).isEqualTo(0.7693, within(1e-4));
    assertThat(r.sequence("rouge_l_ci_lower")[0]).isBetween(0.0, 0.5);
    assertThat(r.sequence("rouge_l_ci_upper")[0]).isBetween(0.5, 1.0);
    assertThat(r.measure("exact_match_diff")).as("one run: no comparison").isNull();
    assertThat(r.log()).contains("1 of 5 predictions are null; each counts as wrong")
        .contains("1 of 6 rows have a null reference");
  }

  @Test
  void should_write_category_table_chart_summary_and_row_scores_when_run_succeeds()
      throws IOException {
    Path table = AitHarness.table(root.resolve("in/eval_results_table.json"), DEMO_COLUMNS,
        fixedRows());
    Result r = AccuracyFixtures.runTable(root, table);

    List<Path> categoryTable = r.files("Resources", AnswerAccuracyAit.CATEGORY_TABLE);
    assertThat(categoryTable).hasSize(1);
    List<String> lines = Files.readAllLines(categoryTable.get(0));
    assertThat(lines.get(0)).isEqualTo(String.join(",", Reports.CATEGORY_HEADER));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("eval_results_table,math,"
        + "exact_match,3,0.6666666666666666,"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("eval_results_table,writing,"
        + "token_f1_ja,2,0.5,"));
    assertThat(r.files("Resources", AnswerAccuracyAit.CATEGORY_CHART)).hasSize(7)
        .allSatisfy(p -> assertThat(Files.readAllBytes(p)).startsWith(0x89, 'P', 'N', 'G'));
    List<String> summary = Files.readAllLines(
        r.files("Resources", AnswerAccuracyAit.RUN_SUMMARY).get(0));
    assertThat(summary).hasSize(2);
    assertThat(summary.get(1)).startsWith("eval_results_table,eval_results_table,6,5,1,1,1,0,0.4,");
    List<String> rows = Files.readAllLines(r.files("Downloads", AnswerAccuracyAit.ROW_SCORES)
        .get(0));
    assertThat(rows).hasSize(6);
    assertThat(rows.get(3)).startsWith("eval_results_table,eval_results_table,2,3,writing,ja,"
        + "0,0,0.0,0.0,1.0,0.6666666666666666,0.9523809523809523,8.0");
    assertThat(r.files("Downloads", "Log")).hasSize(1);
  }

  @Test
  void should_compare_run_one_with_run_two_when_two_runs_are_given() throws IOException {
    // Run A answers rows 1-4 right, run B only rows 1-2: A − B = 0.5 on exact match, and
    // McNemar has 2 discordant pairs, both for A: exact p = 2 · 0.5² = 0.5.
    List<List<Object>> a = List.of(row("1", "c", "x", "x", 5.0), row("2", "c", "y", "y", 5.0),
        row("3", "c", "z", "z", 5.0), row("4", "c", "w", "w", 5.0));
    List<List<Object>> b = List.of(row("4", "c", "w", "v", 1.0), row("3", "c", "z", "u", 1.0),
        row("2", "c", "y", "y", 5.0), row("1", "c", "x", "x", 5.0));
    Path runs = root.resolve("runs");
    AccuracyFixtures.exportedRun(runs.resolve("a"), "a".repeat(32), "model-a", DEMO_COLUMNS, a);
    AccuracyFixtures.exportedRun(runs.resolve("b"), "b".repeat(32), "model-b", DEMO_COLUMNS, b);

    Result r = AccuracyFixtures.runTable(root, runs);

    assertThat(r.errorCode()).as("stderr: %s", r.stderr()).isNull();
    assertThat(r.sequence("exact_match")).containsExactly(1.0, 0.5);
    assertThat(Double.parseDouble(r.measure("exact_match_diff"))).isEqualTo(0.5);
    assertThat(Double.parseDouble(r.measure("exact_match_diff_p_value"))).isEqualTo(0.5);
    assertThat(Double.parseDouble(r.measure("judge_score_mean_diff"))).isEqualTo(2.0);
    assertThat(Double.parseDouble(r.measure("rouge_l_diff_p_value"))).isBetween(0.0, 1.0);
    assertThat(r.log()).contains("paired by question_id");
  }

  @Test
  void should_force_kuromoji_on_every_row_when_language_is_ja() throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), DEMO_COLUMNS,
        List.of(row("1", "c", "d c b a", "a b c d", null)));
    Result r = AitHarness.run(new AnswerAccuracyAit(), root,
        Map.of(AnswerAccuracyAit.INVENTORY, table.toString()),
        Map.of("write_back", "false", "language", "ja"));
    assertThat(r.sequence("rouge_l_ja")).containsExactly(0.25);
    assertThat(r.measure("judge_score_mean")).as("no judge values").isNull();
  }

  @Test
  void should_match_after_normalisation_when_normalization_is_normalized() throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), DEMO_COLUMNS,
        List.of(row("1", "c", "Tokyo.", "  tokyo ", null), row("2", "c", "東京", "東京。", null)));
    Result exact = AccuracyFixtures.runTable(root.resolve("exact"), table);
    Result normalized = AitHarness.run(new AnswerAccuracyAit(), root.resolve("normalized"),
        Map.of(AnswerAccuracyAit.INVENTORY, table.toString()),
        Map.of("write_back", "false", "normalization", "normalized"));
    assertThat(exact.sequence("exact_match")).containsExactly(0.0);
    assertThat(normalized.sequence("exact_match")).containsExactly(1.0);
  }

  @Test
  void should_put_every_row_in_one_category_when_category_column_is_absent() throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), List.of("outputs", "ground_truth"),
        List.of(List.of("a", "a"), List.of("b", "c")));
    Result r = AccuracyFixtures.runTable(root, table);
    assertThat(r.sequence("exact_match")).containsExactly(0.5);
    assertThat(Files.readAllLines(r.files("Resources", AnswerAccuracyAit.CATEGORY_TABLE).get(0)))
        .anySatisfy(l -> assertThat(l).startsWith("t,(all),exact_match,2,0.5,"));
    assertThat(r.log()).contains("no column 'category' (parameter category_column)");
  }

  @Test
  void should_use_the_configured_columns_when_parameters_name_them() throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), List.of("answer", "gold", "topic"),
        List.of(List.of("yes", "yes", "t1"), List.of("no", "yes", "t2")));
    Result r = AitHarness.run(new AnswerAccuracyAit(), root,
        Map.of(AnswerAccuracyAit.INVENTORY, table.toString()),
        Map.of("write_back", "false", "prediction_column", "answer", "target_column", "gold",
            "category_column", "topic"));
    assertThat(r.errorCode()).as("stderr: %s", r.stderr()).isNull();
    assertThat(r.sequence("exact_match")).containsExactly(0.5);
  }
}
