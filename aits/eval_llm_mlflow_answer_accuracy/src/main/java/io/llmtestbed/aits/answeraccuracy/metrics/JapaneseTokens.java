package io.llmtestbed.aits.answeraccuracy.metrics;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.analysis.ja.JapaneseTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Word tokens for Japanese text: NFKC, lower-case (root locale), then Lucene's kuromoji
 * {@link JapaneseTokenizer} with the bundled IPADIC dictionary, no user dictionary, mode
 * {@link JapaneseTokenizer.Mode#NORMAL} (search mode off, so compounds are not split further)
 * and punctuation discarded (kuromoji drops tokens that start with a punctuation, symbol,
 * space or control character: so whitespace, 。、「」 and code symbols never become tokens).
 * Latin words and digits inside Japanese text come out as their own tokens.
 *
 * <p>One tokenizer instance is kept and reset per text. Not thread-safe.
 */
public final class JapaneseTokens {
  private final JapaneseTokenizer tokenizer =
      new JapaneseTokenizer(null, true, JapaneseTokenizer.Mode.NORMAL);
  private final CharTermAttribute term = tokenizer.addAttribute(CharTermAttribute.class);

  /** The form every text is given before tokenizing: NFKC, then root-locale lower case. */
  static String prepare(String text) {
    return prepareNfkc(CharOverlap.nfkc(text));
  }

  /** {@link #prepare} for a text already in NFKC form. */
  static String prepareNfkc(String nfkcText) {
    return nfkcText.toLowerCase(Locale.ROOT);
  }

  /** Appends the ids of the tokens of {@code text} (already {@link #prepare}d) to {@code out}. */
  void tokenize(String prepared, Vocabulary vocabulary, TokenSequence out) {
    try {
      tokenizer.setReader(new StringReader(prepared));
      tokenizer.reset();
      while (tokenizer.incrementToken()) {
        int length = term.length();
        if (length > 0) {
          out.add(vocabulary.intern(term.buffer(), 0, length));
        }
      }
      tokenizer.end();
    } catch (IOException e) {
      // A StringReader does not fail; keep the cause if it ever does.
      throw new UncheckedIOException("kuromoji failed on an in-memory string", e);
    } finally {
      closeQuietly();
    }
  }

  private void closeQuietly() {
    try {
      tokenizer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("kuromoji failed to close an in-memory reader", e);
    }
  }

  /** The tokens of {@code text} as strings (tests and diagnostics; the engine uses ids). */
  public List<String> tokens(String text) {
    Vocabulary vocabulary = new Vocabulary();
    TokenSequence sequence = new TokenSequence();
    tokenize(prepare(text), vocabulary, sequence);
    List<String> tokens = new ArrayList<>(sequence.length());
    for (int i = 0; i < sequence.length(); i++) {
      tokens.add(vocabulary.token(sequence.ids()[i]));
    }
    return tokens;
  }
}
