package io.llmtestbed.ait.sdk.stats;

/**
 * Result of McNemar's test on paired binary outcomes (A correct / B correct per item).
 *
 * @param n number of pairs
 * @param onlyA discordant pairs where A succeeded and B failed (often called b)
 * @param onlyB discordant pairs where B succeeded and A failed (often called c)
 * @param exactP two-sided exact conditional p-value (binomial test of b among b+c at 0.5),
 *     capped at 1; 1.0 when there are no discordant pairs
 * @param midP two-sided mid-p value: exactP minus the probability of the observed count,
 *     which has closer-to-nominal size than the exact test (Fagerland, Lydersen, Laake 2013)
 * @param method always {@code "mcnemar-exact"}
 */
public record McNemarResult(int n, int onlyA, int onlyB, double exactP, double midP,
    String method) {

  /** Number of discordant pairs, b + c. */
  public int discordant() {
    return onlyA + onlyB;
  }
}
