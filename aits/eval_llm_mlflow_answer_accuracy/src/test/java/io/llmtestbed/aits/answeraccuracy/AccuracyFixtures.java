package io.llmtestbed.aits.answeraccuracy;

import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inputs of this AIT's tests: eval tables in the demo layout, exported runs, and a run of the
 * AIT on one inventory through the SDK's {@link AitHarness}.
 */
final class AccuracyFixtures {
  static final List<String> DEMO_COLUMNS = List.of("question_id", "category", "inputs",
      "ground_truth", "outputs", "judge_score");

  private AccuracyFixtures() {}

  /** Runs with one inventory file and no parameters (defaults), write-back off. */
  static AitHarness.Result runTable(Path root, Path inventory) throws IOException {
    return AitHarness.run(new AnswerAccuracyAit(), root,
        Map.of(AnswerAccuracyAit.INVENTORY, inventory.toString()), Map.of("write_back", "false"));
  }

  /** Writes an exported run directory (run.json + artifacts/eval_results_table.json). */
  static Path exportedRun(Path dir, String runId, String runName, List<String> columns,
      List<List<Object>> rows) throws IOException {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("run_id", runId);
    info.put("run_name", runName);
    info.put("experiment_id", "1");
    info.put("status", "FINISHED");
    Map<String, Object> run = Map.of("run", Map.of("info", info, "data", Map.of()));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("run.json"), AitHarness.JSON.writeValueAsString(run));
    AitHarness.table(dir.resolve("artifacts/eval_results_table.json"), columns, rows);
    return dir;
  }

  /** A row of the demo layout. */
  static List<Object> row(String id, String category, String target, String output,
      Double judge) {
    return Arrays.asList(id, category, "prompt " + id, target, output, judge);
  }
}
