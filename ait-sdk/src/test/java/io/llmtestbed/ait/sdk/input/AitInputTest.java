package io.llmtestbed.ait.sdk.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import io.llmtestbed.ait.sdk.testait.Layout;
import io.llmtestbed.ait.sdk.testait.SampleAit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AitInputTest {

    @TempDir
    Path root;

    private final Manifest manifest = new SampleAit().manifest();

    private Path csv() throws Exception {
        return SampleAit.writeSampleCsv(root.resolve("inventory/answers"));
    }

    private static void assertE102(ThrowingCallable call, String... fragments) {
        assertThatThrownBy(call).isInstanceOf(AitException.class)
                .satisfies(e -> assertThat(((AitException) e).code()).isEqualTo(ErrorCode.E102))
                .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
    }

    @Test
    void should_resolve_paths_ids_and_defaults_when_input_valid() throws Exception {
        Path dir = Layout.writeInput(root, 7, 12, Map.of("answers", List.of(csv())),
                Map.of("threshold", "0.75"));

        AitInput in = AitInput.read(dir);
        ResolvedInput r = in.resolve(manifest);

        assertThat(in.jobId()).isEqualTo("7");
        assertThat(in.runId()).isEqualTo("12");
        assertThat(in.outputDir()).isEqualTo(root.resolve("mnt/ip/job_result/7/12"));
        assertThat(r.inventory("answers")).containsExactly(csv());
        assertThat(r.parameters().getDouble("threshold")).isEqualTo(0.75);
        assertThat(r.parameters().getString("fail_with")).as("default_val").isEqualTo("none");
    }

    @Test
    void should_report_missing_file_when_no_ait_input_json() {
        Path dir = root.resolve("mnt/ip/job_args/1/1");

        assertE102(() -> AitInput.read(dir), "ait.input.json not found",
                "the directory " + dir + " does not exist", "LocalRunner");
    }

    @Test
    void should_report_line_and_column_when_json_malformed() throws Exception {
        Path dir = Files.createDirectories(root.resolve("args"));
        Files.writeString(dir.resolve("ait.input.json"),
                "{\n  \"run_id\": 1,\n  \"job_id\": 1\n  \"Inventories\": []\n}");

        assertE102(() -> AitInput.read(dir), "is not well-formed JSON at line 4, column 3", "was expecting comma");
    }

    @Test
    void should_report_missing_mount_path_when_key_absent() throws Exception {
        Path dir = Files.createDirectories(root.resolve("args"));
        Files.writeString(dir.resolve("ait.input.json"), "{\"run_id\": 1, \"job_id\": 1}");

        assertE102(() -> AitInput.read(dir),
                "testbed_mount_volume_path must be a non-empty string", "(missing)");
    }

    @Test
    void should_report_unknown_inventory_when_manifest_does_not_declare_it() throws Exception {
        Path dir = Layout.writeInput(root, 1, 1, Map.of("answers", List.of(csv()),
                "answerz", List.of(csv())), Map.of());

        assertE102(() -> AitInput.read(dir).resolve(manifest),
                "inventory 'answerz' is not an inventory of AIT eval_sample_csv_accuracy",
                "its inventories are answers");
    }

    @Test
    void should_report_missing_inventory_when_input_lacks_it() throws Exception {
        Path dir = Layout.writeInput(root, 1, 1, Map.of(), Map.of());

        assertE102(() -> AitInput.read(dir).resolve(manifest),
                "inventory 'answers' (dataset, format [csv]) is missing from Inventories");
    }

    @Test
    void should_report_path_when_inventory_file_missing() throws Exception {
        Path gone = root.resolve("inventory/answers/gone.csv");
        Path dir = Layout.writeInput(root, 1, 1, Map.of("answers", List.of(gone)), Map.of());

        assertE102(() -> AitInput.read(dir).resolve(manifest),
                "inventory 'answers' file " + gone + " does not exist");
    }

    @Test
    void should_report_value_and_type_when_parameter_not_castable() throws Exception {
        Path dir = Layout.writeInput(root, 1, 1, Map.of("answers", List.of(csv())),
                Map.of("threshold", "high"));

        assertE102(() -> AitInput.read(dir).resolve(manifest),
                "parameter 'threshold' (float) has value 'high' from ait.input.json MethodParams",
                "'high' is not a float");
    }

    @Test
    void should_report_bound_when_parameter_above_max() throws Exception {
        Path dir = Layout.writeInput(root, 1, 1, Map.of("answers", List.of(csv())),
                Map.of("threshold", "1.5"));

        assertE102(() -> AitInput.read(dir).resolve(manifest),
                "parameter 'threshold' (float) has value '1.5'", "above its max '1'",
                "pass a value in [0, 1]");
    }

    @Test
    void should_report_unknown_parameter_when_manifest_does_not_declare_it() throws Exception {
        Path dir = Layout.writeInput(root, 1, 1, Map.of("answers", List.of(csv())),
                Map.of("treshold", "0.5"));

        assertE102(() -> AitInput.read(dir).resolve(manifest),
                "parameter 'treshold' is not a parameter", "threshold, fail_with");
    }

    @Test
    void should_accept_string_job_id_and_list_value_when_written_by_other_tools()
            throws Exception {
        Path dir = Files.createDirectories(root.resolve("args"));
        Path a = csv();
        Files.writeString(dir.resolve("ait.input.json"), """
                {"testbed_mount_volume_path": "%s", "run_id": "-", "job_id": "-",
                 "Inventories": [{"Name": "answers", "Value": ["%s", "%s"]}],
                 "MethodParams": []}
                """.formatted(root.resolve("mnt"), a, a));

        AitInput in = AitInput.read(dir);

        assertThat(in.jobId()).isEqualTo("-");
        assertThat(in.inventories().get("answers")).hasSize(2);
        assertThat(in.outputDir()).isEqualTo(root.resolve("mnt/ip/job_result/-/-"));
    }

    @Test
    void should_reject_path_like_run_id_when_it_would_escape_output_dir() throws Exception {
        Path dir = Files.createDirectories(root.resolve("args"));
        Files.writeString(dir.resolve("ait.input.json"),
                "{\"testbed_mount_volume_path\": \"/m\", \"run_id\": \"../x\", \"job_id\": 1}");

        assertE102(() -> AitInput.read(dir), "key run_id must be an int", "\"../x\"");
    }
}
