package io.llmtestbed.aits.robustness.perturb;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The numeric values a text contains, for the meaning guard: every perturbation must keep this
 * multiset. Read after NFKC (so full-width digits count): runs of ASCII digits with thousands
 * separators ({@code 1,000}: a comma followed by exactly three digits) and one decimal point,
 * kanji numerals ({@code 三千}, {@code 二〇二四}) and mixed forms ({@code 2万}, {@code 1万5000}).
 */
public final class Numbers {
  private Numbers() {}

  /** The values, sorted, as plain strings without trailing zeros ({@code "1000"}). */
  public static List<String> values(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC);
    List<BigDecimal> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (!Chars.isNumeric(c)) {
        i++;
        continue;
      }
      int start = i;
      boolean dot = false;
      while (i < s.length()) {
        char d = s.charAt(i);
        if (Chars.isNumeric(d)) {
          i++;
        } else if (d == ',' && threeDigits(s, i + 1) && i > start
            && Character.isDigit(s.charAt(i - 1))) {
          i++;
        } else if (d == '.' && !dot && i > start && Character.isDigit(s.charAt(i - 1))
            && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))) {
          dot = true;
          i++;
        } else {
          break;
        }
      }
      out.add(parse(s.substring(start, i)));
    }
    return out.stream().sorted().map(v -> v.stripTrailingZeros().toPlainString()).toList();
  }

  private static boolean threeDigits(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int k = from; k < from + 3; k++) {
      if (!Character.isDigit(s.charAt(k))) {
        return false;
      }
    }
    return from + 3 == s.length() || !Character.isDigit(s.charAt(from + 3));
  }

  /** Parses one numeric token (digits, commas, a point, kanji numerals). */
  static BigDecimal parse(String token) {
    String t = token.replace(",", "");
    if (t.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
      return new BigDecimal(t);
    }
    BigDecimal total = BigDecimal.ZERO;
    BigDecimal section = BigDecimal.ZERO;
    BigDecimal current = null;
    int i = 0;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (Character.isDigit(c)) {
        int j = i;
        while (j < t.length() && (Character.isDigit(t.charAt(j)) || t.charAt(j) == '.')) {
          j++;
        }
        current = new BigDecimal(t.substring(i, j));
        i = j;
        continue;
      }
      int digit = "〇一二三四五六七八九".indexOf(c);
      if (digit >= 0) {
        current = (current == null ? BigDecimal.ZERO : current.multiply(BigDecimal.TEN))
            .add(BigDecimal.valueOf(digit));
      } else if ("十百千".indexOf(c) >= 0) {
        BigDecimal unit = BigDecimal.TEN.pow("十百千".indexOf(c) + 1);
        section = section.add((current == null ? BigDecimal.ONE : current).multiply(unit));
        current = null;
      } else {
        BigDecimal unit = BigDecimal.TEN.pow(4 * ("万億兆".indexOf(c) + 1));
        section = section.add(current == null ? BigDecimal.ZERO : current);
        total = total.add((section.signum() == 0 ? BigDecimal.ONE : section).multiply(unit));
        section = BigDecimal.ZERO;
        current = null;
      }
      i++;
    }
    return total.add(section).add(current == null ? BigDecimal.ZERO : current);
  }
}
