package io.llmtestbed.ait.sdk.text;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The answer normalisation AITs compare short answers with: the same text for the
 * answer-accuracy AIT's {@code normalization=normalized} and the robustness AIT's correctness.
 */
public final class AnswerNormalizer {

  private AnswerNormalizer() {
  }

  /**
   * The normalised form: NFKC; case folding approximated by root-locale upper- then lower-case
   * (so ß and SS both become ss, and full-width Ａ becomes a); every Unicode punctuation
   * character (general categories Pc, Pd, Ps, Pe, Pi, Pf, Po) deleted; runs of whitespace
   * (Java whitespace or Unicode space separators) collapsed to one space; leading and trailing
   * whitespace dropped. Symbols (currency, math) are kept.
   *
   * @param text not null
   * @return the normalised text, possibly empty
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
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
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
