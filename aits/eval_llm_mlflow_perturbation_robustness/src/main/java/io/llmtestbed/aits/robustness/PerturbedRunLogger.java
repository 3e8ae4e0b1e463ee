package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.mlflow.MlflowRunException;
import io.llmtestbed.ait.sdk.mlflow.MlflowWriteBack;
import io.llmtestbed.ait.sdk.mlflow.TrackingServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlflow.api.proto.Service;

/**
 * Logs one perturbed evaluation as an MLflow run in the original run's experiment: run name
 * {@code <original>-<label>}, the link tags ({@link Tags}), and the answers as
 * {@code eval_results_table.json} in the pandas split layout (the columns of the original
 * demo tables plus perturbation_status, perturbation_detail, label_map, failure,
 * original_inputs and llm_generated). Built on the mlflow-client the SDK exposes
 * ({@link TrackingServer#client()}) and the SDK's {@link MlflowWriteBack} for tags and table.
 */
final class PerturbedRunLogger {
  static final List<String> COLUMNS = List.of(RunTables.KEY_COLUMN, RunTables.CATEGORY_COLUMN,
      "inputs", "ground_truth", "outputs", RunTables.STATUS_COLUMN, RunTables.DETAIL_COLUMN,
      RunTables.LABEL_MAP_COLUMN, RunTables.FAILURE_COLUMN, RunTables.ORIGINAL_INPUT_COLUMN,
      RunTables.LLM_GENERATED_COLUMN);

  private final TrackingServer server;
  private final String experimentId;

  PerturbedRunLogger(TrackingServer server, String experimentId) {
    this.server = server;
    this.experimentId = experimentId;
  }

  /**
   * Creates, fills and finishes the run.
   *
   * @return the new run's id
   * @throws MlflowRunException when the server refuses a call
   */
  String log(String runName, Map<String, String> tags, List<OriginalRow> original,
      PerturbedEval eval) {
    String runId;
    try {
      runId = server.client().createRun(Service.CreateRun.newBuilder()
          .setExperimentId(experimentId).setRunName(runName)
          .setStartTime(System.currentTimeMillis()).build()).getRunId();
    } catch (RuntimeException e) {
      throw new MlflowRunException(MlflowRunException.Kind.SERVER_ERROR, "cannot create run '"
          + runName + "' in experiment " + experimentId + " on " + server.uri() + ": "
          + e.getMessage(), e);
    }
    MlflowWriteBack target = new MlflowWriteBack(server, runId);
    target.setTags(tags);
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < original.size(); i++) {
      OriginalRow o = original.get(i);
      RowResult r = eval.rows().get(i);
      rows.add(java.util.Arrays.asList(o.key(), o.category(), r.input(), r.gold(), r.answer(),
          r.outcome().label(), r.detail(), RunTables.labelMapJson(r.labelMap()), r.failure(),
          o.input(), eval.llmGenerated()));
    }
    target.logTable("eval_results_table.json", COLUMNS, rows);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("robustness/rows", (double) rows.size());
    metrics.put("robustness/answer_failures",
        (double) eval.rows().stream().filter(r -> r.failure() != null).count());
    target.logMetrics(metrics);
    try {
      server.client().setTerminated(runId);
    } catch (RuntimeException e) {
      throw new MlflowRunException(MlflowRunException.Kind.SERVER_ERROR, "cannot finish run "
          + runId + " on " + server.uri() + ": " + e.getMessage(), e);
    }
    return runId;
  }
}
