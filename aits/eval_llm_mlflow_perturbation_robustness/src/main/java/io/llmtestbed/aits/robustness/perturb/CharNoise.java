package io.llmtestbed.aits.robustness.perturb;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Typos: on {@code 0.1 × severity} of the eligible letters (at least one), one of a QWERTY
 * neighbour substitution (ASCII letters only), a swap with the next letter, or a deletion.
 * Eligible: letters (ASCII letters, kana, kanji other than kanji numerals) outside protected
 * spans and not next to a digit or numeral, so numbers never merge or split, and not part of a
 * negation (not, never, n't, 不 未 非 無, ない, ません, ず ...), so a typo never inverts a prompt.
 */
final class CharNoise implements Perturbation {
  static final double RATE = 0.1;
  private static final String[] ROWS = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

  @Override
  public String name() {
    return "char_noise";
  }

  @Override
  public String description() {
    return "typos on 10% x severity of the letters (at least one): a QWERTY-neighbour "
        + "substitution (ASCII letters), a swap with the next letter, or a deletion; never in "
        + "or next to digits and numerals, never in code, URLs or e-mail addresses";
  }

  @Override
  public String preserves() {
    return "every character that is not a letter (digits, numerals, punctuation, spaces, "
        + "code), in order";
  }

  private static boolean letter(int c) {
    return (Chars.isAsciiLetter(c) || Chars.isJapaneseChar(c)) && !Chars.isKanjiNumeral(c);
  }

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    String s = in.text();
    boolean[] guarded = ProtectedSpans.mask(s);
    markNegations(s, guarded);
    List<Integer> eligible = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) {
      // Surrogate pairs are left alone: an edit must not split one.
      char c = s.charAt(i);
      if (!guarded[i] && !Character.isSurrogate(c) && letter(c) && !Chars.nextToNumeric(s, i)) {
        eligible.add(i);
      }
    }
    int edits = Chars.count(eligible.size(), RATE * severity);
    if (edits == 0) {
      return PerturbationResult.unchanged(in, "no letter to change");
    }
    boolean[] chosen = Chars.choose(eligible.size(), edits, random);
    StringBuilder out = new StringBuilder(s);
    int done = 0;
    // After a deletion at i + 1 the char at i + 1 is the one from i + 2, whose guard is not
    // guarded[i + 1]: no swap into a deleted place (it could move a protected char).
    boolean[] deleted = new boolean[s.length() + 1];
    // Right to left, so earlier indices stay valid after a deletion.
    for (int k = eligible.size() - 1; k >= 0; k--) {
      if (!chosen[k]) {
        continue;
      }
      int i = eligible.get(k);
      char c = out.charAt(i);
      int op = random.nextInt(3);
      if (op == 0 && Chars.isAsciiLetter(c)) {
        out.setCharAt(i, neighbour(c, random));
      } else if (op <= 1 && i + 1 < out.length() && !deleted[i + 1]
          && letter(out.charAt(i + 1))
          && out.charAt(i + 1) != c && !guarded[Math.min(i + 1, guarded.length - 1)]
          && !Chars.nextToNumeric(s, i + 1)) {
        out.setCharAt(i, out.charAt(i + 1));
        out.setCharAt(i + 1, c);
      } else {
        out.deleteCharAt(i);
        deleted[i] = true;
      }
      done++;
    }
    return PerturbationResult.applied(out.toString(), in.gold(), done + " typo(s)");
  }

  private static final java.util.regex.Pattern NEGATION = java.util.regex.Pattern.compile(
      "(?i)\\b(?:not|no|never|none|nothing|nobody|nowhere|nor|neither|cannot|\\w+n't)\\b"
      + "|[不未非無]|ない|なく|なかっ|ません|ず|ぬ");

  /**
   * Negations are never edited: deleting 不 turns 不可能 (impossible) into 可能, and the n of
   * never gives ever, so one typo would invert the prompt's meaning.
   */
  static void markNegations(String s, boolean[] guarded) {
    java.util.regex.Matcher m = NEGATION.matcher(s);
    while (m.find()) {
      for (int i = m.start(); i < m.end(); i++) {
        guarded[i] = true;
      }
    }
  }

  // LIMIT: keyboard-adjacency typos exist for ASCII letters only; kana and kanji get swaps and
  // deletions (IME conversion errors, the common Japanese typo, are not modelled).
  private static char neighbour(char c, SplittableRandom random) {
    char lower = Character.toLowerCase(c);
    List<Character> near = new ArrayList<>();
    for (int r = 0; r < ROWS.length; r++) {
      int col = ROWS[r].indexOf(lower);
      if (col < 0) {
        continue;
      }
      for (int dr = -1; dr <= 1; dr++) {
        for (int dc = -1; dc <= 1; dc++) {
          int rr = r + dr;
          int cc = col + dc;
          if ((dr != 0 || dc != 0) && rr >= 0 && rr < ROWS.length && cc >= 0
              && cc < ROWS[rr].length()) {
            near.add(ROWS[rr].charAt(cc));
          }
        }
      }
    }
    char n = near.get(random.nextInt(near.size()));
    return Character.isUpperCase(c) ? Character.toUpperCase(n) : n;
  }

  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    String before = Chars.without(in.text(), CharNoise::letter);
    String after = Chars.without(out.text(), CharNoise::letter);
    if (!before.equals(after)) {
      return "a character other than a letter changed";
    }
    if (!ProtectedSpans.protectedText(in.text()).equals(
        ProtectedSpans.protectedText(out.text()))) {
      return "code, a URL or an e-mail address changed";
    }
    return null;
  }
}
