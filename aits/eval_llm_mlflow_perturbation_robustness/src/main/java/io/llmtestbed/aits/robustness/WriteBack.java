package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.mlflow.MlflowRunException;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunSource;
import io.llmtestbed.ait.sdk.mlflow.MlflowWriteBack;
import io.llmtestbed.ait.sdk.stats.Estimate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Writes the results into the original MLflow run: metrics
 * {@code robustness/<perturbation>/<measure>/mean|ci_lower|ci_upper} for consistency_rate,
 * accuracy and accuracy_drop, {@code robustness/<perturbation>/rows_*} counts,
 * {@code robustness/baseline_accuracy/...} and {@code robustness/worst_case/accuracy_drop};
 * tags {@code robustness.*}; and the per-row table {@value #TABLE_ARTIFACT}.
 */
final class WriteBack {
  static final String PREFIX = "robustness/";
  static final String TAG_PREFIX = "robustness.";
  static final String TABLE_ARTIFACT = "robustness_eval_table.json";

  private WriteBack() {}

  /** The metric keys and values for the original run. */
  static Map<String, Double> metrics(List<PerturbationScore> scores, Estimate baseline,
      PerturbationScore worst) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (PerturbationScore s : scores) {
      String p = PREFIX + s.label() + "/";
      if (s.measured() > 0) {
        put(out, p + "consistency_rate", s.consistency());
        put(out, p + "accuracy", s.accuracy());
        put(out, p + "accuracy_drop", s.drop());
        out.put(p + "accuracy_drop/p_value", s.dropPValue());
      }
      PerturbationScore.Counts c = s.counts();
      out.put(p + "rows_measured", (double) s.measured());
      out.put(p + "rows_flagged", (double) c.flagged());
      out.put(p + "rows_not_applicable", (double) c.notApplicable());
      out.put(p + "rows_unchanged", (double) c.unchanged());
      out.put(p + "rows_failed", (double) (c.answerFailures() + c.perturbationFailed()));
      out.put(p + "rows_empty_answer", (double) c.emptyAnswers());
    }
    if (baseline != null && !Double.isNaN(baseline.value())) {
      put(out, PREFIX + "baseline_accuracy", baseline);
    }
    if (worst != null) {
      out.put(PREFIX + "worst_case/accuracy_drop", worst.dropValue());
    }
    return out;
  }

  private static void put(Map<String, Double> out, String key, Estimate e) {
    out.put(key + "/mean", e.value());
    if (!Double.isNaN(e.lower())) {
      out.put(key + "/ci_lower", e.lower());
      out.put(key + "/ci_upper", e.upper());
    }
  }

  /**
   * Writes into the original run when it came from a tracking server. A failure is a WARN
   * naming the run and the cause; the measures in ait.output.json stand.
   */
  static void write(MlflowRunSource source, Settings settings, Map<String, Double> metrics,
      String worst, String llm, List<List<Object>> rows, Logger log) {
    if (source.trackingServer().isEmpty()) {
      log.info("The original run was not read from a tracking server ({}); nothing is written "
          + "back", source.describe());
      return;
    }
    try {
      MlflowWriteBack target = MlflowWriteBack.to(source);
      target.logMetrics(metrics);
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put(TAG_PREFIX + "ait_name", RobustnessAit.NAME);
      tags.put(TAG_PREFIX + "ait_version", RobustnessAit.VERSION);
      tags.put(TAG_PREFIX + "evaluated_at",
          Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      tags.put(TAG_PREFIX + "settings", settings.describe());
      tags.put(TAG_PREFIX + "worst_perturbation", worst == null ? "" : worst);
      if (llm != null) {
        tags.put(TAG_PREFIX + "llm", llm);
      }
      target.setTags(tags);
      target.logTable(TABLE_ARTIFACT, Reports.ROW_HEADER, rows);
      log.info("Wrote {} metrics, tags and {} back to {}", metrics.size(), TABLE_ARTIFACT,
          source.describe());
    } catch (MlflowRunException | IllegalArgumentException e) {
      log.warn("Write-back to {} failed ({}); the measures are in ait.output.json but not in "
          + "MLflow. Re-run with write_back=true once the server accepts writes",
          source.describe(), e.getMessage());
    }
  }
}
