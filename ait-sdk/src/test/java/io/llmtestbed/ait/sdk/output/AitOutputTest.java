package io.llmtestbed.ait.sdk.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import io.llmtestbed.ait.sdk.testait.SampleAit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AitOutputTest {

    private static final OffsetDateTime START =
            OffsetDateTime.of(2021, 5, 10, 17, 38, 14, 0, ZoneOffset.ofHours(9));
    private static final MachineInfo MACHINE =
            new MachineInfo("cpu", "X86_64", "1.8000 GHz", "2", "2081951744");

    @TempDir
    Path dir;

    private final Manifest manifest = new SampleAit().manifest();

    private AitOutput output() {
        return new AitOutput(manifest, dir.resolve("ip/job_result/7/12"));
    }

    @Test
    void should_write_numeric_text_when_measures_recorded() throws Exception {
        AitOutput out = output();

        out.addMeasure("accuracy", 0.75);
        out.addMeasure("passed", true);
        out.addMeasureSequence("row_correct", 1, 1, 0);
        JsonNode json = JsonFormat.MAPPER.readTree(out.writeSuccess(START, START, MACHINE)
                .toFile());

        assertThat(json.path("Result").path("Measures").toString()).isEqualTo("[{\"Name\":"
                + "\"accuracy\",\"Value\":\"0.75\"},{\"Name\":\"passed\",\"Value\":\"1\"},"
                + "{\"Name\":\"row_correct\",\"Value\":\"1,1,0\"}]");
        assertThat(json.path("ExecuteInfo").path("StartDateTime").asText())
                .isEqualTo("2021-05-10T17:38:14+0900");
        assertThat(json.path("Result").has("Resources")).as("empty list omitted").isFalse();
        assertThat(json.path("Result").has("Downloads")).isFalse();
    }

    @Test
    void should_refuse_nan_when_measure_recorded() {
        assertThatThrownBy(() -> output().addMeasure("accuracy", Double.NaN))
                .isInstanceOf(AitException.class)
                .hasMessageContaining("measure 'accuracy' value NaN is not a finite number")
                .hasMessageContaining("empty data set");
    }

    @Test
    void should_be_e101_when_measure_not_declared() {
        assertThatThrownBy(() -> output().addMeasure("precision", 0.5))
                .isInstanceOf(AitException.class)
                .satisfies(e -> assertThat(((AitException) e).code()).isEqualTo(ErrorCode.E101))
                .hasMessageContaining("measure 'precision' is not declared")
                .hasMessageContaining("[accuracy, passed, row_correct]");
    }

    @Test
    void should_refuse_fraction_when_measure_is_int() {
        assertThatThrownBy(() -> output().addMeasureSequence("row_correct", 1, 0.5))
                .hasMessageContaining("measure 'row_correct' is declared int but got 0.5");
    }

    @Test
    void should_refuse_sequence_when_measure_is_single() {
        assertThatThrownBy(() -> output().addMeasureSequence("accuracy", 0.1, 0.2))
                .hasMessageContaining("declared single but got 2 values");
    }

    @Test
    void should_refuse_second_value_when_measure_recorded_twice() {
        AitOutput out = output();
        out.addMeasure("accuracy", 0.5);

        assertThatThrownBy(() -> out.addMeasure("accuracy", 0.6))
                .hasMessageContaining("measure 'accuracy' was recorded twice");
    }

    @Test
    void should_place_files_in_platform_layout_when_registered() throws Exception {
        AitOutput out = output();

        Path table = out.resourcePath("summary_table", "summary.csv");
        Path rows = out.downloadPath("rows", "rows.csv");

        assertThat(table).isEqualTo(dir.resolve("ip/job_result/7/12/resources/summary_table/"
                + "summary.csv"));
        assertThat(rows).isEqualTo(dir.resolve("ip/job_result/7/12/downloads/rows/rows.csv"));
        assertThat(table.getParent()).isDirectory();
        assertThat(out.missingFiles()).hasSize(2);
    }

    @Test
    void should_refuse_path_when_file_name_has_directories() {
        assertThatThrownBy(() -> output().resourcePath("summary_table", "../x.csv"))
                .hasMessageContaining("must be a plain file name");
    }

    @Test
    void should_leave_only_output_file_when_written_atomically() throws Exception {
        AitOutput out = output();

        out.writeSuccess(START, START, MACHINE);
        out.writeSuccess(START, START, MACHINE);

        try (Stream<Path> files = Files.list(out.outputDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(
                    "ait.output.json");
        }
    }

    @Test
    void should_write_error_without_result_when_run_failed() throws Exception {
        Path file = AitOutput.writeError(dir, "eval_x", "0.1", START, START, MACHINE,
                ErrorCode.E102, "parameter 'k' has value 'x'");

        JsonNode json = JsonFormat.MAPPER.readTree(file.toFile());

        assertThat(json.has("Result")).isFalse();
        assertThat(json.path("ExecuteInfo").path("Error").toString())
                .isEqualTo("{\"Code\":\"E102\",\"Detail\":\"parameter 'k' has value 'x'\"}");
        assertThat(json.path("ExecuteInfo").path("MachineInfo").size()).isEqualTo(5);
    }
}
