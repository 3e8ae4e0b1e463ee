package io.llmtestbed.aits.robustness.perturb;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English casing: one style per row, chosen at random: all lower case, all upper case, title
 * case, or a case flip of {@code severity} of the letters. ASCII words of two or more letters
 * only: single letters (option labels such as {@code A}, the pronoun {@code I}) and protected
 * spans keep their case.
 */
final class Casing implements Perturbation {
  private static final Pattern WORD = Pattern.compile("[A-Za-z]{2,}");

  @Override
  public String name() {
    return "casing";
  }

  @Override
  public String description() {
    return "English casing, one style per row: lower, UPPER, Title, or a case flip of "
        + "severity x the letters; words of one letter (option labels, I) keep their case";
  }

  @Override
  public String preserves() {
    return "the text in lower case (only the case of ASCII letters changes)";
  }

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    String s = in.text();
    boolean[] guarded = ProtectedSpans.mask(s);
    int style = random.nextInt(4);
    StringBuilder out = new StringBuilder(s);
    Matcher m = WORD.matcher(s);
    int letters = 0;
    while (m.find()) {
      if (guarded[m.start()]) {
        continue;
      }
      for (int i = m.start(); i < m.end(); i++) {
        char c = s.charAt(i);
        char to;
        switch (style) {
          case 0:
            to = Character.toLowerCase(c);
            break;
          case 1:
            to = Character.toUpperCase(c);
            break;
          case 2:
            to = i == m.start() ? Character.toUpperCase(c) : Character.toLowerCase(c);
            break;
          default:
            to = random.nextDouble() < severity ? flip(c) : c;
        }
        out.setCharAt(i, to);
        letters++;
      }
    }
    String text = out.toString();
    if (letters == 0 || text.equals(s)) {
      return PerturbationResult.unchanged(in, letters == 0 ? "no English word"
          : "already in the chosen case");
    }
    String[] styles = {"lower", "upper", "title", "flip"};
    return PerturbationResult.applied(text, in.gold(), "style " + styles[style]);
  }

  private static char flip(char c) {
    return Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
  }

  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    return in.text().toLowerCase(Locale.ROOT).equals(out.text().toLowerCase(Locale.ROOT))
        ? null : "a character other than a letter's case changed";
  }
}
