package io.llmtestbed.ait.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.testait.SampleAit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AitHarnessTest {

  @TempDir
  Path root;

  @Test
  void should_read_measures_and_files_when_the_ait_succeeds() throws IOException {
    Path csv = SampleAit.writeSampleCsv(root.resolve("inventory/answers"));

    AitHarness.Result r = AitHarness.run(new SampleAit(), root,
        Map.of("answers", csv.toString()), Map.of("threshold", "0.5"));

    assertThat(r.exitStatus()).isZero();
    assertThat(r.errorCode()).isNull();
    assertThat(Double.parseDouble(r.measure("accuracy"))).isEqualTo(0.75);
    assertThat(r.sequence("row_correct")).containsExactly(1, 1, 1, 0);
    assertThat(r.files("Resources", "summary_table")).singleElement()
        .satisfies(p -> assertThat(p).hasFileName("summary.csv"));
    assertThat(r.file("rows.csv")).hasSameTextualContentAs(csv);
    assertThat(r.log()).contains("4 rows, accuracy 0.75");
  }

  @Test
  void should_report_the_error_when_the_ait_fails() throws IOException {
    Path csv = SampleAit.writeSampleCsv(root.resolve("inventory/answers"));

    AitHarness.Result r = AitHarness.run(new SampleAit(), root,
        Map.of("answers", csv.toString()), Map.of("fail_with", "e901"));

    assertThat(r.errorCode()).isEqualTo("E901");
    assertThat(r.errorDetail()).contains("simulated failure after reading 4 rows");
    assertThat(r.measure("accuracy")).isNull();
  }

  @Test
  void should_report_e102_when_the_input_directory_has_no_input_file() throws IOException {
    Path inputDir = Files.createDirectories(root.resolve("mnt/ip/job_args/1/1"));

    AitHarness.Result r = AitHarness.runIn(new SampleAit(), root, inputDir);

    assertThat(r.errorCode()).isEqualTo("E102");
    assertThat(r.errorDetail()).contains("ait.input.json not found");
  }

  @Test
  void should_write_pandas_split_layout_when_building_a_table() throws IOException {
    Path file = AitHarness.table(root.resolve("t/eval_results_table.json"),
        List.of("inputs", "outputs"), List.of(List.of("q", "a")));

    assertThat(Files.readString(file))
        .isEqualTo("{\"columns\":[\"inputs\",\"outputs\"],\"data\":[[\"q\",\"a\"]]}");
  }
}
