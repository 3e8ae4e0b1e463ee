package io.llmtestbed.aits.answeraccuracy;

import io.llmtestbed.ait.sdk.stats.ConfidenceIntervals;
import io.llmtestbed.ait.sdk.stats.Estimate;
import io.llmtestbed.ait.sdk.stats.McNemarResult;
import io.llmtestbed.ait.sdk.stats.PairedDifference;
import io.llmtestbed.ait.sdk.stats.PairedTests;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Intervals and paired comparisons for the measures: Wilson for exact match (a proportion),
 * percentile bootstrap of the mean for the others; McNemar's exact test for exact match and a
 * paired bootstrap for the others when two runs are compared.
 */
final class Statistics {
  private final Settings settings;

  Statistics(Settings settings) {
    this.settings = settings;
  }

  double confidenceLevel() {
    return settings.confidenceLevel();
  }

  /** Method name of a bootstrap estimate whose interval is undefined (fewer than 2 rows). */
  static final String UNDEFINED = "undefined (n < 2)";

  /**
   * The estimate of a measure over {@code values} (non-empty). A bootstrap interval of fewer
   * than two values would collapse to the value itself, so it is undefined instead: lower and
   * upper are NaN (empty cells in the CSVs, no error bar) and the method says so. The Wilson
   * interval of exact match is defined (and wide) for n = 1 and is kept.
   */
  Estimate estimate(Metric metric, double[] values) {
    if (!metric.proportion() && values.length < 2) {
      return new Estimate(values[0], Double.NaN, Double.NaN, settings.confidenceLevel(),
          values.length, UNDEFINED);
    }
    if (metric.proportion()) {
      long successes = 0;
      for (double v : values) {
        successes += v == 1.0 ? 1 : 0;
      }
      return ConfidenceIntervals.wilson(successes, values.length, settings.confidenceLevel());
    }
    return ConfidenceIntervals.bootstrapMean(values, settings.confidenceLevel(),
        settings.bootstrapSamples(), settings.seed());
  }

  /**
   * A paired comparison of run A with run B on the rows both scored.
   *
   * @param difference mean of A minus mean of B on the paired rows, with its interval (for exact
   *     match the interval is the paired bootstrap's, the p-value McNemar's)
   * @param pValue two-sided p-value for "no difference"
   * @param method {@code mcnemar-exact} or {@code paired-bootstrap}
   */
  record Comparison(Metric metric, Estimate difference, double pValue, String method) {}

  /** How the rows of two runs were paired, and the row indices of each pair. */
  record Pairing(String how, int[] rowsA, int[] rowsB) {
    int size() {
      return rowsA.length;
    }
  }

  /**
   * Pairs the rows of two runs: by {@link RunScorer#KEY_COLUMN} when both tables have it with
   * unique values, else by position when both have the same number of scored rows.
   *
   * @return empty when the rows cannot be paired (the reason is in {@code why[0]})
   */
  static Optional<Pairing> pair(RunScores a, RunScores b, String[] why) {
    // LIMIT: the pairing key is fixed to question_id (the demo's contract); tables keyed by
    // another column are paired by position only when their row counts match.
    if (a.keyed() && b.keyed() && unique(a) && unique(b)) {
      Map<String, Integer> rowOf = new HashMap<>();
      for (int row = 0; row < b.rows(); row++) {
        rowOf.put(b.key(row), row);
      }
      IntList rowsA = new IntList();
      IntList rowsB = new IntList();
      for (int row = 0; row < a.rows(); row++) {
        Integer other = rowOf.get(a.key(row));
        if (other != null) {
          rowsA.add(row);
          rowsB.add(other);
        }
      }
      if (rowsA.size() == 0) {
        why[0] = "no " + RunScorer.KEY_COLUMN + " of run " + a.label() + " occurs in run "
            + b.label();
        return Optional.empty();
      }
      return Optional.of(new Pairing("by " + RunScorer.KEY_COLUMN, rowsA.toArray(),
          rowsB.toArray()));
    }
    if (a.rows() == b.rows()) {
      int[] rows = new int[a.rows()];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = i;
      }
      return Optional.of(new Pairing("by row position", rows, rows.clone()));
    }
    why[0] = "the runs have " + a.rows() + " and " + b.rows() + " scored rows and no unique '"
        + RunScorer.KEY_COLUMN + "' column in both tables to pair them by";
    return Optional.empty();
  }

  /** Compares one measure of A and B on paired rows. */
  Comparison compare(Metric metric, RunScores a, RunScores b, Pairing pairing) {
    double[] x = new double[pairing.size()];
    double[] y = new double[pairing.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = a.value(metric, pairing.rowsA()[i]);
      y[i] = b.value(metric, pairing.rowsB()[i]);
    }
    PairedDifference bootstrap = PairedTests.bootstrapMeanDifference(x, y,
        settings.confidenceLevel(), settings.bootstrapSamples(), settings.seed());
    if (!metric.proportion()) {
      return new Comparison(metric, bootstrap.difference(), bootstrap.pValue(),
          "paired-bootstrap");
    }
    boolean[] ax = new boolean[x.length];
    boolean[] by = new boolean[y.length];
    for (int i = 0; i < x.length; i++) {
      ax[i] = x[i] == 1.0;
      by[i] = y[i] == 1.0;
    }
    McNemarResult mcNemar = PairedTests.mcNemar(ax, by);
    return new Comparison(metric, bootstrap.difference(), mcNemar.exactP(), "mcnemar-exact");
  }

  /** Compares judge scores on the paired rows where both runs have one. */
  Optional<Comparison> compareJudge(RunScores a, RunScores b, Pairing pairing) {
    IntList rowsA = new IntList();
    IntList rowsB = new IntList();
    for (int i = 0; i < pairing.size(); i++) {
      int ra = pairing.rowsA()[i];
      int rb = pairing.rowsB()[i];
      if (!Double.isNaN(a.judgeOf(ra)) && !Double.isNaN(b.judgeOf(rb))) {
        rowsA.add(ra);
        rowsB.add(rb);
      }
    }
    if (rowsA.size() == 0) {
      return Optional.empty();
    }
    int[] ia = rowsA.toArray();
    int[] ib = rowsB.toArray();
    double[] x = new double[ia.length];
    double[] y = new double[ib.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = a.judgeOf(ia[i]);
      y[i] = b.judgeOf(ib[i]);
    }
    PairedDifference d = PairedTests.bootstrapMeanDifference(x, y, settings.confidenceLevel(),
        settings.bootstrapSamples(), settings.seed());
    return Optional.of(new Comparison(Metric.JUDGE_SCORE, d.difference(), d.pValue(),
        "paired-bootstrap"));
  }

  private static boolean unique(RunScores run) {
    Set<String> seen = new HashSet<>();
    for (int row = 0; row < run.rows(); row++) {
      String key = run.key(row);
      if (key == null || !seen.add(key)) {
        return false;
      }
    }
    return true;
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] values = new int[256];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }
}
