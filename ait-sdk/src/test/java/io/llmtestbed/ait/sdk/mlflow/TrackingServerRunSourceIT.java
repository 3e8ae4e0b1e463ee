package io.llmtestbed.ait.sdk.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbed.ait.sdk.report.BarChart;
import io.llmtestbed.ait.sdk.report.CsvWriter;
import io.llmtestbed.ait.sdk.testing.LocalStack;
import io.llmtestbed.ait.sdk.testing.MlflowTestRuns;
import io.llmtestbed.ait.sdk.testing.MlflowTestRuns.CreatedRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads, exports and writes back runs on the real local stack (MLflow server with PostgreSQL and
 * S3Mock behind the artifact proxy). Each test class run creates its own experiment.
 */
@ExtendWith(LocalStack.class)
class TrackingServerRunSourceIT {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> COLUMNS = List.of("question_id", "category", "inputs",
      "ground_truth", "outputs", "judge_score", "exact_match/v1/score");

  private static MlflowTestRuns rest;
  private static TrackingServer server;
  private static String experimentId;
  private static String experimentName;
  private static CreatedRun run;
  private static CreatedRun failedRun;

  @TempDir
  Path dir;

  @BeforeAll
  static void logAnEvaluationRun() {
    rest = new MlflowTestRuns(LocalStack.trackingUri());
    server = TrackingServer.connect(LocalStack.trackingUri());
    experimentId = rest.createExperiment("ait-sdk-it");
    experimentName = rest.experimentName(experimentId);
    run = rest.createRun(experimentId, "gpt-4o-mini", Map.of("testbed.model_id", "gpt-4o-mini",
        "testbed.dataset", "japanese-mt-bench"), Map.of("judge", "gpt-4"),
        Map.of("exact_match/v1", 0.5, "judge_score/mean", 6.25));
    List<List<Object>> rows = new ArrayList<>();
    rows.add(Arrays.asList("q1", "math", "1+1は？", "2", "2", 9.0, 1));
    rows.add(Arrays.asList("q2", "writing", "春の俳句を詠んでください。", null, "古池や…", 3.5, 0));
    rows.add(Arrays.asList("q3", "roleplay", "あなたは案内係です。", "ようこそ", null, null, 0));
    rows.add(Arrays.asList("q4", "stem", "水の化学式は？", "H2O", "H₂O, \"water\"", 8, 0));
    rest.logTable(run, "eval_results_table.json", COLUMNS, rows);
    rest.upload(run, "extra/notes.txt", "メモ".getBytes(StandardCharsets.UTF_8));
    rest.finish(run.runId());
    // runs an experiment reference must skip: they have no eval table
    failedRun = rest.createRun(experimentId, "crashed-eval", Map.of(), Map.of(), Map.of());
    rest.setStatus(failedRun.runId(), "FAILED");
    rest.createRun(experimentId, "still-running", Map.of(), Map.of(), Map.of());
  }

  @Test
  void should_read_metadata_and_stream_table_when_run_is_on_server() {
    TrackingServerRunSource source = server.run(run.runId());

    assertThat(source.run().runName()).isEqualTo("gpt-4o-mini");
    assertThat(source.run().experimentId()).isEqualTo(experimentId);
    assertThat(source.run().status()).isEqualTo("FINISHED");
    assertThat(source.run().artifactUri()).startsWith("mlflow-artifacts:/");
    assertThat(source.metrics()).containsEntry("exact_match/v1", 0.5)
        .containsEntry("judge_score/mean", 6.25);
    assertThat(source.params()).containsEntry("judge", "gpt-4");
    assertThat(source.tags()).containsEntry("testbed.dataset", "japanese-mt-bench")
        .containsKey("mlflow.loggedArtifacts");
    assertThat(source.listAllArtifacts()).extracting(ArtifactEntry::path)
        .containsExactly("eval_results_table.json", "extra/notes.txt");
    try (EvalTable table = source.evalTable()) {
      List<EvalRow> rows = table.requireColumns("inputs", "outputs", "ground_truth").rows()
          .toList();
      assertThat(table.columns()).isEqualTo(COLUMNS);
      assertThat(rows).extracting(r -> r.string("inputs")).containsExactly("1+1は？",
          "春の俳句を詠んでください。", "あなたは案内係です。", "水の化学式は？");
      assertThat(rows.get(1).string("ground_truth")).isNull();
      assertThat(rows.get(2).number("judge_score")).isNull();
      assertThat(rows.get(3).string("outputs")).isEqualTo("H₂O, \"water\"");
      assertThat(rows.get(0).number("exact_match/v1/score")).isEqualTo(1.0);
    }
  }

