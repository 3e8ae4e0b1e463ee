package io.llmtestbed.ait.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.provenance.Digests;
import io.llmtestbed.ait.sdk.provenance.Provenance;
import io.llmtestbed.ait.sdk.provenance.RunRecorder;
import io.llmtestbed.ait.sdk.testait.Layout;
import io.llmtestbed.ait.sdk.testait.SampleAit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code provenance.json} as {@link AitMain} writes it, on success and on failure. */
class ProvenanceWritingTest {

    @TempDir
    Path root;

    private final PrintStream err = new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8);

    private Path csv;

    private Path input(Map<String, String> params) throws Exception {
        csv = SampleAit.writeSampleCsv(root.resolve("inventory/answers"));
        return Layout.writeInput(root, 3, 5, Map.of("answers", List.of(csv)), params);
    }

    private Path outputDir() {
        return root.resolve("mnt/ip/job_result/3/5");
    }

    private JsonNode provenance() throws Exception {
        Path file = outputDir().resolve("downloads/Provenance/provenance.json");
        assertThat(file).as("provenance.json of the run").isRegularFile();
        return JsonFormat.MAPPER.readTree(file.toFile());
    }

    @Test
    void should_record_ait_inputs_parameters_and_measures_when_run_succeeds() throws Exception {
        Path in = input(Map.of("threshold", "0.8"));

        AitMain.execute(new SampleAit(), new String[] {in.toString()}, err);

        JsonNode p = provenance();
        assertThat(p.path("format").asText()).isEqualTo(RunRecorder.FORMAT);
        assertThat(p.path("ait").path("name").asText()).isEqualTo("eval_sample_csv_accuracy");
        assertThat(p.path("ait").path("version").asText()).isEqualTo("0.1");
        assertThat(p.path("job").path("job_id").asText()).isEqualTo("3");
        assertThat(p.path("result").path("status").asText()).isEqualTo("Result");
        assertThat(p.path("result").path("error_code").isNull()).isTrue();
        assertThat(p.path("input").path("sha256").asText())
                .isEqualTo(Digests.sha256(in.resolve("ait.input.json")));
        JsonNode inv = p.path("inventories").get(0);
        assertThat(inv.path("name").asText()).isEqualTo("answers");
        assertThat(inv.path("files").get(0).path("sha256").asText())
                .as("sha256 of the CSV bytes").isEqualTo(Digests.sha256(csv))
                .hasSize(64);
        assertThat(p.path("parameters").path("threshold").asText()).isEqualTo("0.8");
        assertThat(p.path("parameters").path("fail_with").asText()).isEqualTo("none");
        assertThat(p.path("parameters_from_default")).extracting(JsonNode::asText)
                .containsExactly("fail_with");
        assertThat(p.path("measures").path("accuracy").asText()).isEqualTo("0.75");
        assertThat(p.path("measures").path("row_correct").asText()).isEqualTo("1,1,1,0");
        assertThat(p.path("launch").isObject()).isTrue();
        assertThat(p.path("started").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*[+-]\\d{4}");
        assertThat(p.path("git").path("source").asText()).isNotBlank();
        JsonNode evidence = p.path("guideline_evidence");
        assertThat(evidence.path("unmapped_measures")).as("the sample AIT is not in the mapping")
                .extracting(JsonNode::asText).containsExactly("accuracy", "passed",
                        "row_correct");
    }

    @Test
    void should_list_provenance_and_egress_downloads_when_run_succeeds() throws Exception {
        AitMain.execute(new SampleAit(), new String[] {input(Map.of()).toString()}, err);

        JsonNode output = JsonFormat.MAPPER.readTree(outputDir().resolve("ait.output.json")
                .toFile());
        assertThat(output.path("Result").path("Downloads")).extracting(n -> n.path("Name")
                .asText()).containsExactly("rows", "Log", "Provenance", "EgressAudit");
        assertThat(outputDir().resolve("downloads/EgressAudit/egress_audit.jsonl")).exists();
    }

    @Test
    void should_write_provenance_with_error_code_when_parameter_is_rejected() throws Exception {
        Path in = input(Map.of("threshold", "high"));

        AitMain.execute(new SampleAit(), new String[] {in.toString()}, err);

        JsonNode p = provenance();
        assertThat(p.path("result").path("status").asText()).isEqualTo("Error");
        assertThat(p.path("result").path("error_code").asText()).isEqualTo("E102");
        assertThat(p.path("result").path("error").asText())
                .contains("parameter 'threshold' (float) has value 'high'");
        assertThat(p.path("ait").path("name").asText()).isEqualTo("eval_sample_csv_accuracy");
        assertThat(p.path("inventories").get(0).path("files").get(0).path("sha256").asText())
                .as("inventories are digested even when the input is rejected")
                .isEqualTo(Digests.sha256(csv));
        assertThat(p.path("parameters").path("threshold").asText()).isEqualTo("high");
        assertThat(p.path("measures").isEmpty()).isTrue();
    }

    @Test
    void should_write_provenance_next_to_error_output_when_input_file_is_missing()
            throws Exception {
        Path in = Files.createDirectories(root.resolve("mnt/ip/job_args/3/5"));

        AitMain.execute(new SampleAit(), new String[] {in.toString()}, err);

        JsonNode p = provenance();
        assertThat(p.path("result").path("error_code").asText()).isEqualTo("E102");
        assertThat(p.path("result").path("error").asText()).contains("ait.input.json not found");
        assertThat(p.path("input").path("sha256").isNull()).isTrue();
        assertThat(p.path("ait").path("name").asText()).isEqualTo("unknown");
    }

    @Test
    void should_record_what_the_ait_reports_when_it_uses_the_provenance_api() throws Exception {
        Path in = input(Map.of());
        Ait ait = new RecordingAit();

        AitMain.execute(ait, new String[] {in.toString()}, err);

        JsonNode p = provenance();
        assertThat(p.path("mlflow").path("runs_read").get(0).path("tracking_uri").asText())
                .as("credentials are removed from the tracking URI")
                .isEqualTo("http://127.0.0.1:5055");
        assertThat(p.path("mlflow").path("runs_read").get(0).path("run_id").asText())
                .isEqualTo("r1");
        assertThat(p.path("mlflow").path("table_digests").path("r1").asText()).isEqualTo("ab12");
        assertThat(p.path("llm").get(0).path("describe").asText())
                .isEqualTo("openai http://127.0.0.1:9/v1 model m");
        assertThat(p.path("llm").get(0).path("generation_settings").path("temperature")
                .asDouble()).isZero();
        assertThat(p.path("search").get(0).path("backend").asText()).isEqualTo("lucene");
        assertThat(p.path("cache").get(0).path("digest").asText()).isEqualTo("c0ffee");
        assertThat(p.path("attributes").path("llm.calls").asInt()).isEqualTo(7);
        assertThat(p.path("egress").path("total").path("calls").asLong())
                .as("egress summary of this run only").isEqualTo(1);
        assertThat(p.path("egress").path("by_purpose").has("test.call")).isTrue();
        String audit = Files.readString(outputDir().resolve(
                "downloads/EgressAudit/egress_audit.jsonl"));
        assertThat(audit.lines()).singleElement().asString().contains("\"purpose\":\"test.call\"");
        assertThat(Provenance.current()).as("cleared after the run").isEmpty();
    }

    /** The sample AIT plus calls of every Provenance method. */
    private static final class RecordingAit implements Ait {

        private final SampleAit delegate = new SampleAit();

        @Override
        public io.llmtestbed.ait.sdk.manifest.Manifest manifest() {
            return delegate.manifest();
        }

        @Override
        public void run(AitContext ctx) throws Exception {
            Provenance p = ctx.provenance();
            assertThat(Provenance.current()).containsSame(p);
            assertThat(p.mlflowTags()).containsEntry("testbed.provenance.ait",
                    "eval_sample_csv_accuracy").containsEntry("testbed.provenance.job", "3/5");
            p.mlflowRun("http://user:secret@127.0.0.1:5055", "0", "r1");
            p.tableDigest("r1", "ab12");
            p.llm("openai http://127.0.0.1:9/v1 model m", Map.of("temperature", 0.0));
            p.search("lucene", "idx1");
            p.cache(Path.of("/tmp/cache"), "c0ffee");
            p.attribute("llm.calls", 7);
            EgressAudit.global().record(Instant.now(), "127.0.0.1", "test.call", 10, 20, 200);
            delegate.run(ctx);
        }
    }
}
