package io.llmtestbed.aits.safe.index;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits documents into passages of whole sentences, about {@code targetWords} words each, so
 * that a search result is a paragraph-sized piece of evidence rather than a whole article (the
 * size of the snippets SAFE reads from Google is smaller still).
 *
 * <p>Words are whitespace-separated tokens; in Chinese and Japanese script, where there is no
 * space, two characters count as one word (about 200 characters per passage). A sentence ends
 * at {@code . ! ?} followed by white space, at {@code 。！？}, or at a line break. A sentence
 * longer than the target stays whole in a passage of its own.
 */
public final class PassageSplitter {

  /** The default passage size in words. */
  public static final int DEFAULT_WORDS = 100;

  // LIMIT: a punctuation rule, not a trained sentence splitter (abbreviations such as "Dr." end
  // a sentence here); it only decides where passages may be cut.
  private static final Pattern SENTENCE_END =
      Pattern.compile("(?<=[.!?])\\s+|(?<=[。！？])|\\R+");

  private final int targetWords;

  public PassageSplitter(int targetWords) {
    if (targetWords < 10) {
      throw new IllegalArgumentException("passage size must be at least 10 words, got "
          + targetWords);
    }
    this.targetWords = targetWords;
  }

  public PassageSplitter() {
    this(DEFAULT_WORDS);
  }

  public int targetWords() {
    return targetWords;
  }

  /** The passages of one document, in document order; at least one. */
  public List<Passage> split(CollectionDocument doc) {
    List<Passage> passages = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    double currentWords = 0;
    for (String sentence : SENTENCE_END.split(doc.text().strip())) {
      String s = sentence.strip();
      if (s.isEmpty()) {
        continue;
      }
      double w = words(s);
      if (currentWords > 0 && currentWords + w > targetWords) {
        passages.add(passage(doc, passages.size(), current));
        current.setLength(0);
        currentWords = 0;
      }
      if (!current.isEmpty() && !endsInCjk(current)) {
        current.append(' ');
      }
      current.append(s);
      currentWords += w;
    }
    if (!current.isEmpty()) {
      passages.add(passage(doc, passages.size(), current));
    }
    return passages;
  }

  /** The word measure used for passage sizes. */
  static double words(String text) {
    double words = 0;
    int cjk = 0;
    for (String token : text.split("\\s+")) {
      boolean other = false;
      for (int i = 0; i < token.length(); ) {
        int cp = token.codePointAt(i);
        if (isCjk(cp)) {
          cjk++;
        } else if (Character.isLetterOrDigit(cp)) {
          other = true;
        }
        i += Character.charCount(cp);
      }
      if (other) {
        words++;
      }
    }
    return words + cjk / 2.0;
  }

  private static boolean endsInCjk(StringBuilder text) {
    return isCjk(text.codePointBefore(text.length()))
        || "。！？、".indexOf(text.charAt(text.length() - 1)) >= 0;
  }

  private static boolean isCjk(int cp) {
    Character.UnicodeScript script = Character.UnicodeScript.of(cp);
    return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA;
  }

  private static Passage passage(CollectionDocument doc, int ordinal, CharSequence text) {
    return new Passage(doc.id(), ordinal, doc.title(), text.toString(), doc.source());
  }
}
