package io.llmtestbed.ait.sdk.stats;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * Confidence intervals for a proportion and for a mean.
 *
 * <p>All methods are pure functions of their arguments; the bootstrap is reproducible for a
 * given seed.
 */
public final class ConfidenceIntervals {

  /** Default number of bootstrap resamples. */
  public static final int DEFAULT_RESAMPLES = 2000;

  private ConfidenceIntervals() {
  }

  /**
   * Wilson score interval for a binomial proportion {@code successes / n}.
   *
   * <p>Preferred over the Wald interval because it stays inside [0, 1] and keeps near-nominal
   * coverage for proportions close to 0 or 1 and for small n. For {@code n == 0} the value is
   * NaN and the interval is [0, 1] (nothing is known).
   *
   * @param successes number of successes, {@code 0 <= successes <= n}
   * @param n number of trials, {@code n >= 0}
   * @param confidenceLevel e.g. 0.95
   */
  public static Estimate wilson(long successes, long n, double confidenceLevel) {
    Checks.confidence(confidenceLevel);
    if (n < 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException("Wilson interval needs 0 <= successes <= n, got "
          + "successes=" + successes + ", n=" + n);
    }
    if (n == 0) {
      return new Estimate(Double.NaN, 0.0, 1.0, confidenceLevel, 0, "wilson");
    }
    double z = zQuantile(confidenceLevel);
    double p = (double) successes / n;
    double z2n = z * z / n;
    double denominator = 1.0 + z2n;
    double centre = (p + z2n / 2.0) / denominator;
    double half = z * Math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n)) / denominator;
    double lower = successes == 0 ? 0.0 : Math.max(0.0, centre - half);
    double upper = successes == n ? 1.0 : Math.min(1.0, centre + half);
    return new Estimate(p, lower, upper, confidenceLevel, Math.toIntExact(n), "wilson");
  }

  /**
   * Student t interval for the mean of {@code xs}. With fewer than two values the bounds are
   * NaN (the spread cannot be estimated).
   */
  public static Estimate tInterval(double[] xs, double confidenceLevel) {
    Checks.confidence(confidenceLevel);
    Checks.nonEmpty(xs, "xs");
    double mean = new Mean().evaluate(xs);
    if (xs.length < 2) {
      return new Estimate(mean, Double.NaN, Double.NaN, confidenceLevel, xs.length, "t");
    }
    double se = new StandardDeviation(true).evaluate(xs) / Math.sqrt(xs.length);
    double t = new TDistribution(xs.length - 1.0)
        .inverseCumulativeProbability(1.0 - (1.0 - confidenceLevel) / 2.0);
    return new Estimate(mean, mean - t * se, mean + t * se, confidenceLevel, xs.length, "t");
  }

  /**
   * Percentile bootstrap interval for the mean of {@code xs}: {@code resamples} resamples with
   * replacement, bounds at the {@code (1-level)/2} and {@code (1+level)/2} quantiles of the
   * resampled means. Reproducible for a given {@code seed}.
   *
   * @param resamples number of bootstrap resamples B, at least 100
   */
  public static Estimate bootstrapMean(double[] xs, double confidenceLevel, int resamples,
      long seed) {
    Checks.confidence(confidenceLevel);
    Checks.nonEmpty(xs, "xs");
    Checks.resamples(resamples);
    SplittableRandom random = new SplittableRandom(seed);
    double[] means = new double[resamples];
    int n = xs.length;
    for (int b = 0; b < resamples; b++) {
      double sum = 0.0;
      for (int i = 0; i < n; i++) {
        sum += xs[random.nextInt(n)];
      }
      means[b] = sum / n;
    }
    double mean = new Mean().evaluate(xs);
    double[] bounds = percentileBounds(means, confidenceLevel);
    return new Estimate(mean, bounds[0], bounds[1], confidenceLevel, n, "bootstrap-percentile");
  }

  /** Two-sided standard-normal quantile for a confidence level, e.g. 1.959964 for 0.95. */
  static double zQuantile(double confidenceLevel) {
    return new NormalDistribution(null, 0.0, 1.0)
        .inverseCumulativeProbability(1.0 - (1.0 - confidenceLevel) / 2.0);
  }

  /** Percentile bounds of {@code values} (sorted in place) with linear interpolation. */
  static double[] percentileBounds(double[] values, double confidenceLevel) {
    Arrays.sort(values);
    double alpha = (1.0 - confidenceLevel) / 2.0;
    return new double[] {quantile(values, alpha), quantile(values, 1.0 - alpha)};
  }

  private static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    double fraction = position - below;
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
  }
}
