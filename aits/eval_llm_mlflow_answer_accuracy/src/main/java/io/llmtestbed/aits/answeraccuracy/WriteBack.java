package io.llmtestbed.aits.answeraccuracy;

import io.llmtestbed.ait.sdk.mlflow.MlflowRunSource;
import io.llmtestbed.ait.sdk.mlflow.RunWriteBacks;
import io.llmtestbed.ait.sdk.stats.Estimate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;

/**
 * Writes the results into each MLflow run that was read from a tracking server:
 *
 * <ul>
 *   <li>metrics {@code answer_accuracy/<measure>/mean}, {@code .../ci_lower},
 *       {@code .../ci_upper} (the {@code <name>/<aggregate>} shape MLflow's evaluator uses for
 *       {@code toxicity/v1/mean}, under a prefix of this AIT instead of a version), plus
 *       {@code answer_accuracy/rows_scored} and {@code answer_accuracy/null_predictions};
 *   <li>tags {@code answer_accuracy.ait_name}, {@code answer_accuracy.ait_version},
 *       {@code answer_accuracy.evaluated_at} (UTC, ISO-8601) and
 *       {@code answer_accuracy.settings};
 *   <li>the per-row scores as the table artifact {@value #TABLE_ARTIFACT}, registered in
 *       {@code mlflow.loggedArtifacts} so the MLflow UI's evaluation view lists it.
 * </ul>
 */
final class WriteBack {
  static final String PREFIX = "answer_accuracy/";
  static final String TAG_PREFIX = "answer_accuracy.";
  static final String TABLE_ARTIFACT = "answer_accuracy_eval_table.json";

  private final Settings settings;
  private final Logger log;

  WriteBack(Settings settings, Logger log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Writes every run that came from a tracking server. A failure to write one run is logged as
   * a warning naming the run and the cause; the measures in {@code ait.output.json} stand.
   */
  void write(List<MlflowRunSource> sources, List<RunScores> runs, List<Metric> metrics,
      Map<Metric, List<Estimate>> estimates) {
    String evaluatedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    List<String> labels = runs.stream().map(RunScores::label).toList();
    RunWriteBacks.toEach(sources, labels, TABLE_ARTIFACT, log, (i, target) -> {
      RunScores run = runs.get(i);
      target.logMetrics(metricsOf(run, i, metrics, estimates));
      target.setTags(tags(evaluatedAt));
      target.logTable(TABLE_ARTIFACT, tableColumns(run), new RowTable(run));
      return metrics.size() * 3 + 2;
    });
  }

  /** The metric keys and values written to run {@code index}. */
  static Map<String, Double> metricsOf(RunScores run, int index, List<Metric> metrics,
      Map<Metric, List<Estimate>> estimates) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Metric m : metrics) {
      Estimate e = estimates.get(m).get(index);
      out.put(PREFIX + m.measureName() + "/mean", e.value());
      // an undefined interval (fewer than 2 rows) is left out rather than logged as NaN
      if (!Double.isNaN(e.lower())) {
        out.put(PREFIX + m.measureName() + "/ci_lower", e.lower());
        out.put(PREFIX + m.measureName() + "/ci_upper", e.upper());
      }
    }
    out.put(PREFIX + "rows_scored", (double) run.rows());
    out.put(PREFIX + "null_predictions", (double) run.nullPredictions());
    out.put(PREFIX + "rows_truncated", (double) run.truncatedRows());
    return out;
  }

  private Map<String, String> tags(String evaluatedAt) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TAG_PREFIX + "ait_name", AnswerAccuracyAit.NAME);
    tags.put(TAG_PREFIX + "ait_version", AnswerAccuracyAit.VERSION);
    tags.put(TAG_PREFIX + "evaluated_at", evaluatedAt);
    tags.put(TAG_PREFIX + "settings", "prediction_column=" + settings.predictionColumn()
        + " target_column=" + settings.targetColumn() + " language="
        + settings.language().parameterValue() + " normalization="
        + settings.normalization().parameterValue() + " confidence_level="
        + settings.confidenceLevel() + " bootstrap_samples=" + settings.bootstrapSamples()
        + " seed=" + settings.seed());
    return tags;
  }

  static List<String> tableColumns(RunScores run) {
    List<String> columns = new ArrayList<>(List.of("row"));
    if (run.keyed()) {
      columns.add(RunScorer.KEY_COLUMN);
    }
    columns.addAll(List.of("category", "language", "null_prediction"));
    for (Metric m : Metric.values()) {
      if (m.textual()) {
        columns.add(m.measureName());
      }
    }
    columns.add("judge_score");
    return columns;
  }

  /** The per-row table, produced row by row from the stored scores (never all in memory). */
  private static final class RowTable implements Iterable<List<Object>> {
    private final RunScores run;

    RowTable(RunScores run) {
      this.run = run;
    }

    @Override
    public Iterator<List<Object>> iterator() {
      return new Iterator<>() {
        private int row;

        @Override
        public boolean hasNext() {
          return row < run.rows();
        }

        @Override
        public List<Object> next() {
          if (!hasNext()) {
            throw new NoSuchElementException("no row " + row + " in run " + run.label());
          }
          return cells(row++);
        }
      };
    }

    private List<Object> cells(int row) {
      List<Object> cells = new ArrayList<>(13);
      cells.add(run.tableRow(row));
      if (run.keyed()) {
        cells.add(run.key(row));
      }
      cells.add(run.category(row));
      cells.add(run.japanese(row) ? "ja" : "en");
      cells.add(run.nullPrediction(row));
      for (Metric m : Metric.values()) {
        if (m.textual()) {
          cells.add(run.value(m, row));
        }
      }
      double judge = run.judgeOf(row);
      cells.add(Double.isNaN(judge) ? null : judge);
      return cells;
    }
  }
}
