/**
 * Confidence intervals and paired comparisons for AIT measures, on commons-math3. Results are
 * objects ({@link io.llmtestbed.ait.sdk.stats.Estimate},
 * {@link io.llmtestbed.ait.sdk.stats.McNemarResult},
 * {@link io.llmtestbed.ait.sdk.stats.PairedDifference}) that carry the method, level and n.
 * Bootstrap methods are reproducible from their seed.
 */
package io.llmtestbed.ait.sdk.stats;
