package io.llmtestbed.aits.robustness.perturb;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Punctuation variants: on {@code severity} of the eligible marks, 、 <-> ，, 。 <-> ．,
 * ! <-> ！, ? <-> ？, : <-> ：, and in English text a space after , . ! ? is added or dropped.
 * Marks between two digits ({@code 1,000}, {@code 3.14}) and protected spans are left alone.
 */
final class Punctuation implements Perturbation {
  private static final String FROM = "、，。．!！?？:：";
  private static final String TO = "，、．。！!？?：:";

  @Override
  public String name() {
    return "punctuation";
  }

  @Override
  public String description() {
    return "punctuation variants on severity x the marks: 、<->，, 。<->．, !<->！, ?<->？, "
        + ":<->：, and a space added or dropped after , . ! ? in English; never between digits";
  }

  @Override
  public String preserves() {
    return "every character that is not punctuation or whitespace, in order";
  }

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    String s = in.text();
    boolean[] guarded = ProtectedSpans.mask(s);
    List<Integer> marks = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean betweenDigits = i > 0 && i + 1 < s.length() && Chars.isDigit(s.charAt(i - 1))
          && Chars.isDigit(s.charAt(i + 1));
      if (!guarded[i] && !betweenDigits && (FROM.indexOf(c) >= 0 || c == ',' || c == '.')) {
        marks.add(i);
      }
    }
    int n = Chars.count(marks.size(), severity);
    if (n == 0) {
      return PerturbationResult.unchanged(in, "no punctuation mark");
    }
    boolean[] chosen = Chars.choose(marks.size(), n, random);
    StringBuilder out = new StringBuilder(s.length() + n);
    int pos = 0;
    for (int k = 0; k < marks.size(); k++) {
      if (!chosen[k]) {
        continue;
      }
      int i = marks.get(k);
      char c = s.charAt(i);
      out.append(s, pos, i);
      int f = FROM.indexOf(c);
      boolean spacing = (c == ',' || c == '.' || c == '!' || c == '?') && random.nextBoolean();
      if (spacing) {
        out.append(c);
        // Dropping the space of "3. 5" would make the number 3.5: keep it before a digit.
        if (i + 2 < s.length() && s.charAt(i + 1) == ' ' && !Chars.isDigit(s.charAt(i + 2))) {
          pos = i + 2;
        } else if (i + 1 < s.length() && s.charAt(i + 1) == ' ') {
          pos = i + 1;
        } else {
          out.append(' ');
          pos = i + 1;
        }
      } else if (f >= 0) {
        out.append(TO.charAt(f));
        pos = i + 1;
      } else {
        // ',' or '.' in ASCII text: the full-width form.
        out.append(c == ',' ? '，' : '．');
        pos = i + 1;
      }
    }
    out.append(s, pos, s.length());
    return PerturbationResult.applied(out.toString(), in.gold(), n + " mark(s) varied");
  }

  static boolean punctuationOrSpace(int c) {
    return Character.isWhitespace(c) || c == '　' || FROM.indexOf(c) >= 0 || c == ','
        || c == '.';
  }

  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    return Chars.without(in.text(), Punctuation::punctuationOrSpace)
        .equals(Chars.without(out.text(), Punctuation::punctuationOrSpace)) ? null
        : "a character other than punctuation or whitespace changed";
  }
}
