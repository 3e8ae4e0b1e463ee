package io.llmtestbed.aits.robustness.perturb;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Whitespace variants: on {@code severity} of the gaps (each whitespace run, and each place
 * after 、。 in Japanese text), the gap becomes one to three spaces, a tab, a newline or an
 * ideographic space (never nothing, so words never merge); with probability {@code severity}
 * the text is padded at both ends. Never inside protected spans or next to a digit.
 */
final class Whitespace implements Perturbation {
  private static final String[] GAPS = {" ", "  ", "   ", "\t", "\n", "　"};

  @Override
  public String name() {
    return "whitespace";
  }

  @Override
  public String description() {
    return "whitespace variants on severity x the gaps: a run of spaces becomes 1-3 spaces, a "
        + "tab, a newline or an ideographic space, a space is added after 、。, leading and "
        + "trailing spaces; never in code or next to digits";
  }

  @Override
  public String preserves() {
    return "every character that is not whitespace, in order";
  }

  private record Gap(int start, int end) {}

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    String s = in.text();
    boolean[] guarded = ProtectedSpans.mask(s);
    boolean[] optionLine = ProtectedSpans.optionLines(s);
    List<Gap> gaps = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (isSpace(c)) {
        int j = i;
        while (j < s.length() && isSpace(s.charAt(j))) {
          j++;
        }
        boolean digits = (i > 0 && Chars.isDigit(s.charAt(i - 1)))
            || (j < s.length() && Chars.isDigit(s.charAt(j)));
        if (!guarded[i] && !digits && !s.substring(i, j).contains("\n")) {
          gaps.add(new Gap(i, j));
        }
        i = j;
      } else {
        if ((c == '、' || c == '。') && !guarded[i] && i + 1 < s.length()
            && !isSpace(s.charAt(i + 1))) {
          gaps.add(new Gap(i + 1, i + 1));
        }
        i++;
      }
    }
    int n = Chars.count(gaps.size(), severity);
    boolean edges = severity > 0 && random.nextDouble() < severity;
    if (n == 0 && !edges) {
      return PerturbationResult.unchanged(in, "no gap");
    }
    boolean[] chosen = Chars.choose(gaps.size(), n, random);
    StringBuilder out = new StringBuilder(s.length() + 8);
    if (edges) {
      out.append(" ");
    }
    int pos = 0;
    for (int k = 0; k < gaps.size(); k++) {
      if (!chosen[k]) {
        continue;
      }
      Gap g = gaps.get(k);
      out.append(s, pos, g.start());
      String replacement = GAPS[random.nextInt(GAPS.length)];
      if (replacement.equals("\n") && optionLine[Math.min(g.start(), optionLine.length - 1)]) {
        // A line break inside an option line would split it and end the option list.
        replacement = "\t";
      }
      String current = s.substring(g.start(), g.end());
      if (replacement.equals(current)) {
        replacement = current.equals(" ") ? "  " : " ";
      }
      out.append(replacement);
      pos = g.end();
    }
    out.append(s, pos, s.length());
    if (edges) {
      out.append(random.nextBoolean() ? " " : "\n");
    }
    return PerturbationResult.applied(out.toString(), in.gold(), n + " gap(s) varied"
        + (edges ? ", edges padded" : ""));
  }

  static boolean isSpace(int c) {
    return c == ' ' || c == '\t' || c == '　' || c == '\n' || c == '\r';
  }

  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    return Chars.without(in.text(), Whitespace::isSpace)
        .equals(Chars.without(out.text(), Whitespace::isSpace)) ? null
        : "a character other than whitespace changed";
  }
}
