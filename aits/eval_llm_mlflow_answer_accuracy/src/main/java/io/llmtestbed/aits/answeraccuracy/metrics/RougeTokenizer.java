package io.llmtestbed.aits.answeraccuracy.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The default tokenizer of Google's {@code rouge-score} Python package (the one MLflow's
 * {@code rougeL/v1} uses through Hugging Face {@code evaluate}, which passes no tokenizer and
 * {@code use_stemmer=False}), reproduced character for character.
 *
 * <p>{@code rouge-score} lower-cases with Python's {@code str.lower()}, replaces every run of
 * characters outside {@code [a-z0-9]} with a space and splits on whitespace; no stemming. So a
 * token is a maximal run of ASCII letters and digits after lower-casing. Only three kinds of
 * non-ASCII characters lower-case into ASCII under Python's full Unicode case mapping, and they
 * are mapped the same way here: {@code U+0130} (İ, lower-cases to {@code i} plus a combining dot,
 * which then separates), {@code U+212A} (Kelvin sign, to {@code k}). Every other character,
 * including all Japanese text, is a separator, which is why Japanese rows score 0 with it.
 *
 * <p>Not thread-safe: it keeps a scratch buffer.
 */
public final class RougeTokenizer {
  private char[] scratch = new char[64];

  /**
   * Appends the ids of the tokens of {@code text} to {@code out}, interning them in
   * {@code vocabulary}.
   */
  void tokenize(String text, Vocabulary vocabulary, TokenSequence out) {
    int length = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      char mapped = map(c);
      if (mapped != 0) {
        if (length == scratch.length) {
          scratch = java.util.Arrays.copyOf(scratch, length * 2);
        }
        scratch[length++] = mapped;
        // İ lower-cases to "i" + U+0307; the combining dot ends the token.
        if (c == '\u0130') {
          out.add(vocabulary.intern(scratch, 0, length));
          length = 0;
        }
      } else if (length > 0) {
        out.add(vocabulary.intern(scratch, 0, length));
        length = 0;
      }
    }
    if (length > 0) {
      out.add(vocabulary.intern(scratch, 0, length));
    }
  }

  /** The tokens of {@code text} as strings (tests and diagnostics; the engine uses ids). */
  public List<String> tokens(String text) {
    Vocabulary vocabulary = new Vocabulary();
    TokenSequence sequence = new TokenSequence();
    tokenize(text, vocabulary, sequence);
    List<String> tokens = new ArrayList<>(sequence.length());
    for (int i = 0; i < sequence.length(); i++) {
      tokens.add(vocabulary.token(sequence.ids()[i]));
    }
    return tokens;
  }

  /** The token character {@code c} lower-cases to, or 0 when it separates tokens. */
  private static char map(char c) {
    if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
      return c;
    }
    if (c >= 'A' && c <= 'Z') {
      return (char) (c + ('a' - 'A'));
    }
    if (c == '\u0130') {
      return 'i';
    }
    if (c == '\u212A') {
      return 'k';
    }
    return 0;
  }
}
