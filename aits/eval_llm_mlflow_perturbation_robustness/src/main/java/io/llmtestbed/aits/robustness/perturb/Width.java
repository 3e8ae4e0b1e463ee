package io.llmtestbed.aits.robustness.perturb;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Full-width / half-width: on {@code severity} of the eligible characters, ASCII letters, digits
 * and symbols become full-width (U+FF01..U+FF5E) and full-width ones half-width; katakana become
 * half-width katakana (explicit table, voiced marks as a second character) and half-width
 * katakana full-width (NFKC). Code, URLs and e-mail addresses are left alone.
 */
final class Width implements Perturbation {
  private static final String FULL_KATAKANA =
      "ァアィイゥウェエォオカキクケコサシスセソタチッツテトナニヌネノハヒフヘホマミムメモャヤュユョヨ"
      + "ラリルレロワヲンー・「」、。ヴガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポ";
  private static final String[] HALF_KATAKANA = halfTable();

  private static String[] halfTable() {
    String plain = "ｧｱｨｲｩｳｪｴｫｵｶｷｸｹｺｻｼｽｾｿﾀﾁｯﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓｬﾔｭﾕｮﾖﾗﾘﾙﾚﾛﾜｦﾝｰ･｢｣､｡";
    String voicedBase = "ｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ";
    String semiBase = "ﾊﾋﾌﾍﾎ";
    List<String> t = new ArrayList<>();
    plain.chars().forEach(c -> t.add(String.valueOf((char) c)));
    voicedBase.chars().forEach(c -> t.add((char) c + "ﾞ"));
    semiBase.chars().forEach(c -> t.add((char) c + "ﾟ"));
    return t.toArray(new String[0]);
  }

  @Override
  public String name() {
    return "width";
  }

  @Override
  public String description() {
    return "full-width <-> half-width on severity x the eligible characters: ASCII letters, "
        + "digits and symbols to full-width and back, katakana to half-width katakana and back";
  }

  @Override
  public String preserves() {
    return "the NFKC form of the text (only the width of characters changes)";
  }

  /** One unit to toggle: a char, or a half-width katakana with its voiced mark. */
  private record Unit(int start, int end) {}

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    String s = in.text();
    boolean[] guarded = ProtectedSpans.mask(s);
    List<Unit> units = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (guarded[i]) {
        continue;
      }
      if (c >= 0x21 && c <= 0x7E || c >= 0xFF01 && c <= 0xFF5E
          || FULL_KATAKANA.indexOf(c) >= 0) {
        units.add(new Unit(i, i + 1));
      } else if (Chars.isHalfWidthKatakana(c) && c != 'ﾞ' && c != 'ﾟ') {
        boolean mark = i + 1 < s.length() && (s.charAt(i + 1) == 'ﾞ' || s.charAt(i + 1) == 'ﾟ');
        units.add(new Unit(i, mark ? i + 2 : i + 1));
      }
    }
    int n = Chars.count(units.size(), severity);
    if (n == 0) {
      return PerturbationResult.unchanged(in, "no character with a width variant");
    }
    boolean[] chosen = Chars.choose(units.size(), n, random);
    StringBuilder out = new StringBuilder(s.length());
    int pos = 0;
    for (int k = 0; k < units.size(); k++) {
      if (!chosen[k]) {
        continue;
      }
      Unit u = units.get(k);
      out.append(s, pos, u.start());
      out.append(toggle(s.substring(u.start(), u.end())));
      pos = u.end();
    }
    out.append(s, pos, s.length());
    return PerturbationResult.applied(out.toString(), in.gold(), n + " character(s) re-widthed");
  }

  static String toggle(String unit) {
    char c = unit.charAt(0);
    if (c >= 0x21 && c <= 0x7E) {
      return String.valueOf((char) (c - 0x21 + 0xFF01));
    }
    if (c >= 0xFF01 && c <= 0xFF5E) {
      return String.valueOf((char) (c - 0xFF01 + 0x21));
    }
    int k = FULL_KATAKANA.indexOf(c);
    if (k >= 0) {
      return HALF_KATAKANA[k];
    }
    return Normalizer.normalize(unit, Normalizer.Form.NFKC);
  }

  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    String a = Normalizer.normalize(in.text(), Normalizer.Form.NFKC);
    String b = Normalizer.normalize(out.text(), Normalizer.Form.NFKC);
    return a.equals(b) ? null : "the NFKC form changed (a character other than its width)";
  }
}