  @Test
  void should_read_the_same_run_when_exported_and_opened_offline() throws IOException {
    Path out = dir.resolve("export");

    ExportedRunDirectory exported = RunExporter.export(server, run.runId(), out);

    TrackingServerRunSource live = server.run(run.runId());
    assertThat(exported.run()).isEqualTo(live.run());
    assertThat(exported.metrics()).isEqualTo(live.metrics());
    assertThat(exported.tags()).isEqualTo(live.tags());
    assertThat(exported.listAllArtifacts()).extracting(ArtifactEntry::path)
        .containsExactly("eval_results_table.json", "extra/notes.txt");
    assertThat(Files.readString(out.resolve("artifacts/extra/notes.txt"))).isEqualTo("メモ");
    assertThat(MAPPER.readTree(out.resolve("run.json").toFile()).path("run").path("info")
        .path("run_id").asText()).isEqualTo(run.runId());
    assertThat(readAll(exported)).isEqualTo(readAll(live));
    assertThat(RunReference.resolve(out, TrackingCredentials.NONE, null)).singleElement()
        .extracting(r -> r.run().runId()).isEqualTo(run.runId());
  }

  @Test
  void should_export_through_the_command_line() {
    Path out = dir.resolve("cli");
    StringWriter stdout = new StringWriter();

    int status = RunExporter.commandLine().setOut(new PrintWriter(stdout))
        .execute("--tracking-uri", LocalStack.trackingUri(), "--run-id", run.runId(), "--out",
            out.toString());

    assertThat(status).isZero();
    assertThat(stdout.toString()).startsWith("exported run " + run.runId()
        + " 'gpt-4o-mini' in " + out + " (2 artifact files)");
    assertThat(out.resolve("artifacts/eval_results_table.json")).isRegularFile();
  }

  @Test
  void should_resolve_run_references_by_id_and_by_experiment_and_name() throws IOException {
    Path byId = Files.writeString(dir.resolve("by-id.json"), "{\"tracking_uri\": \""
        + LocalStack.trackingUri() + "\", \"run_ids\": [\"" + run.runId() + "\"]}");
    Path byName = Files.writeString(dir.resolve("by-name.json"), "{\"tracking_uri\": \""
        + LocalStack.trackingUri() + "\", \"experiment_name\": \"" + experimentName + "\", "
        + "\"run_names\": [\"gpt-4o-mini\"]}");
    Path wholeExperiment = Files.writeString(dir.resolve("all.json"), "{\"tracking_uri\": \""
        + LocalStack.trackingUri() + "\", \"experiment_name\": \"" + experimentName + "\"}");
    Path wrongName = Files.writeString(dir.resolve("wrong.json"), "{\"experiment_name\": \""
        + experimentName + "\", \"run_names\": [\"gpt-5\"]}");

    assertThat(RunReference.resolve(byId, TrackingCredentials.NONE, null)).singleElement()
        .extracting(r -> r.run().runName()).isEqualTo("gpt-4o-mini");
    assertThat(RunReference.resolve(byName, TrackingCredentials.NONE, null)).singleElement()
        .extracting(r -> r.run().runId()).isEqualTo(run.runId());
    assertThat(RunReference.resolve(wholeExperiment, TrackingCredentials.NONE, null))
        .extracting(r -> r.run().runName()).containsExactly("gpt-4o-mini");
    assertThatThrownBy(() -> RunReference.resolve(wrongName, TrackingCredentials.NONE,
        LocalStack.trackingUri()))
        .hasMessage("run reference " + wrongName + ", field 'run_names': experiment '"
            + experimentName + "' has no active run named 'gpt-5' with status FINISHED; run "
            + "names present: [gpt-4o-mini]. Fix: correct the name, list the status in "
            + "'run_statuses', or use 'run_ids'");
  }

