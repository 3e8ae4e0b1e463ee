package io.llmtestbed.aits.answeraccuracy;

import io.llmtestbed.ait.sdk.report.BarChart;
import io.llmtestbed.ait.sdk.report.CsvWriter;
import io.llmtestbed.ait.sdk.stats.Estimate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The resources: the per-run summary and the run × category × measure table (CSV, which the
 * Qunomon report shows as HTML tables) and one per-category bar chart per measure (PNG).
 */
final class Reports {
  static final List<String> CATEGORY_HEADER = List.of("run", "category", "measure", "n",
      "value", "ci_lower", "ci_upper", "method");

  private final Statistics statistics;
  private final List<Metric> metrics;
  private final List<RunScores> runs;
  private final List<String> categories;
  /** metric → run index → category → estimate (absent when the category has no row). */
  private final Map<Metric, List<Map<String, Estimate>>> byCategory = new EnumMap<>(Metric.class);

  Reports(Statistics statistics, List<Metric> metrics, List<RunScores> runs) {
    this.statistics = statistics;
    this.metrics = metrics;
    this.runs = runs;
    TreeSet<String> all = new TreeSet<>();
    runs.forEach(r -> all.addAll(r.categoryNames()));
    this.categories = new ArrayList<>(all);
  }

  /** Writes one row per run: counts, then each measure with its interval. */
  void writeRunSummary(Path file, Map<Metric, List<Estimate>> estimates) {
    List<String> header = new ArrayList<>(List.of("run", "run_id", "rows_read", "rows_scored",
        "null_predictions", "null_references", "japanese_rows", "rows_truncated"));
    for (Metric m : metrics) {
      header.add(m.measureName());
      header.add(m.measureName() + "_ci_lower");
      header.add(m.measureName() + "_ci_upper");
    }
    try (CsvWriter csv = CsvWriter.open(file, header)) {
      for (int i = 0; i < runs.size(); i++) {
        RunScores run = runs.get(i);
        List<Object> row = new ArrayList<>(List.of(run.label(), run.runId(), run.rowsRead(),
            run.rows(), run.nullPredictions(), run.nullReferences(), run.japaneseRows(),
            run.truncatedRows()));
        for (Metric m : metrics) {
          Estimate e = estimates.get(m).get(i);
          row.add(e.value());
          row.add(e.lower());
          row.add(e.upper());
        }
        csv.row(row);
      }
    }
  }

  /** Writes run × category × measure rows, categories in sorted order. */
  void writeCategoryTable(Path file) {
    try (CsvWriter csv = CsvWriter.open(file, CATEGORY_HEADER)) {
      for (int i = 0; i < runs.size(); i++) {
        for (String category : categories) {
          for (Metric m : metrics) {
            Estimate e = categoryEstimates(m).get(i).get(category);
            if (e != null) {
              csv.row(runs.get(i).label(), category, m.measureName(), e.n(), e.value(),
                  e.lower(), e.upper(), e.method());
            }
          }
        }
      }
    }
  }

  /** Writes the per-category bar chart of one measure, one series (bar colour) per run. */
  void writeCategoryChart(Metric metric, Path file) {
    BarChart.Builder chart = BarChart.builder()
        .title(metric.measureName() + ": " + metric.label())
        .categoryAxisLabel("category")
        .valueAxisLabel(metric.measureName() + " (" + percent() + " interval)")
        .size(Math.max(800, 90 * categories.size() * Math.max(1, runs.size())), 500);
    if (metric != Metric.JUDGE_SCORE) {
      chart.valueRange(0, 1);
    }
    for (String category : categories) {
      for (int i = 0; i < runs.size(); i++) {
        Estimate e = categoryEstimates(metric).get(i).get(category);
        if (e != null) {
          chart.bar(category, runs.get(i).label(), e);
        }
      }
    }
    chart.build().writePng(file);
  }

  private String percent() {
    return Math.round(statistics.confidenceLevel() * 1000) / 10.0 + "%";
  }

  private List<Map<String, Estimate>> categoryEstimates(Metric metric) {
    return byCategory.computeIfAbsent(metric, m -> {
      List<Map<String, Estimate>> perRun = new ArrayList<>();
      for (RunScores run : runs) {
        Map<String, Estimate> perCategory = new LinkedHashMap<>();
        for (String category : categories) {
          double[] values = run.values(m, category);
          if (values.length > 0) {
            perCategory.put(category, statistics.estimate(m, values));
          }
        }
        perRun.add(perCategory);
      }
      return perRun;
    });
  }
}
