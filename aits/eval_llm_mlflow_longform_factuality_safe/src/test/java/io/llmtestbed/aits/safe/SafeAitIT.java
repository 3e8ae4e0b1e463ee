package io.llmtestbed.aits.safe;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the real local stack: logs a FActScore-annotated run and a plain run, runs the AIT jar
 * through the SDK's LocalRunner with a scripted LLM and a local collection, and checks the
 * measures and the write-back (metrics, tags, table artifact) over REST.
 */
@ExtendWith(LocalStack.class)
class SafeAitIT {
  private static final Path JAR = Path.of(System.getProperty("user.dir"))
      .resolve("target/eval_llm_mlflow_longform_factuality_safe.jar");

  @TempDir
  Path tmp;

  @Test
  void should_score_runs_and_write_safe_metrics_and_table_back_when_runs_are_on_the_server()
      throws Exception {
    try (SafeWorld world = new SafeWorld()) {
      world.splits.put("Ada Lovelace was born in London in 1815.",
          List.of("Ada Lovelace was born in London.", "Ada Lovelace was born in 1815."));
      world.verdicts.put("Ada Lovelace was born in London.", "S");
      world.verdicts.put("Ada Lovelace was born in 1815.", "S");
      world.install();
      MlflowTestRuns mlflow = new MlflowTestRuns(LocalStack.trackingUri());
      String experiment = mlflow.createExperiment("safe-it");
      CreatedRun plain = mlflow.createRun(experiment, "plain", Map.of(), Map.of(), Map.of());
      mlflow.logTable(plain, "eval_results_table.json", List.of("question_id", "inputs",
          "outputs"), List.of(List.of("1", "Tell me a bio of Ada Lovelace.",
              "Ada Lovelace was born in London in 1815. She owned a red bicycle.")));
      mlflow.finish(plain.runId());
      CreatedRun human = mlflow.createRun(experiment, "human", Map.of(), Map.of(), Map.of());
      String annotations = "[{\"text\": \"Ada Lovelace was born in London in 1815.\", "
          + "\"is-relevant\": true, \"human-atomic-facts\": [{\"text\": \"Ada Lovelace was "
          + "born in London.\", \"label\": \"S\"}, {\"text\": \"Ada Lovelace was born in 1815.\","
          + " \"label\": \"NS\"}]}]";
      mlflow.logTable(human, "eval_results_table.json", SafeFixtures.FACTSCORE_COLUMNS, List.of(
          Arrays.asList("1", "Tell me a bio of Ada Lovelace.",
              "Ada Lovelace was born in London in 1815.", "Ada Lovelace", "[]", annotations),
          Arrays.asList("2", "Tell me a bio of X.", "I do not know.", "X", "[]", null)));
      mlflow.finish(human.runId());
      Path reference = tmp.resolve("runs.json");
      Files.writeString(reference, "{\"tracking_uri\": \"" + LocalStack.trackingUri()
          + "\", \"run_ids\": [\"" + plain.runId() + "\", \"" + human.runId() + "\"]}");
      Path docs = tmp.resolve("docs.jsonl");
      Files.writeString(docs, "{\"title\": \"Ada Lovelace\", \"text\": \"Ada Lovelace was born "
          + "in London in 1815.\"}\n");

      LocalRun run = LocalRunner.run(new LocalRunner.Request(JAR, null, null,
          Map.of(SafeAit.RUNS, List.of(reference), SafeAit.COLLECTION, List.of(docs)),
          Map.of("llm_base_url", world.server.baseUrl(), "llm_model", "scripted-model",
              "bootstrap_samples", "200"), tmp.resolve("qai"), null, null,
          Duration.ofMinutes(3)));

      assertThat(run.succeeded()).as("AIT output: %s; stderr: %s", run.output(), run.stderr())
          .isTrue();
      Map<String, String> measures = new HashMap<>();
      run.measures().forEach(m -> measures.put(m.name(), m.value()));
      assertThat(measures.get("precision")).isEqualTo("0.6666666666666666,1.0");
      // human labels exist for run 2 only: left out of ait.output.json, present in MLflow
      assertThat(measures).doesNotContainKeys("human_precision", "agreement", "abstained");

      Map<String, Double> metrics = metrics(mlflow.getRun(plain.runId()));
      assertThat(metrics).containsEntry("safe_factuality/precision/mean", 2.0 / 3)
          .containsEntry("safe_factuality/f1_at_64/mean",
              io.llmtestbed.aits.safe.pipeline.F1AtK.f1(2, 1, 64))
          .containsKeys("safe_factuality/f1_at_178/mean", "safe_factuality/recall_at_64/mean",
              "safe_factuality/unrated_share", "safe_factuality/llm_calls_per_fact");
      Map<String, Double> humanMetrics = metrics(mlflow.getRun(human.runId()));
      assertThat(humanMetrics).containsEntry("safe_factuality/human_precision/mean", 0.5)
          .containsEntry("safe_factuality/agreement/mean", 0.5)
          .containsEntry("safe_factuality/abstained", 1.0);
      JsonNode tags = mlflow.getRun(human.runId()).path("data").path("tags");
      Map<String, String> t = new HashMap<>();
      tags.forEach(x -> t.put(x.path("key").asText(), x.path("value").asText()));
      assertThat(t).containsEntry("safe_factuality.mode", "human")
          .containsEntry("safe_factuality.ait_version", SafeAit.VERSION);
      assertThat(t.get("mlflow.loggedArtifacts")).contains(WriteBack.TABLE_ARTIFACT);
      JsonNode table = AitHarness.JSON.readTree(mlflow.download(human, WriteBack.TABLE_ARTIFACT));
      assertThat(table.path("columns").toString()).contains("human_precision", "f1_at_k");
      assertThat(table.path("data")).hasSize(2);
    }
  }

  private static Map<String, Double> metrics(JsonNode run) {
    Map<String, Double> out = new HashMap<>();
    run.path("data").path("metrics").forEach(m -> out.put(m.path("key").asText(),
        m.path("value").asDouble()));
    return out;
  }
}