  /** Formatted records ("LEVEL message") that {@code owner}'s logger emits while it runs. */
  private static List<String> captureLogs(Class<?> owner, Runnable action) {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger(owner);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> list =
        new ch.qos.logback.core.read.ListAppender<>();
    list.start();
    logger.addAppender(list);
    try {
      action.run();
    } finally {
      logger.detachAppender(list);
    }
    return list.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  @Test
  void should_take_only_finished_runs_when_experiment_has_failed_and_running_ones()
      throws IOException {
    Path whole = Files.writeString(dir.resolve("all.json"), "{\"tracking_uri\": \""
        + LocalStack.trackingUri() + "\", \"experiment_name\": \"" + experimentName + "\"}");
    Path crashed = Files.writeString(dir.resolve("crashed.json"), "{\"tracking_uri\": \""
        + LocalStack.trackingUri() + "\", \"experiment_name\": \"" + experimentName + "\", "
        + "\"run_names\": [\"crashed-eval\"]}");
    Path withFailed = Files.writeString(dir.resolve("with-failed.json"), "{\"tracking_uri\": \""
        + LocalStack.trackingUri() + "\", \"experiment_name\": \"" + experimentName + "\", "
        + "\"run_statuses\": [\"FINISHED\", \"FAILED\"]}");

    List<String> log = captureLogs(RunReference.class, () ->
        assertThat(RunReference.resolve(whole, TrackingCredentials.NONE, null))
            .extracting(r -> r.run().runName()).containsExactly("gpt-4o-mini"));

    assertThat(log).singleElement().asString().contains("WARN")
        .contains("skipped 2 run(s) whose status is not FINISHED")
        .contains(failedRun.runId() + " 'crashed-eval' (FAILED)")
        .contains("'still-running' (RUNNING)");
    assertThatThrownBy(() -> RunReference.resolve(crashed, TrackingCredentials.NONE, null))
        .hasMessageContaining("has no active run named 'crashed-eval' with status FINISHED")
        .hasMessageContaining("skipped: " + failedRun.runId() + " 'crashed-eval' (FAILED)");
    assertThat(RunReference.resolve(withFailed, TrackingCredentials.NONE, null))
        .extracting(r -> r.run().runName()).containsExactly("gpt-4o-mini", "crashed-eval");
  }

  @Test
  void should_write_metrics_tags_and_tables_back_and_keep_logged_artifacts() throws IOException {
    CreatedRun target = rest.createRun(rest.createExperiment("ait-sdk-it-write-back"),
        "write-back", Map.of(), Map.of(), Map.of());
    rest.logTable(target, "eval_results_table.json", List.of("inputs"), List.of(List.of("x")));
    MlflowWriteBack back = MlflowWriteBack.to(server.run(target.runId()));
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("ait.answer_accuracy/exact_match", 0.75);
    metrics.put("ait.answer_accuracy/exact_match_ci_lower", 0.61);
    metrics.put("ait.answer_accuracy/undefined", Double.NaN);

    back.logMetrics(metrics);
    back.setTags(Map.of("ait.name", "eval_llm_mlflow_answer_accuracy", "ait.評価", "正答率"));
    back.logTable("ait/answer_accuracy_rows.json", List.of("question_id", "correct", "note"),
        List.of(Arrays.asList("q1", true, "日本語"), Arrays.asList("q2", false, null)));
    back.logTable("ait/answer_accuracy_rows.json", List.of("question_id", "correct", "note"),
        List.of(Arrays.asList("q1", true, "上書き")));
    Path csv = dir.resolve("per_category.csv");
    CsvWriter.write(csv, List.of("カテゴリ", "正答率"), List.of(List.of("数学", 0.8)));
    Path png = BarChart.builder().title("正答率").bar("数学", "m", 0.8, 0.7, 0.9).build()
        .writePng(dir.resolve("chart.png"));
    back.uploadFile(csv, "ait/per_category.csv");
    back.uploadFile(png, "ait/charts/正答率.png");

    JsonNode got = rest.getRun(target.runId());
    Map<String, JsonNode> metricByKey = new LinkedHashMap<>();
    got.path("data").path("metrics").forEach(m -> metricByKey.put(m.path("key").asText(), m));
    Map<String, String> tags = new LinkedHashMap<>();
    got.path("data").path("tags").forEach(t -> tags.put(t.path("key").asText(),
        t.path("value").asText()));
    assertThat(metricByKey.get("ait.answer_accuracy/exact_match").path("value").asDouble())
        .isEqualTo(0.75);
    assertThat(metricByKey.get("ait.answer_accuracy/undefined").path("value").asText())
        .isEqualTo("NaN");
    assertThat(tags).containsEntry("ait.評価", "正答率");
    assertThat(MAPPER.readTree(tags.get("mlflow.loggedArtifacts"))).isEqualTo(MAPPER.readTree(
        "[{\"path\": \"eval_results_table.json\", \"type\": \"table\"},"
            + " {\"path\": \"ait/answer_accuracy_rows.json\", \"type\": \"table\"}]"));
    TrackingServerRunSource reread = server.run(target.runId());
    try (EvalTable t = reread.evalTable("ait/answer_accuracy_rows.json")) {
      assertThat(t.columns()).containsExactly("question_id", "correct", "note");
      assertThat(t.rows().map(r -> r.string("note")).toList()).containsExactly("上書き");
    }
    try (InputStream in = reread.openArtifact("ait/per_category.csv")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("カテゴリ,正答率\r\n数学,0.8\r\n");
    }
    try (InputStream in = reread.openArtifact("ait/charts/正答率.png")) {
      assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(png));
    }
  }

