package io.llmtestbed.aits.safe.pipeline;

/**
 * The language a response is handled in: it picks the sentence splitter, the few-shot
 * demonstrations and the instructions of the atomic-fact prompt.
 */
public enum Language {
  /** English (and any text without kana or kanji). */
  EN,
  /** Japanese: the text contains hiragana, katakana or CJK ideographs. */
  JA;

  /** {@link #JA} when {@code text} contains kana or kanji, else {@link #EN}; null is EN. */
  public static Language detect(String text) {
    if (text == null) {
      return EN;
    }
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      Character.UnicodeScript script = Character.UnicodeScript.of(cp);
      if (script == Character.UnicodeScript.HIRAGANA || script == Character.UnicodeScript.KATAKANA
          || script == Character.UnicodeScript.HAN) {
        return JA;
      }
      i += Character.charCount(cp);
    }
    return EN;
  }

  /** The code used in outputs: {@code en} or {@code ja}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
