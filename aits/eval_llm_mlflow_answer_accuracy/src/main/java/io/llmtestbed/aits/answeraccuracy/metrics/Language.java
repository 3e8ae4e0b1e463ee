package io.llmtestbed.aits.answeraccuracy.metrics;

import java.util.Locale;

/**
 * The language setting for the Japanese-aware measures. {@link #AUTO} decides per row with
 * {@link #detect}; {@link #EN} and {@link #JA} force one tokenizer for every row.
 */
public enum Language {
  AUTO,
  EN,
  JA;

  /**
   * Parses a parameter value ({@code auto}, {@code en} or {@code ja}, any case).
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static Language parse(String value) {
    for (Language language : values()) {
      if (language.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return language;
      }
    }
    throw new IllegalArgumentException("parameter 'language' must be one of auto, en, ja; found '"
        + value + "'. Set it to 'auto' to decide per row.");
  }

  /** The parameter spelling: {@code auto}, {@code en} or {@code ja}. */
  public String parameterValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * True when {@code text} contains a kana or kanji character: Hiragana (U+3040–309F), Katakana
   * (U+30A0–30FF, U+31F0–31FF, half-width U+FF66–FF9F), the iteration mark 々 (U+3005), CJK
   * ideographs (U+3400–4DBF, U+4E00–9FFF, U+F900–FAFF, and U+20000–3134F). Chinese text
   * therefore counts as Japanese. Null is not Japanese.
   */
  public static boolean containsJapanese(String text) {
    // LIMIT: kanji alone cannot tell Japanese from Chinese, so Chinese rows are tokenized with
    // kuromoji too; force language=en (or ja) when a table mixes them.
    if (text == null) {
      return false;
    }
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < '\u3005') {
        continue;
      }
      if (c == '\u3005' || c >= '\u3040' && c <= '\u30FF' || c >= '\u31F0' && c <= '\u31FF'
          || c >= '\u3400' && c <= '\u4DBF' || c >= '\u4E00' && c <= '\u9FFF'
          || c >= '\uF900' && c <= '\uFAFF' || c >= '\uFF66' && c <= '\uFF9F') {
        return true;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n) {
        int cp = Character.toCodePoint(c, text.charAt(i + 1));
        if (cp >= 0x20000 && cp <= 0x3134F) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The language used for one row: the forced one, or under {@link #AUTO} {@link #JA} when the
   * prediction or the reference {@linkplain #containsJapanese contains Japanese}, else
   * {@link #EN}.
   */
  public Language resolve(String prediction, String reference) {
    if (this != AUTO) {
      return this;
    }
    return containsJapanese(prediction) || containsJapanese(reference) ? JA : EN;
  }
}
