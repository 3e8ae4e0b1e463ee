package io.llmtestbed.aits.robustness.perturb;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Number formats that keep the value: on {@code severity} of the whole numbers written in ASCII
 * digits (at least one), one of: thousands separators added ({@code 1000 -> 1,000}) or removed,
 * full-width digits ({@code 1000 -> １０００}), and in Japanese text kanji for round values
 * ({@code 3000 -> 三千}, {@code 20000 -> 2万}). Numbers with a decimal point, numbers that
 * touch letters ({@code GPT4}, {@code v2}), four-digit numbers from 1900 to 2099 (years), codes
 * (a leading zero, or digit groups joined by - / :, such as phone numbers, postal codes, dates
 * and times) and protected spans are left alone.
 */
final class NumberFormat implements Perturbation {
  private static final Pattern NUMBER = Pattern.compile(
      "(?<![\\w.,０-９〇一二三四五六七八九十百千万億兆])(\\d{1,3}(?:,\\d{3})+|\\d+)"
      + "(?![\\w０-９〇一二三四五六七八九十百千万億兆]|[.,，]\\d)");

  @Override
  public String name() {
    return "number_format";
  }

  @Override
  public String description() {
    return "number formats with the same value on severity x the whole numbers: 1000 <-> "
        + "1,000, full-width digits, kanji for round values in Japanese (三千, 2万); years, "
        + "decimals and numbers inside words are left alone";
  }

  @Override
  public String preserves() {
    return "the value of every number and every character that is not part of a number";
  }

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    String s = in.text();
    boolean[] guarded = ProtectedSpans.mask(s);
    boolean japanese = Chars.containsJapanese(s);
    List<int[]> spans = new ArrayList<>();
    Matcher m = NUMBER.matcher(s);
    while (m.find()) {
      String digits = m.group(1).replace(",", "");
      boolean year = digits.length() == 4 && digits.compareTo("1900") >= 0
          && digits.compareTo("2099") <= 0 && !m.group(1).contains(",");
      if (!guarded[m.start()] && !year && digits.length() <= 15
          && !identifier(s, m.start(1), m.end(1))) {
        spans.add(new int[] {m.start(1), m.end(1)});
      }
    }
    int n = Chars.count(spans.size(), severity);
    if (n == 0) {
      return PerturbationResult.unchanged(in, "no whole number to reformat");
    }
    boolean[] chosen = Chars.choose(spans.size(), n, random);
    StringBuilder out = new StringBuilder(s.length() + 8);
    int pos = 0;
    int changed = 0;
    for (int k = 0; k < spans.size(); k++) {
      if (!chosen[k]) {
        continue;
      }
      int[] sp = spans.get(k);
      String original = s.substring(sp[0], sp[1]);
      String formatted = format(original, japanese, random);
      out.append(s, pos, sp[0]).append(formatted);
      pos = sp[1];
      changed += formatted.equals(original) ? 0 : 1;
    }
    out.append(s, pos, s.length());
    if (changed == 0) {
      return PerturbationResult.unchanged(in, "no number had another format");
    }
    return PerturbationResult.applied(out.toString(), in.gold(), changed + " number(s) "
        + "reformatted");
  }

  /**
   * Whether the digits at [start, end) are a code rather than a quantity: a leading zero
   * ({@code 03}, {@code 0001}), or part of a digit group joined by - / : ({@code 03-1234-5678},
   * {@code 100-0001}, {@code 2024/3/5}, {@code 15:30}). Reformatting one would change what it
   * names ({@code 03-1,234-5678}).
   */
  static boolean identifier(String s, int start, int end) {
    if (end - start > 1 && s.charAt(start) == '0') {
      return true;
    }
    return joined(s, start - 1, start - 2) || joined(s, end, end + 1);
  }

  private static boolean joined(String s, int sep, int digit) {
    return sep >= 0 && sep < s.length() && digit >= 0 && digit < s.length()
        && "-/:－／：‐".indexOf(s.charAt(sep)) >= 0 && Chars.isDigit(s.charAt(digit));
  }

  /** One of the formats that apply to this number, chosen at random. */
  static String format(String number, boolean japanese, SplittableRandom random) {
    String digits = number.replace(",", "");
    List<String> options = new ArrayList<>();
    if (number.contains(",")) {
      options.add(digits);
    } else if (digits.length() >= 4) {
      options.add(grouped(digits));
    }
    options.add(fullWidth(number));
    if (japanese) {
      String kanji = kanji(digits);
      if (kanji != null) {
        options.add(kanji);
      }
    }
    return options.get(random.nextInt(options.size()));
  }

  static String grouped(String digits) {
    StringBuilder b = new StringBuilder();
    int lead = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
    b.append(digits, 0, lead);
    for (int i = lead; i < digits.length(); i += 3) {
      b.append(',').append(digits, i, i + 3);
    }
    return b.toString();
  }

  static String fullWidth(String number) {
    StringBuilder b = new StringBuilder(number.length());
    for (char c : number.toCharArray()) {
      b.append(Character.isDigit(c) ? (char) (c - '0' + 0xFF10) : c == ',' ? '，' : c);
    }
    return b.toString();
  }

  /**
   * Kanji for round values: {@code d000 -> d千} (d in 1..9, 1 -> 千), {@code d0000 -> d万}
   * (digits kept, as in 2万); null for other values.
   */
  static String kanji(String digits) {
    String d = digits.replaceFirst("^0+(?=\\d)", "");
    if (d.matches("[1-9]000")) {
      char lead = d.charAt(0);
      return (lead == '1' ? "" : String.valueOf("〇一二三四五六七八九".charAt(lead - '0'))) + "千";
    }
    if (d.matches("[1-9]\\d{0,3}0000")) {
      return d.substring(0, d.length() - 4) + "万";
    }
    return null;
  }

  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    java.util.function.IntPredicate numeric = c -> Chars.isNumeric(c) || c == ',' || c == '，';
    return Chars.without(in.text(), numeric).equals(Chars.without(out.text(), numeric)) ? null
        : "a character outside a number changed";
  }
}
