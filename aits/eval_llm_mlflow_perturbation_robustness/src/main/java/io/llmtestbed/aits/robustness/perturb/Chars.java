package io.llmtestbed.aits.robustness.perturb;

import java.util.SplittableRandom;

/** Character classes and small helpers shared by the perturbations. */
final class Chars {
  /** Kanji that are numerals: never changed by a perturbation except number_format. */
  static final String KANJI_NUMERALS = "〇一二三四五六七八九十百千万億兆";

  private Chars() {}

  static boolean isHiragana(int c) {
    return c >= 0x3041 && c <= 0x3096;
  }

  static boolean isKatakana(int c) {
    return c >= 0x30A1 && c <= 0x30F6;
  }

  static boolean isHalfWidthKatakana(int c) {
    return c >= 0xFF66 && c <= 0xFF9F;
  }

  static boolean isKanji(int c) {
    return Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN;
  }

  static boolean isKanjiNumeral(int c) {
    return KANJI_NUMERALS.indexOf(c) >= 0;
  }

  static boolean isDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
  }

  /** Digits and kanji numerals: the characters numbers are made of. */
  static boolean isNumeric(int c) {
    return isDigit(c) || isKanjiNumeral(c);
  }

  static boolean isAsciiLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isJapaneseChar(int c) {
    return isHiragana(c) || isKatakana(c) || isHalfWidthKatakana(c) || isKanji(c);
  }

  /** True when the text has any kana or kanji. */
  static boolean containsJapanese(String text) {
    return text.codePoints().anyMatch(Chars::isJapaneseChar);
  }

  /** Whether the char next to position {@code i} (either side) is numeric. */
  static boolean nextToNumeric(String s, int i) {
    return (i > 0 && isNumeric(s.charAt(i - 1)))
        || (i + 1 < s.length() && isNumeric(s.charAt(i + 1)));
  }

  /** The characters of {@code s} without those in the class. */
  static String without(String s, java.util.function.IntPredicate drop) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().filter(drop.negate()).forEach(b::appendCodePoint);
    return b.toString();
  }

  /**
   * {@code k} distinct indices of {@code 0..n-1} chosen uniformly (partial Fisher-Yates), as a
   * mask.
   */
  static boolean[] choose(int n, int k, SplittableRandom random) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    boolean[] chosen = new boolean[n];
    for (int i = 0; i < Math.min(k, n); i++) {
      int j = i + random.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      chosen[idx[i]] = true;
    }
    return chosen;
  }

  /**
   * How many of {@code eligible} places a severity changes: {@code round(rate * eligible)}, at
   * least one when the severity is above zero and there is a place.
   */
  static int count(int eligible, double rate) {
    if (eligible == 0 || rate <= 0) {
      return 0;
    }
    return Math.max(1, Math.min(eligible, (int) Math.round(rate * eligible)));
  }
}
