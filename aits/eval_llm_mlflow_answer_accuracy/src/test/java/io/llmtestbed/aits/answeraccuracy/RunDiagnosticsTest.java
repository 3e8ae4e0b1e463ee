package io.llmtestbed.aits.answeraccuracy;

import static io.llmtestbed.aits.answeraccuracy.AccuracyFixtures.DEMO_COLUMNS;
import static io.llmtestbed.aits.answeraccuracy.AccuracyFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmtestbed.ait.sdk.testing.AitHarness.Result;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import io.llmtestbed.aits.answeraccuracy.metrics.MetricEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the AIT tells a person about rows it scores in a way they might not expect. */
class RunDiagnosticsTest {
  @TempDir Path root;

  private static List<String> warnings(Result r) throws IOException {
    return r.log().lines().filter(l -> l.contains(" WARN ")).toList();
  }

  private static List<String> summary(Result r) throws IOException {
    return Files.readAllLines(r.files("Resources", AnswerAccuracyAit.RUN_SUMMARY).get(0));
  }

  @Test
  void should_count_rows_and_warn_once_when_texts_exceed_the_rouge_l_token_limit()
      throws IOException {
    int words = MetricEngine.MAX_LCS_TOKENS + 50;
    String longText = IntStream.range(0, words).mapToObj(i -> "w" + i)
        .collect(Collectors.joining(" "));
    Path table = AitHarness.table(root.resolve("in/long.json"), DEMO_COLUMNS, List.of(
        row("1", "c", longText, longText, null), row("2", "c", longText, longText + " x", null),
        row("3", "c", "short answer", "short answer", null)));

    Result r = AccuracyFixtures.runTable(root, table);

    assertThat(r.errorCode()).as("stderr: %s", r.stderr()).isNull();
    assertThat(r.sequence("rows_truncated")).containsExactly(2);
    assertThat(warnings(r)).filteredOn(l -> l.contains("tokens")).singleElement().asString()
        .contains("2 of 3 rows have a prediction or reference longer than 20000 tokens")
        .contains("computed on the first 20000 tokens only");
    List<String> csv = summary(r);
    int column = Arrays.asList(csv.get(0).split(",")).indexOf("rows_truncated");
    assertThat(column).isPositive();
    assertThat(csv.get(1).split(",")[column]).isEqualTo("2");
  }

  @Test
  void should_warn_with_count_and_suggest_auto_when_language_is_forced_against_the_text()
      throws IOException {
    Path table = AitHarness.table(root.resolve("in/ja.json"), DEMO_COLUMNS, List.of(
        row("1", "c", "東京です", "東京です", null), row("2", "c", "大阪です", "大阪です", null),
        row("3", "c", "Paris", "Paris", null)));

    Result en = AitHarness.run(new AnswerAccuracyAit(), root.resolve("en"),
        Map.of(AnswerAccuracyAit.INVENTORY, table.toString()),
        Map.of("write_back", "false", "language", "en"));
    Result ja = AitHarness.run(new AnswerAccuracyAit(), root.resolve("ja"),
        Map.of(AnswerAccuracyAit.INVENTORY, table.toString()),
        Map.of("write_back", "false", "language", "ja"));
    Result auto = AccuracyFixtures.runTable(root.resolve("auto"), table);

    assertThat(en.sequence("token_f1")[0]).as("Japanese rows score 0 under en")
        .isEqualTo(1.0 / 3, within(1e-12));
    assertThat(warnings(en)).filteredOn(l -> l.contains("language=en")).singleElement()
        .asString().contains("2 of 3 rows contain Japanese (kana or kanji) but language=en")
        .contains("score 0 even on an exact match").endsWith("Fix: set language=auto "
            + "(kuromoji on Japanese rows)");
    assertThat(warnings(ja)).filteredOn(l -> l.contains("language=ja")).singleElement()
        .asString().contains("1 of 3 rows contain no Japanese (kana or kanji) but language=ja");
    assertThat(warnings(auto)).noneMatch(l -> l.contains("language="));
  }

