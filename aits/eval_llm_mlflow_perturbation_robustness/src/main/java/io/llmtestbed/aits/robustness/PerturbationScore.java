package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.stats.ConfidenceIntervals;
import io.llmtestbed.ait.sdk.stats.Estimate;
import io.llmtestbed.ait.sdk.stats.PairedDifference;
import io.llmtestbed.ait.sdk.stats.PairedTests;
import io.llmtestbed.aits.robustness.perturb.Outcome;
import java.util.List;

/**
 * The measures of one perturbation, on the rows where it applied and both answers exist.
 *
 * @param eval the answers
 * @param counts rows by what happened to them
 * @param measured n of every measure below
 * @param consistency share of measured rows whose perturbed answer is equivalent to the
 *     unperturbed one (Wilson interval)
 * @param accuracy share of measured rows answered correctly under the perturbation (Wilson)
 * @param baselineAccuracy share of the same rows answered correctly without it (Wilson)
 * @param drop baseline accuracy minus perturbed accuracy, paired bootstrap interval; null when
 *     no row was measured
 * @param dropPValue McNemar exact p-value of the drop (1 when no row differs)
 * @param equivalent per original row: equivalent (null when not measured)
 * @param baselineCorrect per row: unperturbed answer correct (null when not measured)
 * @param perturbedCorrect per row: perturbed answer correct (null when not measured)
 */
record PerturbationScore(PerturbedEval eval, Counts counts, int measured, Estimate consistency,
    Estimate accuracy, Estimate baselineAccuracy, Estimate drop, double dropPValue,
    Boolean[] equivalent, Boolean[] baselineCorrect, Boolean[] perturbedCorrect) {

  /** Rows by outcome and failure. */
  record Counts(int rows, int applied, int unchanged, int notApplicable, int flagged,
      int perturbationFailed, int answerFailures, int emptyAnswers, int baselineFailures) {}

  /** Scores one perturbation against the unperturbed answers. */
  static PerturbationScore of(PerturbedEval eval, List<RowResult> baseline,
      EquivalenceJudge judge, Settings s) {
    int n = eval.rows().size();
    Boolean[] eq = new Boolean[n];
    Boolean[] bc = new Boolean[n];
    Boolean[] pc = new Boolean[n];
    int applied = 0;
    int unchanged = 0;
    int na = 0;
    int flagged = 0;
    int pfailed = 0;
    int failures = 0;
    int empty = 0;
    int baselineFailures = 0;
    int measured = 0;
    for (int i = 0; i < n; i++) {
      RowResult r = eval.rows().get(i);
      switch (r.outcome()) {
        case APPLIED -> applied++;
        case UNCHANGED -> unchanged++;
        case NOT_APPLICABLE -> na++;
        case FLAGGED -> flagged++;
        default -> pfailed++;
      }
      if (r.outcome() != Outcome.APPLIED) {
        continue;
      }
      if (r.failure() != null) {
        failures++;
        if ("empty_answer".equals(r.failure())) {
          empty++;
        }
        continue;
      }
      RowResult b = baseline.get(i);
      if (b.failure() != null || b.answer() == null) {
        baselineFailures++;
        continue;
      }
      measured++;
      eq[i] = judge.equivalent(b.answer(), Answers.mapBack(r.answer(), r.labelMap()));
      bc[i] = Answers.correct(b.answer(), b.gold());
      pc[i] = Answers.correct(r.answer(), r.gold());
    }
    Counts counts = new Counts(n, applied, unchanged, na, flagged, pfailed, failures, empty,
        baselineFailures);
    double level = s.confidenceLevel();
    int e = 0;
    int bOk = 0;
    int pOk = 0;
    double[] base = new double[measured];
    double[] pert = new double[measured];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (eq[i] == null) {
        continue;
      }
      e += eq[i] ? 1 : 0;
      bOk += bc[i] ? 1 : 0;
      pOk += pc[i] ? 1 : 0;
      base[k] = bc[i] ? 1 : 0;
      pert[k] = pc[i] ? 1 : 0;
      k++;
    }
    Estimate drop = null;
    double p = 1.0;
    if (measured > 0) {
      PairedDifference d = PairedTests.bootstrapMeanDifference(base, pert, level,
          s.bootstrapSamples(), s.seed());
      drop = d.difference();
      boolean[] ba = new boolean[measured];
      boolean[] pa = new boolean[measured];
      for (int i = 0; i < measured; i++) {
        ba[i] = base[i] > 0;
        pa[i] = pert[i] > 0;
      }
      p = PairedTests.mcNemar(ba, pa).exactP();
    }
    return new PerturbationScore(eval, counts, measured,
        ConfidenceIntervals.wilson(e, measured, level),
        ConfidenceIntervals.wilson(pOk, measured, level),
        ConfidenceIntervals.wilson(bOk, measured, level), drop, p, eq, bc, pc);
  }

  String label() {
    return eval.label();
  }

  /** The drop's value, or NaN when nothing was measured. */
  double dropValue() {
    return drop == null ? Double.NaN : drop.value();
  }
}
