package io.llmtestbed.ait.sdk.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.mlflow.EvalTable;
import io.llmtestbed.ait.sdk.mlflow.MlflowWriteBack;
import io.llmtestbed.ait.sdk.mlflow.TrackingServer;
import io.llmtestbed.ait.sdk.mlflow.TrackingServerRunSource;
import io.llmtestbed.ait.sdk.runtime.Ait;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.runtime.AitMain;
import io.llmtestbed.ait.sdk.testait.Layout;
import io.llmtestbed.ait.sdk.testait.SampleAit;
import io.llmtestbed.ait.sdk.testing.LocalStack;
import io.llmtestbed.ait.sdk.testing.MlflowTestRuns;
import io.llmtestbed.ait.sdk.testing.MlflowTestRuns.CreatedRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the local stack: an AIT that reads a run's table and writes a metric back leaves the
 * table's digest and the run in provenance.json and the testbed.provenance.* tags on the run.
 */
@ExtendWith(LocalStack.class)
class ProvenanceTagsIT {

    private static final List<String> COLUMNS = List.of("inputs", "ground_truth", "outputs");

    @TempDir
    Path root;

    @Test
    void should_tag_run_and_record_table_digest_when_ait_writes_back() throws Exception {
        MlflowTestRuns rest = new MlflowTestRuns(LocalStack.trackingUri());
        String experiment = rest.createExperiment("provenance-it");
        CreatedRun run = rest.createRun(experiment, "candidate", Map.of(), Map.of(), Map.of());
        rest.logTable(run, EvalTable.DEFAULT_ARTIFACT, COLUMNS,
                List.of(List.of("2+2", "4", "4"), List.of("capital", "東京", "大阪")));
        rest.finish(run.runId());
        byte[] table = rest.download(run, EvalTable.DEFAULT_ARTIFACT);
        Path csv = SampleAit.writeSampleCsv(root.resolve("inventory/answers"));
        Path in = Layout.writeInput(root, 7, 9, Map.of("answers", List.of(csv)), Map.of());

        AitMain.execute(new WriteBackAit(run.runId()), new String[] {in.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        JsonNode p = JsonFormat.MAPPER.readTree(root.resolve(
                "mnt/ip/job_result/7/9/downloads/Provenance/provenance.json").toFile());
        assertThat(p.path("result").path("status").asText()).as(p.toString())
                .isEqualTo("Result");
        assertThat(p.path("mlflow").path("table_digests").path(run.runId()).asText())
                .as("sha256 of the artifact bytes as the server holds them")
                .isEqualTo(Digests.sha256Bytes(table));
        JsonNode read = p.path("mlflow").path("runs_read").get(0);
        assertThat(read.path("tracking_uri").asText()).startsWith("http://127.0.0.1:");
        assertThat(read.path("experiment_id").asText()).isEqualTo(experiment);
        Map<String, String> tags = new HashMap<>();
        rest.getRun(run.runId()).path("data").path("tags").forEach(t -> tags.put(
                t.path("key").asText(), t.path("value").asText()));
        assertThat(tags).containsEntry("testbed.provenance.ait", "eval_sample_csv_accuracy")
                .containsEntry("testbed.provenance.ait_version", "0.1")
                .containsEntry("testbed.provenance.job", "7/9")
                .containsEntry("testbed.provenance.input_digest", p.path("inputs_digest")
                        .asText())
                .containsEntry("testbed.provenance.started", p.path("started").asText())
                .containsKey("testbed.provenance.git_commit");
    }

    /** Reads the run's table through the digesting opener and logs one metric back. */
    private static final class WriteBackAit implements Ait {

        private final String runId;

        WriteBackAit(String runId) {
            this.runId = runId;
        }

        @Override
        public Manifest manifest() {
            return new SampleAit().manifest();
        }

        @Override
        public void run(AitContext ctx) throws Exception {
            TrackingServer server = TrackingServer.connect(LocalStack.trackingUri());
            TrackingServerRunSource source = server.run(runId);
            long rows;
            try (EvalTable t = RunSources.openDigested(ctx.provenance(), source)) {
                rows = t.rows().count();
            }
            MlflowWriteBack.to(source).logMetrics(Map.of("provenance_it/rows", (double) rows));
            new SampleAit().run(ctx);
        }
    }
}
