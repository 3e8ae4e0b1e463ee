package io.llmtestbed.aits.robustness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.report.BarChart;
import io.llmtestbed.ait.sdk.report.CsvWriter;
import io.llmtestbed.ait.sdk.stats.Estimate;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The resources and downloads: the per-perturbation table (CSV) and charts (PNG), the per-row
 * results (CSV) and the flip list (JSONL).
 */
final class Reports {
  static final List<String> TABLE_HEADER = List.of("perturbation", "name", "severity", "seed",
      "llm_generated", "rows", "applied", "unchanged", "not_applicable", "flagged",
      "perturbation_failed", "answer_failures", "empty_answers", "baseline_failures",
      "measured", "consistency_rate", "consistency_ci_lower", "consistency_ci_upper",
      "accuracy", "accuracy_ci_lower", "accuracy_ci_upper", "baseline_accuracy",
      "accuracy_drop", "accuracy_drop_ci_lower", "accuracy_drop_ci_upper",
      "accuracy_drop_p_value", "worst_case");
  static final List<String> ROW_HEADER = List.of("perturbation", "row", "question_id",
      "outcome", "detail", "failure", "equivalent", "baseline_correct", "perturbed_correct",
      "llm_generated");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<PerturbationScore> scores;
  private final List<OriginalRow> original;
  private final List<RowResult> baseline;
  private final String worst;

  Reports(List<PerturbationScore> scores, List<OriginalRow> original, List<RowResult> baseline,
      String worst) {
    this.scores = scores;
    this.original = original;
    this.baseline = baseline;
    this.worst = worst;
  }

  void writeTable(Path file) {
    try (CsvWriter csv = CsvWriter.open(file, TABLE_HEADER)) {
      for (PerturbationScore s : scores) {
        PerturbationScore.Counts c = s.counts();
        Estimate d = s.drop();
        csv.row(s.label(), s.eval().perturbation(), s.eval().severity(), s.eval().seed(),
            s.eval().llmGenerated(), c.rows(), c.applied(), c.unchanged(), c.notApplicable(),
            c.flagged(), c.perturbationFailed(), c.answerFailures(), c.emptyAnswers(),
            c.baselineFailures(), s.measured(), value(s.consistency().value()),
            value(s.consistency().lower()), value(s.consistency().upper()),
            value(s.accuracy().value()), value(s.accuracy().lower()),
            value(s.accuracy().upper()), value(s.baselineAccuracy().value()),
            d == null ? null : d.value(), d == null ? null : d.lower(),
            d == null ? null : d.upper(), s.dropPValue(), s.label().equals(worst));
      }
    }
  }

  private static Double value(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** Consistency and accuracy per perturbation, with interval bars. */
  void writeChart(Path file, double level) {
    BarChart.Builder chart = BarChart.builder()
        .title("Consistency and accuracy under perturbation")
        .categoryAxisLabel("perturbation")
        .valueAxisLabel("share of measured rows (" + Math.round(level * 100) + "% interval)")
        .valueRange(0, 1)
        .size(Math.max(900, 140 * scores.size()), 500);
    boolean any = false;
    for (PerturbationScore s : scores) {
      if (s.measured() > 0) {
        chart.bar(s.label(), "consistency_rate", s.consistency());
        chart.bar(s.label(), "accuracy", s.accuracy());
        chart.bar(s.label(), "baseline_accuracy", s.baselineAccuracy());
        any = true;
      }
    }
    if (!any) {
      placeholder(chart);
    }
    chart.build().writePng(file);
  }

  /** Accuracy drop per perturbation with its paired-bootstrap interval. */
  void writeDropChart(Path file, double level) {
    BarChart.Builder chart = BarChart.builder()
        .title("Accuracy drop (baseline - perturbed), worst: "
            + (worst == null ? "none (no row measured)" : worst))
        .categoryAxisLabel("perturbation")
        .valueAxisLabel("accuracy drop (" + Math.round(level * 100) + "% paired bootstrap)")
        .valueRange(-1, 1)
        .size(Math.max(900, 100 * scores.size()), 500);
    boolean any = false;
    for (PerturbationScore s : scores) {
      if (s.drop() != null) {
        chart.bar(s.label(), "accuracy_drop", s.drop());
        any = true;
      }
    }
    if (!any) {
      placeholder(chart);
    }
    chart.build().writePng(file);
  }

  /**
   * A chart needs a bar: when no perturbation has a measured row (every answer failed or empty),
   * each gets a zero bar in the series "no measured row (see rows_*)", so the picture says so
   * instead of the job failing.
   */
  private void placeholder(BarChart.Builder chart) {
    for (PerturbationScore s : scores) {
      chart.bar(s.label(), "no measured row (see rows_*)", 0.0);
    }
  }

  /** Every row under every perturbation. */
  void writeRows(Path file) {
    try (CsvWriter csv = CsvWriter.open(file, ROW_HEADER)) {
      for (List<Object> row : rowTable()) {
        csv.row(row);
      }
    }
  }

  /** The rows of the per-row table (also written back as robustness_eval_table.json). */
  List<List<Object>> rowTable() {
    List<List<Object>> out = new ArrayList<>();
    for (PerturbationScore s : scores) {
      for (int i = 0; i < s.eval().rows().size(); i++) {
        RowResult r = s.eval().rows().get(i);
        List<Object> cells = new ArrayList<>(ROW_HEADER.size());
        cells.add(s.label());
        cells.add(r.index());
        cells.add(r.key());
        cells.add(r.outcome().label());
        cells.add(r.detail());
        cells.add(r.failure() != null ? r.failure() : baseline.get(i).failure() != null
            ? "baseline:" + baseline.get(i).failure() : null);
        cells.add(s.equivalent()[i]);
        cells.add(s.baselineCorrect()[i]);
        cells.add(s.perturbedCorrect()[i]);
        cells.add(s.eval().llmGenerated());
        out.add(cells);
      }
    }
    return out;
  }

  /**
   * The flip list: measured rows whose answer went from correct to wrong, or whose perturbed
   * answer is not equivalent to the unperturbed one; one JSON object a line.
   *
   * @return the number of rows written
   */
  long writeFlips(Path file) {
    long count = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (PerturbationScore s : scores) {
        for (int i = 0; i < s.eval().rows().size(); i++) {
          if (s.equivalent()[i] == null) {
            continue;
          }
          boolean flip = s.baselineCorrect()[i] && !s.perturbedCorrect()[i];
          boolean changed = !s.equivalent()[i];
          if (!flip && !changed) {
            continue;
          }
          RowResult r = s.eval().rows().get(i);
          ObjectNode o = JSON.createObjectNode();
          o.put("perturbation", s.label());
          o.put("row", r.index());
          o.put("question_id", r.key());
          o.put("kind", flip && changed ? "correct_to_wrong,not_equivalent"
              : flip ? "correct_to_wrong" : "not_equivalent");
          o.put("original_input", original.get(i).input());
          o.put("perturbed_input", r.input());
          o.put("baseline_answer", baseline.get(i).answer());
          o.put("perturbed_answer", r.answer());
          o.put("gold", original.get(i).gold());
          o.put("perturbed_gold", r.gold());
          o.put("llm_generated", s.eval().llmGenerated());
          w.write(JSON.writeValueAsString(o));
          w.write('\n');
          count++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the flip list " + file, e);
    }
    return count;
  }
}