  @Test
  void should_name_run_id_and_list_experiments_when_run_is_unknown() {
    String unknown = "ffffffffffffffffffffffffffffffff";

    assertThatThrownBy(() -> server.run(unknown))
        .isInstanceOf(MlflowRunException.class)
        .satisfies(e -> assertThat(((MlflowRunException) e).kind())
            .isEqualTo(MlflowRunException.Kind.RUN_NOT_FOUND))
        .hasMessageStartingWith("no run with id '" + unknown + "' on " + LocalStack.trackingUri()
            + ". Fix: copy the id from the MLflow UI (run page > Overview) or list the runs with "
            + "GET " + LocalStack.trackingUri() + "/api/2.0/mlflow/experiments/search and "
            + "runs/search; experiments here: ")
        .hasMessageContaining(experimentName + " (id " + experimentId + ")");
  }

  @Test
  void should_list_what_the_run_has_when_artifact_is_missing() {
    TrackingServerRunSource source = server.run(run.runId());

    assertThatThrownBy(() -> source.openArtifact("eval_table.json"))
        .isInstanceOf(MlflowRunException.class)
        .hasMessage("run " + run.runId() + " 'gpt-4o-mini' at " + LocalStack.trackingUri()
            + " has no artifact 'eval_table.json'; the run has: eval_results_table.json, "
            + "extra/notes.txt. Fix: check the artifact name (mlflow.evaluate logs "
            + "eval_results_table.json unless a metric_prefix is set) or select another run");
  }

  @Test
  void should_say_start_the_stack_when_server_is_down() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TrackingServer down = TrackingServer.connect("http://127.0.0.1:" + port);

    assertThatThrownBy(() -> down.run(run.runId()))
        .isInstanceOf(MlflowRunException.class)
        .satisfies(e -> assertThat(((MlflowRunException) e).kind())
            .isEqualTo(MlflowRunException.Kind.SERVER_UNREACHABLE))
        .hasMessageStartingWith("cannot reach the MLflow tracking server at http://127.0.0.1:"
            + port + " to read run " + run.runId())
        .hasMessageEndingWith("Fix: start the stack (infra/local/stack.sh start) or check "
            + "MLFLOW_TRACKING_URI / the inventory's tracking_uri");
  }

  private static List<String> readAll(MlflowRunSource source) throws IOException {
    List<String> out = new ArrayList<>();
    for (ArtifactEntry e : source.listAllArtifacts()) {
      try (InputStream in = source.openArtifact(e.path())) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        out.add(e.path() + "=" + b.toString(StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
