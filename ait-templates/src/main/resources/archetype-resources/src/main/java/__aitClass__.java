package ${package};

import io.llmtestbed.ait.sdk.manifest.InventoryType;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.manifest.ResourceType;
import io.llmtestbed.ait.sdk.manifest.Structure;
import io.llmtestbed.ait.sdk.manifest.ValueType;
import io.llmtestbed.ait.sdk.mlflow.EvalRow;
import io.llmtestbed.ait.sdk.mlflow.EvalTable;
import io.llmtestbed.ait.sdk.mlflow.EvalTableException;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunException;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunSource;
import io.llmtestbed.ait.sdk.mlflow.MlflowWriteBack;
import io.llmtestbed.ait.sdk.mlflow.RunReference;
import io.llmtestbed.ait.sdk.report.CsvWriter;
import io.llmtestbed.ait.sdk.runtime.Ait;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.AitMain;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import java.util.List;
import java.util.Map;

/**
 * AIT {@code ${artifactId}}: the share of answered rows (a prediction that is neither null nor
 * blank) in each MLflow evaluation run of the {@code evaluation_runs} inventory.
 *
 * <p>This is the archetype's example: replace the measurement in {@code run}, and keep
 * {@code manifest()} declaring every measure, resource and download that {@code run} writes
 * (the runtime refuses undeclared names with E101).
 */
public final class ${aitClass} implements Ait {

    /** The platform's entry point: one argument, the directory holding ait.input.json. */
    public static void main(String[] args) {
        AitMain.run(new ${aitClass}(), args);
    }

    @Override
    public Manifest manifest() {
        return Manifest.builder()
                .name("${artifactId}")
                .description("answered_rate = rows whose prediction is neither null nor blank"
                        + " / rows, for each MLflow evaluation run (eval_results_table.json)")
                .version("${aitVersion}")
                .quality("C-1")
                .keyword("LLM")
                .keyword("MLflow")
                .license("Apache License Version 2.0")
                .inventory("evaluation_runs", InventoryType.DATASET, "MLflow runs: a"
                        + " run-reference JSON {\"tracking_uri\": ..., \"run_ids\": [...]}, a run"
                        + " directory exported by the SDK, or a bare eval_results_table.json",
                        "json", "ALL")
                .parameter("prediction_column", ValueType.STR, "Column of the eval table"
                        + " holding the model's answer (mlflow.evaluate's predictions=)",
                        "outputs")
                .parameter("write_back", ValueType.BOOL, "Log answered_rate as a metric into"
                        + " each run read from a tracking server", "false")
                .measure("answered_rate", ValueType.FLOAT, Structure.SEQUENCE,
                        "Per run, in inventory order: answered rows / rows", "0", "1")
                .resource("answered_table", ResourceType.TABLE,
                        "Per run: rows, answered rows and answered_rate (CSV)")
                .download("row_flags", "Per row: run, row index, answered 1/0 (CSV)")
                .build();
    }

    @Override
    public void run(AitContext ctx) throws Exception {
        try {
            measure(ctx);
        } catch (EvalTableException e) {
            // A table without the column, or not in pandas split layout: the input's fault.
            throw AitException.invalidInput(e.getMessage(), e);
        } catch (MlflowRunException e) {
            // A bad reference or a missing run is the input's fault (E102); a server that is
            // down or refuses the credentials is the environment's (E901).
            boolean input = switch (e.kind()) {
                case INVALID_REFERENCE, RUN_NOT_FOUND, ARTIFACT_NOT_FOUND -> true;
                default -> false;
            };
            throw new AitException(input ? ErrorCode.E102 : ErrorCode.E901, e.getMessage(), e);
        }
    }

    private void measure(AitContext ctx) throws Exception {
        String column = ctx.stringParam("prediction_column");
        List<MlflowRunSource> runs = RunReference.resolve(ctx.inventoryFile("evaluation_runs"));
        double[] rates = new double[runs.size()];
        try (CsvWriter table = CsvWriter.open(ctx.resourceFile("answered_table",
                        "answered_rate.csv"), List.of("run", "rows", "answered", "answered_rate"));
                CsvWriter flags = CsvWriter.open(ctx.downloadFile("row_flags", "row_flags.csv"),
                        List.of("run", "row", "answered"))) {
            for (int i = 0; i < runs.size(); i++) {
                MlflowRunSource run = runs.get(i);
                String name = run.run().runName();
                long rows = 0;
                long answered = 0;
                try (EvalTable eval = run.evalTable()
                        .requireColumns(Map.of(column, "prediction_column"))) {
                    for (EvalRow row : eval) {
                        boolean ok = !row.isNull(column) && !row.string(column).isBlank();
                        flags.row(name, row.index(), ok ? 1 : 0);
                        rows++;
                        answered += ok ? 1 : 0;
                    }
                }
                if (rows == 0) {
                    throw AitException.invalidInput(run.describe() + ": its eval table"
                            + " has no rows; answered_rate is undefined. Fix: log a table with"
                            + " at least one row");
                }
                rates[i] = answered / (double) rows;
                table.row(name, rows, answered, rates[i]);
                ctx.logger().info("{}: {} of {} rows answered", run.describe(), answered, rows);
            }
        }
        ctx.measureSequence("answered_rate", rates);
        if (ctx.boolParam("write_back")) {
            for (int i = 0; i < runs.size(); i++) {
                MlflowWriteBack.to(runs.get(i))
                        .logMetrics(Map.of("${artifactId}/answered_rate", rates[i]));
            }
        }
    }
}
