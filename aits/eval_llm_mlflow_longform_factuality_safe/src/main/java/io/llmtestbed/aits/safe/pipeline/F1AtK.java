package io.llmtestbed.aits.safe.pipeline;

/**
 * The paper's aggregation for one response (Wei et al. 2024, Eq. 1), with S supported and NS
 * not-supported facts; irrelevant and unrated facts take no part.
 *
 * <ul>
 *   <li>precision = S / (S + NS), undefined (NaN) when S + NS = 0;
 *   <li>recall@K = min(S / K, 1);
 *   <li>F1@K = 2 · precision · recall@K / (precision + recall@K) when S &gt; 0, else 0.
 * </ul>
 */
public final class F1AtK {
  private F1AtK() {}

  /** S / (S + NS); NaN when both are 0. */
  public static double precision(long supported, long notSupported) {
    long n = supported + notSupported;
    return n == 0 ? Double.NaN : (double) supported / n;
  }

  /** min(S / K, 1). */
  public static double recall(long supported, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("K must be >= 1 (the paper uses 64 and 178), got " + k);
    }
    return Math.min((double) supported / k, 1.0);
  }

  /** F1@K; 0 when S = 0. */
  public static double f1(long supported, long notSupported, int k) {
    if (supported == 0) {
      return 0.0;
    }
    double p = precision(supported, notSupported);
    double r = recall(supported, k);
    return 2 * p * r / (p + r);
  }
}
