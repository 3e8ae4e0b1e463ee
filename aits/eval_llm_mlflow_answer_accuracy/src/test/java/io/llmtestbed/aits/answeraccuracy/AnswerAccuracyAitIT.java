package io.llmtestbed.aits.answeraccuracy;

import static io.llmtestbed.aits.answeraccuracy.AccuracyFixtures.DEMO_COLUMNS;
import static io.llmtestbed.aits.answeraccuracy.AccuracyFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.runner.LocalRun;
import io.llmtestbed.ait.sdk.runner.LocalRunner;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import io.llmtestbed.ait.sdk.testing.LocalStack;
import io.llmtestbed.ait.sdk.testing.MlflowTestRuns;
import io.llmtestbed.ait.sdk.testing.MlflowTestRuns.CreatedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the real local stack (PostgreSQL + S3Mock + MLflow server): logs two evaluation runs
 * the way mlflow.evaluate leaves them, runs the packaged AIT jar through the SDK's LocalRunner
 * with a run-reference inventory, and checks the measures and the write-back over REST.
 */
@ExtendWith(LocalStack.class)
class AnswerAccuracyAitIT {
  private static final Path JAR = Path.of(System.getProperty("user.dir"))
      .resolve("target/eval_llm_mlflow_answer_accuracy.jar");

  @TempDir Path tmp;

  @Test
  void should_measure_runs_and_write_results_back_when_runs_live_on_the_tracking_server()
      throws Exception {
    MlflowTestRuns mlflow = new MlflowTestRuns(LocalStack.trackingUri());
    String experiment = mlflow.createExperiment("answer-accuracy-it");
    // Run A: 3 of 4 exact; run B: 1 of 4 (row 4 of B is null and counts as wrong).
    CreatedRun a = logRun(mlflow, experiment, "model-a", List.of(
        row("1", "math", "4", "4", 8.0), row("2", "math", "Tokyo", "Tokyo", 9.0),
        row("3", "writing", "東京は日本の首都です", "東京は日本の首都です", 9.0),
        row("4", "writing", "the cat sat", "a cat sat", 6.0)));
    CreatedRun b = logRun(mlflow, experiment, "model-b", List.of(
        row("1", "math", "4", "4", 8.0), row("2", "math", "Tokyo", "Kyoto", 2.0),
        row("3", "writing", "東京は日本の首都です", "日本の首都は東京です", 5.0),
        row("4", "writing", "the cat sat", null, null)));
    Path reference = tmp.resolve("runs.json");
    Files.writeString(reference, "{\"tracking_uri\": \"" + LocalStack.trackingUri()
        + "\", \"run_ids\": [\"" + a.runId() + "\", \"" + b.runId() + "\"]}");

    LocalRun run = LocalRunner.run(new LocalRunner.Request(JAR, null, null,
        Map.of(AnswerAccuracyAit.INVENTORY, List.of(reference)), Map.of("bootstrap_samples",
            "500"), tmp.resolve("qai"), null, null, Duration.ofMinutes(5)));

    assertThat(run.succeeded()).as("AIT output: %s; stderr: %s", run.output(), run.stderr())
        .isTrue();
    Map<String, String> measures = new HashMap<>();
    run.measures().forEach(m -> measures.put(m.name(), m.value()));
    assertThat(measures.get("exact_match")).isEqualTo("0.75,0.25");
    assertThat(measures.get("rows_scored")).isEqualTo("4,4");
    assertThat(measures.get("null_predictions")).isEqualTo("0,1");
    assertThat(Double.parseDouble(measures.get("exact_match_diff"))).isEqualTo(0.5);
    assertThat(measures.get("judge_score_mean")).isEqualTo("8.0,5.0");

    JsonNode runA = mlflow.getRun(a.runId());
    Map<String, Double> metrics = new HashMap<>();
    runA.path("data").path("metrics").forEach(m -> metrics.put(m.path("key").asText(),
        m.path("value").asDouble()));
    assertThat(metrics).containsEntry("answer_accuracy/exact_match/mean", 0.75)
        .containsKeys("answer_accuracy/exact_match/ci_lower",
            "answer_accuracy/exact_match/ci_upper", "answer_accuracy/rouge_l_ja/mean",
            "answer_accuracy/judge_score_mean/mean")
        .containsEntry("answer_accuracy/rows_scored", 4.0)
        .containsEntry("answer_accuracy/rows_truncated", 0.0);
    assertThat(metrics.get("answer_accuracy/exact_match/ci_lower")).isLessThan(0.75);
    // Row 4: tokens "the cat sat" vs "a cat sat": 2 of 3 → F = 2/3; others 1 → mean 11/12.
    assertThat(metrics.get("answer_accuracy/rouge_l/mean")).isCloseTo(
        (1 + 1 + 0 + 2.0 / 3) / 4, within(1e-12));
    Map<String, String> tags = new HashMap<>();
    runA.path("data").path("tags").forEach(t -> tags.put(t.path("key").asText(),
        t.path("value").asText()));
    assertThat(tags).containsEntry("answer_accuracy.ait_version", "0.1")
        .containsKey("answer_accuracy.evaluated_at");
    assertThat(tags.get("mlflow.loggedArtifacts")).contains("eval_results_table.json")
        .contains(WriteBack.TABLE_ARTIFACT);
    JsonNode table = AitHarness.JSON.readTree(mlflow.download(b, WriteBack.TABLE_ARTIFACT));
    assertThat(table.path("columns").toString()).contains("rouge_l_ja", "null_prediction");
    assertThat(table.path("data")).hasSize(4);
  }

  @Test
  void should_report_e102_naming_the_run_when_run_id_is_unknown() throws Exception {
    Path reference = tmp.resolve("runs.json");
    String unknown = "f".repeat(32);
    Files.writeString(reference, "{\"tracking_uri\": \"" + LocalStack.trackingUri()
        + "\", \"run_ids\": [\"" + unknown + "\"]}");

    LocalRun run = LocalRunner.run(new LocalRunner.Request(JAR, null, null,
        Map.of(AnswerAccuracyAit.INVENTORY, List.of(reference)), Map.of(), tmp.resolve("qai"),
        null, null, Duration.ofMinutes(2)));

    assertThat(run.exitStatus()).isZero();
    assertThat(run.errorCode()).contains("E102");
    assertThat(run.errorDetail().orElseThrow()).contains(unknown);
    assertThat(run.stderr().strip().lines().filter(l -> l.startsWith("ait: ")).count())
        .isEqualTo(1);
  }

  private static CreatedRun logRun(MlflowTestRuns mlflow, String experiment, String name,
      List<List<Object>> rows) {
    CreatedRun run = mlflow.createRun(experiment, name, Map.of("testbed.model_id", name),
        Map.of(), Map.of("exact_match/v1", 0.0));
    mlflow.logTable(run, "eval_results_table.json", DEMO_COLUMNS, rows);
    mlflow.finish(run.runId());
    return run;
  }
}
