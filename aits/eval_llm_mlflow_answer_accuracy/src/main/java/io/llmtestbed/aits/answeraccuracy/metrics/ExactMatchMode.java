package io.llmtestbed.aits.answeraccuracy.metrics;

import java.text.Normalizer;
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
   * The normalised form: NFKC; case folding approximated by root-locale upper- then lower-case
   * (so ß and SS both become ss, and full-width Ａ becomes a); every Unicode punctuation
   * character (general categories Pc, Pd, Ps, Pe, Pi, Pf, Po) deleted; runs of whitespace
   * collapsed to one space; leading and trailing whitespace dropped. Symbols (currency, math)
   * are kept.
   */
  public static String normalize(String text) {
    // LIMIT: Java has no full Unicode case folding; upper- then lower-casing in the root locale
    // matches Python's str.casefold() except for a few letters (e.g. dotless ı stays ı there).
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKC)
        .toUpperCase(Locale.ROOT)
        .toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(folded.length());
    boolean pendingSpace = false;
    for (int i = 0; i < folded.length(); ) {
      int cp = folded.codePointAt(i);
      i += Character.charCount(cp);
      if (CharOverlap.isSpace(cp)) {
        pendingSpace = out.length() > 0;
      } else if (!isPunctuation(cp)) {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  private static boolean isPunctuation(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
        return true;
      default:
        return false;
    }
  }
}
