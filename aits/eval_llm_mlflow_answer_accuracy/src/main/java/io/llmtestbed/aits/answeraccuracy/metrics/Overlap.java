package io.llmtestbed.aits.answeraccuracy.metrics;

import java.util.Arrays;

/**
 * Bag-of-tokens F1 and longest-common-subsequence ROUGE-L on token-id sequences, with scratch
 * arrays reused across rows. Not thread-safe.
 *
 * <p>Both follow {@code rouge-score}'s arithmetic exactly: precision = overlap / |prediction|,
 * recall = overlap / |reference|, F = 2·P·R / (P + R), and F = 0 when either side has no
 * tokens or P + R = 0. In double precision the same operations in the same order give the same
 * bits as Python.
 */
final class Overlap {
  /**
   * The longest token sequence given to the LCS; longer sequences are cut to their first
   * {@value} tokens for ROUGE-L only (token F1 always uses every token).
   */
  // LIMIT: ROUGE-L on texts over 20,000 tokens is computed on their first 20,000 tokens, to
  // bound the O(n·m) time of one row (about 0.4 s at the limit); rouge-score has no limit.
  static final int MAX_LCS_TOKENS = 20_000;

  private boolean lastTruncated;

  private int[] counts = new int[512];
  private int[] lcsRow = new int[512];

  /**
   * SQuAD-style F1 on the multisets of tokens: overlap = Σ min(count in prediction, count in
   * reference).
   *
   * @param vocabularySize every id in both sequences is below it
   */
  double tokenF1(TokenSequence prediction, TokenSequence reference, int vocabularySize) {
    int p = prediction.length();
    int r = reference.length();
    if (p == 0 || r == 0) {
      return 0.0;
    }
    if (counts.length < vocabularySize) {
      counts = new int[Math.max(vocabularySize, counts.length * 2)];
    }
    int[] ref = reference.ids();
    for (int i = 0; i < r; i++) {
      counts[ref[i]]++;
    }
    int same = 0;
    int[] pred = prediction.ids();
    for (int i = 0; i < p; i++) {
      int id = pred[i];
      if (counts[id] > 0) {
        counts[id]--;
        same++;
      }
    }
    Arrays.fill(counts, 0, vocabularySize, 0);
    return fmeasure(same, p, r);
  }

  /** ROUGE-L F-measure: LCS length in place of the overlap. */
  double rougeL(TokenSequence prediction, TokenSequence reference) {
    int p = Math.min(prediction.length(), MAX_LCS_TOKENS);
    int r = Math.min(reference.length(), MAX_LCS_TOKENS);
    lastTruncated = p < prediction.length() || r < reference.length();
    if (p == 0 || r == 0) {
      return 0.0;
    }
    int lcs = p <= r
        ? lcsLength(reference.ids(), r, prediction.ids(), p)
        : lcsLength(prediction.ids(), p, reference.ids(), r);
    return fmeasure(lcs, p, r);
  }

  /** Whether the last {@link #rougeL} call cut a side to {@link #MAX_LCS_TOKENS} tokens. */
  boolean lastTruncated() {
    return lastTruncated;
  }

  /**
   * LCS length of {@code outer[0, n)} and {@code inner[0, m)} in O(n·m) time and O(m) memory:
   * one row of the DP table, updated in place.
   */
  private int lcsLength(int[] outer, int n, int[] inner, int m) {
    if (lcsRow.length < m + 1) {
      lcsRow = new int[Math.max(m + 1, lcsRow.length * 2)];
    }
    int[] row = lcsRow;
    Arrays.fill(row, 0, m + 1, 0);
    for (int i = 0; i < n; i++) {
      int token = outer[i];
      int diagonal = 0;
      int left = 0;
      for (int j = 1; j <= m; j++) {
        int up = row[j];
        int value;
        if (inner[j - 1] == token) {
          value = diagonal + 1;
        } else {
          value = Math.max(up, left);
        }
        row[j] = value;
        diagonal = up;
        left = value;
      }
    }
    return row[m];
  }

  /** F-measure from an overlap count, computed as rouge-score and SQuAD do. */
  static double fmeasure(int overlap, int predictionLength, int referenceLength) {
    if (overlap == 0) {
      return 0.0;
    }
    double precision = (double) overlap / predictionLength;
    double recall = (double) overlap / referenceLength;
    return 2 * precision * recall / (precision + recall);
  }
}
