package io.llmtestbed.ait.sdk.stats;

/**
 * A paired comparison of two samples: the mean of {@code a[i] - b[i]} with its interval, and a
 * two-sided p-value for "mean difference is zero".
 *
 * @param difference mean difference a - b with its confidence interval; {@code n} = pairs
 * @param pValue two-sided p-value, in (0, 1]
 * @param resamples number of bootstrap resamples used
 * @param seed seed of the resampling, so the result can be reproduced
 */
public record PairedDifference(Estimate difference, double pValue, int resamples, long seed) {
}
