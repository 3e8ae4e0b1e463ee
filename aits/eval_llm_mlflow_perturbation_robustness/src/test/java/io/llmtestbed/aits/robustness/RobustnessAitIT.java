package io.llmtestbed.aits.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.runner.LocalRun;
import io.llmtestbed.ait.sdk.runner.LocalRunner;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import io.llmtestbed.ait.sdk.testing.LocalStack;
import io.llmtestbed.ait.sdk.testing.MlflowTestRuns;
import io.llmtestbed.ait.sdk.testing.MlflowTestRuns.CreatedRun;
import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the real local stack (PostgreSQL + S3Mock + MLflow server), through the packaged jar
 * and the SDK's LocalRunner: passive mode on runs logged over REST, and active mode logging its
 * perturbed runs, which passive mode then reads back.
 */
@ExtendWith(LocalStack.class)
class RobustnessAitIT {
  private static final Path JAR = Path.of(System.getProperty("user.dir"))
      .resolve("target/eval_llm_mlflow_perturbation_robustness.jar");
  private static final List<String> COLUMNS = Fixtures.DEMO_COLUMNS;

  @TempDir Path tmp;

  private static CreatedRun logRun(MlflowTestRuns mlflow, String experiment, String name,
      Map<String, String> tags, List<List<Object>> rows) {
    CreatedRun run = mlflow.createRun(experiment, name, tags, Map.of(), Map.of());
    mlflow.logTable(run, "eval_results_table.json", COLUMNS, rows);
    mlflow.finish(run.runId());
    return run;
  }

  private static Map<String, Double> metrics(MlflowTestRuns mlflow, String runId) {
    Map<String, Double> metrics = new HashMap<>();
    mlflow.getRun(runId).path("data").path("metrics").forEach(m -> metrics.put(
        m.path("key").asText(), m.path("value").asDouble()));
    return metrics;
  }

  private static Map<String, String> tags(MlflowTestRuns mlflow, String runId) {
    Map<String, String> tags = new HashMap<>();
    mlflow.getRun(runId).path("data").path("tags").forEach(t -> tags.put(t.path("key").asText(),
        t.path("value").asText()));
    return tags;
  }

  private LocalRun run(Path reference, Map<String, String> params) throws Exception {
    return LocalRunner.run(new LocalRunner.Request(JAR, null, null,
        Map.of(RobustnessAit.INVENTORY, List.of(reference)), params, tmp.resolve("qai"), null,
        null, Duration.ofMinutes(5)));
  }

  @Test
  void should_measure_perturbed_runs_found_by_tag_and_write_back_when_mode_is_passive()
      throws Exception {
    MlflowTestRuns mlflow = new MlflowTestRuns(LocalStack.trackingUri());
    String experiment = mlflow.createExperiment("robustness-passive-it");
    List<List<Object>> original = new ArrayList<>();
    List<List<Object>> width = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      original.add(Fixtures.row("q" + i, "math", "問題" + i, String.valueOf(i), String.valueOf(i)));
      // Under width the model got rows 1-4 wrong.
      width.add(Fixtures.row("q" + i, "math", "問題" + (char) ('０' + i % 10),
          String.valueOf(i), i <= 4 ? "x" : String.valueOf(i)));
    }
    CreatedRun orig = logRun(mlflow, experiment, "model-a", Map.of(), original);
    logRun(mlflow, experiment, "model-a-width", Map.of(Tags.ORIGINAL_RUN_ID, orig.runId(),
        Tags.PERTURBATION, "width", Tags.SEVERITY, "0.5", Tags.SEED, "42"), width);
    logRun(mlflow, experiment, "model-a-kana", Map.of(Tags.ORIGINAL_RUN_ID, orig.runId(),
        Tags.PERTURBATION, "kana"), original);
    Path reference = tmp.resolve("runs.json");
    Files.writeString(reference, "{\"tracking_uri\": \"" + LocalStack.trackingUri()
        + "\", \"run_ids\": [\"" + orig.runId() + "\"]}");

    LocalRun run = run(reference, Map.of("mode", "passive", "bootstrap_samples", "300"));

    assertThat(run.succeeded()).as("output %s; stderr %s", run.output(), run.stderr()).isTrue();
    Map<String, String> measures = new HashMap<>();
    run.measures().forEach(m -> measures.put(m.name(), m.value()));
    assertThat(measures.get("rows_measured")).isEqualTo("10,10");
    assertThat(measures.get("consistency_rate")).isEqualTo("0.6,1.0");
    assertThat(measures.get("worst_perturbation_index")).isEqualTo("1");
    Map<String, Double> m = metrics(mlflow, orig.runId());
    assertThat(m).containsEntry("robustness/width/accuracy_drop/mean", 0.4)
        .containsEntry("robustness/kana/accuracy_drop/mean", 0.0)
        .containsEntry("robustness/width/consistency_rate/mean", 0.6)
        .containsEntry("robustness/width/rows_measured", 10.0)
        .containsKeys("robustness/width/accuracy_drop/ci_lower",
            "robustness/width/consistency_rate/ci_upper", "robustness/baseline_accuracy/mean");
    assertThat(m.get("robustness/width/accuracy_drop/ci_lower")).isGreaterThan(0.0);
    Map<String, String> t = tags(mlflow, orig.runId());
    assertThat(t).containsEntry("robustness.worst_perturbation", "width")
        .containsEntry("robustness.ait_name", RobustnessAit.NAME);
    assertThat(t.get("mlflow.loggedArtifacts")).contains(WriteBack.TABLE_ARTIFACT);
    JsonNode table = AitHarness.JSON.readTree(mlflow.download(orig, WriteBack.TABLE_ARTIFACT));
    assertThat(table.path("data")).hasSize(20);
  }

  @Test
  void should_log_linked_perturbed_runs_that_passive_mode_reads_back_when_mode_is_active()
      throws Exception {
    MlflowTestRuns mlflow = new MlflowTestRuns(LocalStack.trackingUri());
    String experiment = mlflow.createExperiment("robustness-active-it");
    CreatedRun orig = logRun(mlflow, experiment, "model-b", Map.of(), ActiveModeTest.rows(12));
    Path reference = tmp.resolve("runs.json");
    Files.writeString(reference, "{\"tracking_uri\": \"" + LocalStack.trackingUri()
        + "\", \"run_ids\": [\"" + orig.runId() + "\"]}");
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      server.when(c -> ActiveModeTest.halfWidthKatakana(c.lastUserContent())).reply("わかりません");
      server.defaultReply(c -> ActiveModeTest.answer(c.lastUserContent()));

      LocalRun active = run(reference, Map.of("mode", "active", "llm_base_url",
          server.baseUrl(), "perturbations", "width,kana", "bootstrap_samples", "200"));

      assertThat(active.succeeded()).as("output %s; stderr %s", active.output(),
          active.stderr()).isTrue();
    }
    Map<String, Double> m = metrics(mlflow, orig.runId());
    assertThat(m).containsEntry("robustness/width/accuracy_drop/mean", 1.0)
        .containsEntry("robustness/kana/accuracy_drop/mean", 0.0);

    LocalRun passive = run(reference, Map.of("mode", "passive", "bootstrap_samples", "200"));

    assertThat(passive.succeeded()).as("output %s", passive.output()).isTrue();
    Map<String, String> measures = new HashMap<>();
    passive.measures().forEach(x -> measures.put(x.name(), x.value()));
    // The baseline run (perturbation=none) logged by active mode is the reference here too.
    assertThat(measures.get("accuracy_drop")).isEqualTo("1.0,0.0");
    assertThat(measures.get("rows_measured")).isEqualTo("12,12");
  }
}
