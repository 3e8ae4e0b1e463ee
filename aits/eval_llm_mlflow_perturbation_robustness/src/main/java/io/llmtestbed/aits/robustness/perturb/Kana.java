package io.llmtestbed.aits.robustness.perturb;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hiragana <-> katakana: on {@code severity} of the kana (U+3041..U+3096 and U+30A1..U+30F6),
 * hiragana becomes the same kana in katakana and the other way round.
 */
final class Kana implements Perturbation {
  @Override
  public String name() {
    return "kana";
  }

  @Override
  public String description() {
    return "hiragana <-> katakana on severity x the kana characters (the same sound in the "
        + "other script)";
  }

  @Override
  public String preserves() {
    return "the text with every katakana read as hiragana (only the kana script changes)";
  }

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    String s = in.text();
    boolean[] guarded = ProtectedSpans.mask(s);
    List<Integer> kana = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!guarded[i] && (Chars.isHiragana(c) || Chars.isKatakana(c) && c <= 0x30F6
          && c - 0x60 <= 0x3096)) {
        kana.add(i);
      }
    }
    int n = Chars.count(kana.size(), severity);
    if (n == 0) {
      return PerturbationResult.unchanged(in, "no kana");
    }
    boolean[] chosen = Chars.choose(kana.size(), n, random);
    char[] out = s.toCharArray();
    for (int k = 0; k < kana.size(); k++) {
      if (chosen[k]) {
        int i = kana.get(k);
        out[i] = Chars.isHiragana(out[i]) ? (char) (out[i] + 0x60) : (char) (out[i] - 0x60);
      }
    }
    return PerturbationResult.applied(new String(out), in.gold(), n + " kana switched");
  }

  static String toHiragana(String s) {
    char[] c = s.toCharArray();
    for (int i = 0; i < c.length; i++) {
      if (Chars.isKatakana(c[i]) && c[i] - 0x60 <= 0x3096) {
        c[i] = (char) (c[i] - 0x60);
      }
    }
    return new String(c);
  }

  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    return toHiragana(in.text()).equals(toHiragana(out.text())) ? null
        : "a character other than a kana's script changed";
  }
}
