package io.llmtestbed.aits.answeraccuracy;

import static io.llmtestbed.aits.answeraccuracy.AccuracyFixtures.DEMO_COLUMNS;
import static io.llmtestbed.aits.answeraccuracy.AccuracyFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.testing.AitHarness.Result;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every defect a user can make, run through the SDK harness: the AIT must still write a valid
 * ait.output.json (MachineInfo, Error{Code, Detail}, no Result), exit 0, print one line on
 * stderr, and say what is wrong and how to fix it.
 */
class BadInputTest {
  @TempDir Path root;

  private static void assertFailure(Result r, String code, String... phrases) {
    assertThat(r.exitStatus()).as("exit status").isZero();
    assertThat(r.output().has("Result")).as("no Result on failure").isFalse();
    assertThat(r.output().path("ExecuteInfo").path("MachineInfo").path("cpu_cores").asText())
        .as("MachineInfo is always written").isNotEmpty();
    assertThat(r.errorCode()).as("error code; detail: %s", r.errorDetail()).isEqualTo(code);
    assertThat(r.errorDetail()).contains(phrases);
    String[] lines = r.stderr().strip().split("\\R");
    assertThat(lines).as("one line on stderr: %s", r.stderr()).hasSize(1);
    assertThat(lines[0]).contains("failed with " + code);
  }

  @Test
  void should_report_e102_when_ait_input_json_is_missing() throws IOException {
    Path inputDir = Files.createDirectories(root.resolve("mnt/ip/job_args/1/1"));
    Result r = AitHarness.runIn(new AnswerAccuracyAit(), root, inputDir);
    assertFailure(r, "E102", "ait.input.json");
  }

  @Test
  void should_report_e102_when_ait_input_json_is_malformed() throws IOException {
    Path inputDir = Files.createDirectories(root.resolve("mnt/ip/job_args/1/1"));
    Files.writeString(inputDir.resolve("ait.input.json"), "{\"Inventories\": [");
    Result r = AitHarness.runIn(new AnswerAccuracyAit(), root, inputDir);
    assertFailure(r, "E102", "ait.input.json");
  }

  @Test
  void should_report_e102_naming_the_inventory_when_input_uses_an_unknown_name()
      throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), DEMO_COLUMNS,
        List.of(row("1", "c", "a", "a", null)));
    Result r = AitHarness.run(new AnswerAccuracyAit(), root,
        Map.of("eval_runs", table.toString()), Map.of());
    assertFailure(r, "E102", "evaluation_runs");
  }

  @Test
  void should_report_e102_naming_the_path_when_inventory_file_is_missing() throws IOException {
    Path missing = root.resolve("in/nowhere/eval_results_table.json");
    Result r = AccuracyFixtures.runTable(root, missing);
    assertFailure(r, "E102", "nowhere", "does not exist");
  }

  @Test
  void should_list_present_columns_and_name_the_parameter_when_columns_are_missing()
      throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), List.of("question", "answer",
        "reference"), List.of(List.of("q", "a", "r")));
    Result r = AccuracyFixtures.runTable(root, table);
    assertFailure(r, "E102", "outputs", "ground_truth", "[question, answer, reference]",
        "prediction_column", "target_column");
  }

  @Test
  void should_report_e102_when_table_has_no_rows() throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), DEMO_COLUMNS, List.of());
    Result r = AccuracyFixtures.runTable(root, table);
    assertFailure(r, "E102", "has no rows", "Fix:");
  }

  @Test
  void should_report_e102_when_every_prediction_is_null() throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), DEMO_COLUMNS,
        List.of(row("1", "c", "a", null, null), row("2", "c", "b", null, null)));
    Result r = AccuracyFixtures.runTable(root, table);
    assertFailure(r, "E102", "all 2 predictions", "'outputs'", "prediction_column");
  }

  @Test
  void should_report_e102_when_every_reference_is_null() throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), DEMO_COLUMNS,
        List.of(row("1", "c", null, "a", null)));
    Result r = AccuracyFixtures.runTable(root, table);
    assertFailure(r, "E102", "all 1 rows have a null 'ground_truth'", "target_column");
  }

  @Test
  void should_report_e102_with_location_when_table_json_is_truncated() throws IOException {
    Path table = root.resolve("in/eval_results_table.json");
    Files.createDirectories(table.getParent());
    Files.writeString(table, "{\"columns\": [\"outputs\", \"ground_truth\"], \"data\": "
        + "[[\"a\", \"a\"], [\"b\"");
    Result r = AccuracyFixtures.runTable(root, table);
    assertFailure(r, "E102", "not valid JSON", "line 1");
  }

  @Test
  void should_report_e102_listing_accepted_values_when_language_is_unknown() throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), DEMO_COLUMNS,
        List.of(row("1", "c", "a", "a", null)));
    Result r = AitHarness.run(new AnswerAccuracyAit(), root,
        Map.of(AnswerAccuracyAit.INVENTORY, table.toString()), Map.of("language", "jp"));
    assertFailure(r, "E102", "'language'", "auto, en, ja", "'jp'");
  }

  @Test
  void should_report_e901_naming_the_server_when_tracking_server_is_down() throws IOException {
    Path reference = root.resolve("in/runs.json");
    Files.createDirectories(reference.getParent());
    // Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
    Files.writeString(reference, "{\"tracking_uri\": \"http://127.0.0.1:9\", \"run_ids\": [\""
        + "0".repeat(32) + "\"]}");
    Result r = AitHarness.run(new AnswerAccuracyAit(), root,
        Map.of(AnswerAccuracyAit.INVENTORY, reference.toString()), Map.of());
    assertFailure(r, "E901", "127.0.0.1:9");
  }

  @Test
  void should_report_e102_when_a_cell_of_the_judge_column_is_not_a_number() throws IOException {
    Path table = AitHarness.table(root.resolve("in/t.json"), DEMO_COLUMNS,
        List.of(Arrays.asList("1", "c", "p", "a", "a", "excellent")));
    Result r = AccuracyFixtures.runTable(root, table);
    assertFailure(r, "E102", "judge_score", "'excellent'", "not a number");
  }
}
