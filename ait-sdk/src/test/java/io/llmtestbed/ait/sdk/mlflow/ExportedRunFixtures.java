package io.llmtestbed.ait.sdk.mlflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes exported-run directories in the layout RunExporter produces, for unit tests. */
final class ExportedRunFixtures {

  static final String RUN_ID = "0123456789abcdef0123456789abcdef";

  private ExportedRunFixtures() {
  }

  /** A runs/get response shaped like MLflow 3.17's (info, data, inputs, outputs). */
  static String runJson(String runId, String runName) {
    return "{\"run\":{\"info\":{\"run_uuid\":\"" + runId + "\",\"experiment_id\":\"7\","
        + "\"run_name\":\"" + runName + "\",\"user_id\":\"tester\",\"status\":\"FINISHED\","
        + "\"start_time\":1764763200000,\"end_time\":1764763260000,\"artifact_uri\":"
        + "\"mlflow-artifacts:/7/" + runId + "/artifacts\",\"lifecycle_stage\":\"active\","
        + "\"run_id\":\"" + runId + "\"},\"data\":{\"metrics\":[{\"key\":\"exact_match/v1\","
        + "\"value\":0.5,\"timestamp\":1764763250000,\"step\":0},{\"key\":\"toxicity/v1/mean\","
        + "\"value\":\"NaN\",\"timestamp\":1764763250000,\"step\":0}],\"params\":[{\"key\":"
        + "\"judge\",\"value\":\"gpt-4\"}],\"tags\":[{\"key\":\"mlflow.runName\",\"value\":\""
        + runName + "\"},{\"key\":\"testbed.dataset\",\"value\":\"japanese-mt-bench\"}]},"
        + "\"inputs\":{\"dataset_inputs\":[]},\"outputs\":{}}}";
  }

  static Path exportedRun(Path dir, String runId, String runName) throws IOException {
    Files.createDirectories(dir.resolve("artifacts/plots"));
    Files.writeString(dir.resolve("run.json"), runJson(runId, runName), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("artifacts/eval_results_table.json"),
        "{\"columns\":[\"question_id\",\"outputs\"],\"data\":[[\"q1\",\"東京\"],[\"q2\",null]]}",
        StandardCharsets.UTF_8);
    Files.write(dir.resolve("artifacts/plots/a.png"), new byte[] {1, 2, 3});
    return dir;
  }
}
