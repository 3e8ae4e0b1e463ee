package io.llmtestbed.aits.answeraccuracy.metrics;

import io.llmtestbed.ait.sdk.text.AnswerNormalizer;
import java.util.Locale;

/**
 * How {@code exact_match} compares a prediction with its reference.
 *
 * <ul>
 *   <li>{@link #EXACT}: Java {@link String#equals}, i.e. the same code units. This is MLflow's
 *       {@code exact_match/v1}, which is scikit-learn's {@code accuracy_score} on the raw
 *       strings: no trimming, no case folding.
 *   <li>{@link #NORMALIZED}: both sides go through {@link #normalize} first.
 * </ul>
 */
public enum ExactMatchMode {
  EXACT,
  NORMALIZED;

  /**
   * Parses a parameter value ({@code exact} or {@code normalized}, any case).
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static ExactMatchMode parse(String value) {
    for (ExactMatchMode mode : values()) {
      if (mode.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return mode;
      }
    }
    throw new IllegalArgumentException("parameter 'normalization' must be one of exact, "
        + "normalized; found '" + value + "'. Use 'exact' for MLflow's exact_match semantics.");
  }

  /** The parameter spelling: {@code exact} or {@code normalized}. */
  public String parameterValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** 1.0 when the two texts match under this mode, else 0.0. Neither may be null. */
  public double score(String prediction, String reference) {
    if (this == EXACT) {
      return prediction.equals(reference) ? 1.0 : 0.0;
    }
    return normalize(prediction).equals(normalize(reference)) ? 1.0 : 0.0;
  }

  /**
   * The normalised form, {@link AnswerNormalizer#normalize}: NFKC, case folded, Unicode
   * punctuation deleted, whitespace collapsed and trimmed. Not null.
   */
  public static String normalize(String text) {
    return AnswerNormalizer.normalize(text);
  }
}