  @Test
  void should_count_non_string_cells_and_call_arrays_a_wrong_column_when_scoring()
      throws IOException {
    List<List<Object>> rows = List.of(
        Arrays.asList("1", "c", "p", "42", 42, null),
        Arrays.asList("2", "c", "p", "true", true, null),
        Arrays.asList("3", "c", "p", "a", List.of("a"), null),
        Arrays.asList("4", "c", "p", "x", Map.of("x", 1), null),
        Arrays.asList("5", "c", "p", 7, "7", null));
    Path table = AitHarness.table(root.resolve("in/cells.json"), DEMO_COLUMNS, rows);

    Result r = AccuracyFixtures.runTable(root, table);

    assertThat(r.errorCode()).as("stderr: %s", r.stderr()).isNull();
    assertThat(r.sequence("exact_match")).as("42 = \"42\", true = \"true\", 7 = \"7\"")
        .containsExactly(0.6);
    assertThat(warnings(r)).filteredOn(l -> l.contains("cells of column")).containsExactly(
        warnings(r).stream().filter(l -> l.contains("2 cells of column 'outputs' (parameter "
            + "prediction_column) are JSON numbers or booleans, not strings (first: 42)"))
            .findFirst().orElse("missing: scalar prediction warning"),
        warnings(r).stream().filter(l -> l.contains("2 cells of column 'outputs' (parameter "
            + "prediction_column) are JSON arrays or objects (first: [\"a\"])")
            && l.contains("probably the wrong column. Fix: set prediction_column"))
            .findFirst().orElse("missing: nested prediction warning"),
        warnings(r).stream().filter(l -> l.contains("1 cells of column 'ground_truth' "
            + "(parameter target_column) are JSON numbers or booleans"))
            .findFirst().orElse("missing: scalar reference warning"));
  }

  @Test
  void should_leave_interval_empty_and_say_undefined_when_a_category_has_one_row()
      throws IOException {
    Path table = AitHarness.table(root.resolve("in/one.json"), DEMO_COLUMNS, List.of(
        row("1", "alone", "the cat sat", "the cat sat", null),
        row("2", "pair", "a b", "a b", null), row("3", "pair", "a b", "a c", null)));

    Result r = AccuracyFixtures.runTable(root, table);

    List<String> lines = Files.readAllLines(
        r.files("Resources", AnswerAccuracyAit.CATEGORY_TABLE).get(0));
    assertThat(lines).contains("one,alone,rouge_l,1,1.0,,," + Statistics.UNDEFINED);
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("one,alone,exact_match,1,1.0,0.")
        .endsWith(",wilson"));
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("one,pair,rouge_l,2,0\\.75,[0-9.]+,"
        + "[0-9.]+,bootstrap.*"));
  }

  @Test
  void should_record_value_as_bounds_and_warn_when_run_has_one_row() throws IOException {
    Path table = AitHarness.table(root.resolve("in/single.json"), DEMO_COLUMNS, List.of(
        row("1", "c", "a b c d", "a b c", null)));

    Result r = AccuracyFixtures.runTable(root, table);

    double value = r.sequence("rouge_l")[0];
    assertThat(r.sequence("rouge_l_ci_lower")).containsExactly(value);
    assertThat(r.sequence("rouge_l_ci_upper")).containsExactly(value);
    List<String> csv = summary(r);
    int lower = Arrays.asList(csv.get(0).split(",", -1)).indexOf("rouge_l_ci_lower");
    assertThat(csv.get(1).split(",", -1)[lower]).as("undefined: empty cell").isEmpty();
    assertThat(warnings(r)).filteredOn(l -> l.contains("undefined")).singleElement().asString()
        .contains("5 run-level interval(s) are undefined because fewer than 2 rows have a value")
        .contains("single:rouge_l");
  }

  @Test
  void should_not_warn_about_comparison_measures_when_one_run_is_given() throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), DEMO_COLUMNS, List.of(
        row("1", "c", "x", "x", 5.0), row("2", "c", "y", "z", 3.0)));

    Result r = AccuracyFixtures.runTable(root, table);

    assertThat(warnings(r)).noneMatch(l -> l.contains("not recorded"));
    assertThat(r.log()).contains("14 measure(s) not recorded because they do not apply to this "
        + "run (the *_diff measures compare two runs; 1 run given): exact_match_diff, "
        + "exact_match_diff_p_value, token_f1_diff");
  }
}
