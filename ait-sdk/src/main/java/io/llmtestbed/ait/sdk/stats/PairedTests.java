package io.llmtestbed.ait.sdk.stats;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;

/** Comparisons of two systems evaluated on the same items. */
public final class PairedTests {

  private PairedTests() {
  }

  /**
   * McNemar's exact (and mid-p) test from per-item outcomes of systems A and B.
   *
   * @throws IllegalArgumentException if the arrays differ in length (pairs must align)
   */
  public static McNemarResult mcNemar(boolean[] a, boolean[] b) {
    if (a == null || b == null || a.length != b.length) {
      throw new IllegalArgumentException("McNemar needs outcomes of A and B on the same items; "
          + "got " + (a == null ? "null" : a.length) + " and " + (b == null ? "null" : b.length)
          + " outcomes. Align both runs by item id first");
    }
    int onlyA = 0;
    int onlyB = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] && !b[i]) {
        onlyA++;
      } else if (!a[i] && b[i]) {
        onlyB++;
      }
    }
    return mcNemar(a.length, onlyA, onlyB);
  }

  /**
   * McNemar's exact (and mid-p) test from the discordant counts.
   *
   * @param n total number of pairs (concordant included), used for reporting only
   * @param onlyA pairs where only A succeeded (b)
   * @param onlyB pairs where only B succeeded (c)
   */
  public static McNemarResult mcNemar(int n, int onlyA, int onlyB) {
    if (onlyA < 0 || onlyB < 0 || onlyA + onlyB > n) {
      throw new IllegalArgumentException("McNemar needs 0 <= b, c and b + c <= n; got b=" + onlyA
          + ", c=" + onlyB + ", n=" + n);
    }
    int discordant = onlyA + onlyB;
    if (discordant == 0) {
      return new McNemarResult(n, onlyA, onlyB, 1.0, 1.0, "mcnemar-exact");
    }
    BinomialDistribution binomial = new BinomialDistribution(null, discordant, 0.5);
    int k = Math.min(onlyA, onlyB);
    double tail = binomial.cumulativeProbability(k);
    double pointMass = binomial.probability(k);
    double exact = Math.min(1.0, 2.0 * tail);
    double mid = Math.min(1.0, 2.0 * (tail - 0.5 * pointMass));
    return new McNemarResult(n, onlyA, onlyB, exact, mid, "mcnemar-exact");
  }

  /**
   * Paired bootstrap for the mean difference {@code mean(a[i] - b[i])}.
   *
   * <p>The interval is the percentile interval of the resampled mean differences. The p-value
   * resamples the differences centred on zero (the null hypothesis) and reports
   * {@code (1 + #{|mean*| >= |observed|}) / (1 + B)}, so it is never exactly zero.
   */
  public static PairedDifference bootstrapMeanDifference(double[] a, double[] b,
      double confidenceLevel, int resamples, long seed) {
    Checks.confidence(confidenceLevel);
    Checks.resamples(resamples);
    Checks.nonEmpty(a, "a");
    Checks.nonEmpty(b, "b");
    if (a.length != b.length) {
      throw new IllegalArgumentException("paired bootstrap needs samples of equal length (one "
          + "value per item for each system); got " + a.length + " and " + b.length
          + ". Align both runs by item id first");
    }
    int n = a.length;
    double[] d = new double[n];
    double observed = 0.0;
    for (int i = 0; i < n; i++) {
      d[i] = a[i] - b[i];
      observed += d[i];
    }
    observed /= n;
    SplittableRandom random = new SplittableRandom(seed);
    double[] means = new double[resamples];
    int extreme = 0;
    for (int r = 0; r < resamples; r++) {
      double sum = 0.0;
      for (int i = 0; i < n; i++) {
        sum += d[random.nextInt(n)];
      }
      means[r] = sum / n;
      // Centring the resampled mean on zero gives its distribution under "no difference".
      if (Math.abs(means[r] - observed) >= Math.abs(observed) - 1e-12) {
        extreme++;
      }
    }
    double[] bounds = ConfidenceIntervals.percentileBounds(means, confidenceLevel);
    Estimate difference = new Estimate(observed, bounds[0], bounds[1], confidenceLevel, n,
        "paired-bootstrap-percentile");
    double p = Math.min(1.0, (1.0 + extreme) / (1.0 + resamples));
    return new PairedDifference(difference, p, resamples, seed);
  }
}
