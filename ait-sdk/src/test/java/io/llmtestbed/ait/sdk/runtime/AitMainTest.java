package io.llmtestbed.ait.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.manifest.InventoryType;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.manifest.Structure;
import io.llmtestbed.ait.sdk.manifest.ValueType;
import io.llmtestbed.ait.sdk.testait.Layout;
import io.llmtestbed.ait.sdk.testait.SampleAit;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AitMainTest {

    @TempDir
    Path root;

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String stderr() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private Path input(Map<String, String> params) throws Exception {
        Path csv = SampleAit.writeSampleCsv(root.resolve("inventory/answers"));
        return Layout.writeInput(root, 3, 5, Map.of("answers", List.of(csv)), params);
    }

    private Path outputFile() {
        return root.resolve("mnt/ip/job_result/3/5/ait.output.json");
    }

    private JsonNode output() throws Exception {
        return JsonFormat.MAPPER.readTree(outputFile().toFile());
    }

    private int execute(Ait ait, Path inputDir) {
        return AitMain.execute(ait, new String[] {inputDir.toString()}, err);
    }

    @Test
    void should_write_golden_success_output_when_ait_succeeds() throws Exception {
        int status = execute(new SampleAit(), input(Map.of("threshold", "0.8")));

        assertThat(status).isZero();
        Golden.assertMatches("success.json", outputFile(), root);
        assertThat(stderr()).hasLineCount(1).startsWith("ait: eval_sample_csv_accuracy 0.1 OK:"
                + " 3 measures, 1 resources; ");
        Path out = outputFile().getParent();
        assertThat(out.resolve("resources/summary_table/summary.csv")).hasContent(
                "rows,accuracy\n4,0.75");
        assertThat(Files.readString(out.resolve("downloads/Log/ait.log")))
                .contains("4 rows, accuracy 0.75").contains("measure accuracy = 0.75");
    }

    @Test
    void should_write_golden_e101_output_when_ait_records_undeclared_measure() throws Exception {
        int status = execute(new SampleAit(), input(Map.of("fail_with", "e101")));

        assertThat(status).isZero();
        Golden.assertMatches("e101.json", outputFile(), root);
        assertThat(output().path("ExecuteInfo").path("Error").path("Detail").asText())
                .contains("measure 'precision' is not declared");
        assertThat(stderr()).hasLineCount(1).contains("failed with E101")
                .contains("measure 'precision' is not declared");
    }

    @Test
    void should_write_golden_e102_output_when_parameter_not_castable() throws Exception {
        int status = execute(new SampleAit(), input(Map.of("threshold", "high")));

        assertThat(status).isZero();
        Golden.assertMatches("e102.json", outputFile(), root);
        assertThat(stderr()).hasLineCount(1).contains("failed with E102 (inventory or parameter"
                + " error): parameter 'threshold' (float) has value 'high'");
    }

    @Test
    void should_write_golden_e901_output_when_ait_throws_illegal_state() throws Exception {
        int status = execute(new SampleAit(), input(Map.of("fail_with", "e901")));

        assertThat(status).isZero();
        Golden.assertMatches("e901.json", outputFile(), root);
        assertThat(stderr()).hasLineCount(1).contains("failed with E901")
                .contains("java.lang.IllegalStateException: simulated failure after reading 4"
                        + " rows");
    }

    @Test
    void should_write_golden_e999_output_when_ait_runs_out_of_memory() throws Exception {
        int status = execute(new SampleAit(), input(Map.of("fail_with", "e999")));

        assertThat(status).isZero();
        Golden.assertMatches("e999.json", outputFile(), root);
        assertThat(stderr()).hasLineCount(1).contains("failed with E999")
                .contains("OutOfMemoryError: simulated: Java heap space");
    }

    @Test
    void should_keep_full_stack_trace_in_ait_log_and_out_of_detail_when_ait_fails()
            throws Exception {
        execute(new SampleAit(), input(Map.of("fail_with", "e901")));

        String detail = output().path("ExecuteInfo").path("Error").path("Detail").asText();
        String log = Files.readString(outputFile().resolveSibling("downloads/Log/ait.log"));

        assertThat(detail.lines()).hasSizeLessThanOrEqualTo(4);
        assertThat(detail).contains("at io.llmtestbed.ait.sdk.testait.SampleAit.run(")
                .endsWith("(full stack trace in ait.log)");
        assertThat(log).contains("failed with E901").contains("\tat io.llmtestbed.ait.sdk"
                + ".runtime.AitMain.");
    }

    @Test
    void should_write_e102_into_job_result_when_ait_input_json_missing() throws Exception {
        Path inputDir = Files.createDirectories(root.resolve("mnt/ip/job_args/3/5"));

        int status = execute(new SampleAit(), inputDir);

        assertThat(status).isZero();
        JsonNode out = output();
        assertThat(out.path("AIT").path("Name").asText()).isEqualTo("unknown");
        assertThat(out.path("ExecuteInfo").path("Error").path("Code").asText()).isEqualTo("E102");
        assertThat(out.path("ExecuteInfo").path("Error").path("Detail").asText())
                .startsWith("ait.input.json not found: there is no ait.input.json in "
                        + inputDir);
        assertThat(out.path("ExecuteInfo").path("MachineInfo").size()).isEqualTo(5);
        assertThat(stderr()).hasLineCount(1).contains("failed with E102");
    }

    @Test
    void should_write_into_argument_dir_when_layout_unknown_and_input_missing() throws Exception {
        Path inputDir = Files.createDirectories(root.resolve("somewhere"));

        execute(new SampleAit(), inputDir);

        assertThat(inputDir.resolve("ait.output.json")).exists();
        assertThat(inputDir.resolve("downloads/Log/ait.log")).exists();
    }

    @Test
    void should_print_error_without_stack_trace_on_console_when_ait_fails() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
            execute(new SampleAit(), input(Map.of("fail_with", "e901")));
        } finally {
            System.setOut(original);
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        String log = Files.readString(outputFile().resolveSibling("downloads/Log/ait.log"));

        assertThat(printed).contains("failed with E901")
                .contains("simulated failure after reading 4 rows")
                .doesNotContain("\tat io.llmtestbed.ait.sdk.runtime.AitMain.");
        assertThat(log).contains("Stack trace of the E901 failure")
                .contains("\tat io.llmtestbed.ait.sdk.runtime.AitMain.");
    }

    @Test
    void should_warn_once_listing_names_and_inform_for_not_applicable_when_measures_missing()
            throws Exception {
        Ait partial = new Ait() {
            @Override
            public Manifest manifest() {
                return Manifest.builder().name("eval_partial").description("d").version("0.1")
                        .quality("C-1")
                        .inventory("answers", InventoryType.DATASET, "rows", "csv")
                        .measure("a", ValueType.FLOAT, Structure.SINGLE, "recorded", null, null)
                        .measure("b", ValueType.FLOAT, Structure.SINGLE, "forgotten", null, null)
                        .measure("c", ValueType.FLOAT, Structure.SINGLE, "forgotten", null, null)
                        .measure("a_diff", ValueType.FLOAT, Structure.SINGLE, "two runs", null,
                                null)
                        .build();
            }

            @Override
            public void run(AitContext ctx) {
                ctx.measure("a", 0.5);
                ctx.notApplicable("a_diff", "needs two runs, 1 given");
            }
        };

        execute(partial, input(Map.of()));
        String log = Files.readString(outputFile().resolveSibling("downloads/Log/ait.log"));

        assertThat(output().path("ExecuteInfo").path("Error").isMissingNode()).isTrue();
        assertThat(log.lines().filter(l -> l.contains(" WARN "))).singleElement().asString()
                .contains("2 declared measure(s) were not recorded").endsWith(": b, c");
        assertThat(log).contains("INFO").contains("1 measure(s) not recorded because they do"
                + " not apply to this run (needs two runs, 1 given): a_diff");
    }

    @Test
    void should_keep_problem_and_fix_on_stderr_line_when_reason_is_long() {
        String reason = "inventory 'runs': run abc has no artifact x.json " + "context ".repeat(120)
                + "Fix: log the table with mlflow.evaluate or pick another run";

        String line = AitMain.oneLine(reason + "\nsecond line");

        assertThat(line).hasSizeLessThanOrEqualTo(AitMain.ONE_LINE_MAX)
                .startsWith("inventory 'runs': run abc has no artifact x.json")
                .contains(" … ")
                .endsWith("Fix: log the table with mlflow.evaluate or pick another run")
                .doesNotContain("second line");
        assertThat(AitMain.oneLine("short. Fix: do it")).isEqualTo("short. Fix: do it");
    }

    @Test
    void should_write_e101_when_manifest_invalid() throws Exception {
        Ait broken = new Ait() {
            @Override
            public Manifest manifest() {
                return Manifest.builder().name("eval_broken").description("d").version("0.1")
                        .quality("C-1")
                        .inventory("answers", InventoryType.DATASET, "rows", "csv")
                        .parameter("n", ValueType.INT, "count", "many")
                        .build();
            }

            @Override
            public void run(AitContext ctx) {
                throw new AssertionError("must not run");
            }
        };

        int status = execute(broken, input(Map.of()));

        assertThat(status).isZero();
        JsonNode error = output().path("ExecuteInfo").path("Error");
        assertThat(error.path("Code").asText()).isEqualTo("E101");
        assertThat(error.path("Detail").asText()).contains("is invalid: manifest 'eval_broken'")
                .contains("parameters[0].default_val: must cast to the declared type int");
    }

    @Test
    void should_print_usage_and_exit_zero_when_argument_count_wrong() {
        int status = AitMain.execute(new SampleAit(), new String[] {"a", "b"}, err);

        assertThat(status).isZero();
        assertThat(stderr()).hasLineCount(1).startsWith("usage: java -jar <ait>.jar <input-dir>")
                .contains("got 2 arguments");
    }

    @Test
    void should_map_exceptions_to_codes_like_python_sdk_when_classified() {
        assertThat(AitMain.classify(AitException.invalidDefinition("x"))).isEqualTo(ErrorCode.E101);
        assertThat(AitMain.classify(new IllegalArgumentException())).isEqualTo(ErrorCode.E102);
        assertThat(AitMain.classify(new NumberFormatException())).isEqualTo(ErrorCode.E102);
        assertThat(AitMain.classify(new NoSuchFileException("f"))).isEqualTo(ErrorCode.E102);
        assertThat(AitMain.classify(new FileNotFoundException("f"))).isEqualTo(ErrorCode.E102);
        assertThat(AitMain.classify(new UncheckedIOException(new NoSuchFileException("f"))))
                .isEqualTo(ErrorCode.E102);
        assertThat(AitMain.classify(new IllegalStateException())).isEqualTo(ErrorCode.E901);
        assertThat(AitMain.classify(new NullPointerException())).isEqualTo(ErrorCode.E901);
        assertThat(AitMain.classify(new java.io.IOException())).isEqualTo(ErrorCode.E901);
        assertThat(AitMain.classify(new OutOfMemoryError())).isEqualTo(ErrorCode.E999);
        assertThat(AitMain.classify(new StackOverflowError())).isEqualTo(ErrorCode.E999);
        assertThat(AitMain.classify(new NoClassDefFoundError())).isEqualTo(ErrorCode.E999);
    }

    @Test
    void should_mask_secret_parameters_when_logged() {
        assertThat(AitMain.masked(Map.of("api_key", "sk-123", "top_k", "5")))
                .containsEntry("api_key", "****").containsEntry("top_k", "5");
    }

    @Test
    void should_derive_job_result_dir_when_argument_has_platform_layout() {
        assertThat(AitMain.fallbackOutputDir(Path.of("/usr/local/qai/mnt/ip/job_args/7/12")))
                .isEqualTo(Path.of("/usr/local/qai/mnt/ip/job_result/7/12"));
        assertThat(AitMain.fallbackOutputDir(Path.of("/usr/local/qai")))
                .isEqualTo(Path.of("/usr/local/qai"));
    }
}
