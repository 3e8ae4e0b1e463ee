package io.llmtestbed.ait.sdk.stats;

/**
 * A point estimate with its confidence interval.
 *
 * <p>{@code lower <= value <= upper} always holds for the intervals this package computes,
 * except that a bootstrap interval of a degenerate sample collapses to the value itself.
 * When the interval is undefined (for example a t-interval of one observation), {@code lower}
 * and {@code upper} are {@link Double#NaN}.
 *
 * @param value the point estimate (a proportion in [0, 1], a mean, or a difference of means)
 * @param lower lower confidence bound
 * @param upper upper confidence bound
 * @param confidenceLevel nominal coverage in (0, 1), e.g. 0.95
 * @param n number of observations (pairs, for paired methods) the estimate was computed on
 * @param method name of the method, e.g. {@code "wilson"}, {@code "t"}, {@code "bootstrap-percentile"}
 */
public record Estimate(
    double value, double lower, double upper, double confidenceLevel, int n, String method) {

  public Estimate {
    Checks.confidence(confidenceLevel);
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    if (method == null || method.isBlank()) {
      throw new IllegalArgumentException("method must name the estimation method, got '"
          + method + "'");
    }
  }

  /** Width of the interval, {@code upper - lower} (NaN when the interval is undefined). */
  public double width() {
    return upper - lower;
  }

  /** True when {@code x} lies inside the closed interval. */
  public boolean contains(double x) {
    return x >= lower && x <= upper;
  }
}
