package io.llmtestbed.aits.robustness.perturb;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shuffles the options of a multiple-choice prompt and remaps the gold answer. Options are
 * consecutive lines that start with labels of one family in order: {@code A) B)}, {@code (A)},
 * {@code A.}, {@code a)}, {@code 1) 2)}, {@code (1) (2)}, {@code ア イ ウ} (with {@code ) ． . :
 * ：} or in {@code （）}). The labels stay in place; the option texts are permuted (never the
 * identity). The gold answer is remapped when it is a label ({@code B}, {@code (B)}) or a label
 * with that option's text ({@code B) text}), and kept when it is an option's text. A prompt without two such lines is
 * not applicable; a gold answer that is neither is flagged. Severity is not used: any shuffle
 * is a full reordering.
 */
final class OptionOrder implements Perturbation {
  private static final String[] FAMILIES = {"ABCDEFGHIJ", "abcdefghij", "123456789",
      "アイウエオカキクケコ"};
  private static final Pattern LINE = Pattern.compile(
      "^(\\s*)([(（]?)([A-Ja-j1-9アイウエオカキクケコ])([)）.．:：])([ \\t　]*)(\\S.*)$");

  /** One option line. */
  record Option(int line, String indent, String open, String label, String close,
      String separator, String text) {
    String render(String withText) {
      return indent + open + label + close + separator + withText;
    }
  }

  @Override
  public String name() {
    return "option_order";
  }

  @Override
  public String description() {
    return "multiple-choice prompts: the option texts after labels A) B) / (1) (2) / ア イ "
        + "(one option a line) are shuffled, labels stay, and the gold answer's label is "
        + "remapped; prompts without options are not applicable";
  }

  @Override
  public String preserves() {
    return "the set of options, the labels in order, every other line, and the gold answer's "
        + "option";
  }

  /** The first run of at least two option lines with labels of one family in order. */
  // LIMIT: options written inline ("A) x B) y" on one line) are not detected; such prompts are
  // not applicable rather than shuffled.
  static List<Option> detect(String text) {
    String[] lines = text.split("\n", -1);
    List<Option> best = new ArrayList<>();
    List<Option> run = new ArrayList<>();
    String family = null;
    for (int i = 0; i < lines.length; i++) {
      Matcher m = LINE.matcher(lines[i]);
      Option o = m.matches() ? new Option(i, m.group(1), m.group(2), m.group(3), m.group(4),
          m.group(5), m.group(6)) : null;
      boolean continues = o != null && family != null && !run.isEmpty()
          && family.indexOf(o.label()) == run.size()
          && o.close().equals(run.get(0).close()) && o.open().equals(run.get(0).open());
      if (continues) {
        run.add(o);
        continue;
      }
      if (run.size() >= 2) {
        best = run;
        break;
      }
      run = new ArrayList<>();
      family = null;
      if (o != null) {
        for (String f : FAMILIES) {
          if (f.indexOf(o.label()) == 0) {
            family = f;
            run.add(o);
          }
        }
      }
    }
    if (best.isEmpty() && run.size() >= 2) {
      best = run;
    }
    return best;
  }

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    List<Option> options = detect(in.text());
    if (options.size() < 2) {
      return PerturbationResult.notApplicable(in, "no multiple-choice options found (two or "
          + "more lines starting A) B) / (1) (2) / ア イ)");
    }
    if (options.stream().map(Option::text).distinct().count() < 2) {
      return PerturbationResult.unchanged(in, "all options have the same text");
    }
    int n = options.size();
    int[] perm = new int[n];
    do {
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
    } while (sameTexts(options, perm));
    // perm[newPosition] = old position of the text shown there.
    Map<String, String> newToOld = new HashMap<>();
    Map<String, String> oldToNew = new HashMap<>();
    for (int pos = 0; pos < n; pos++) {
      newToOld.put(options.get(pos).label(), options.get(perm[pos]).label());
      oldToNew.put(options.get(perm[pos]).label(), options.get(pos).label());
    }
    String[] lines = in.text().split("\n", -1);
    for (int pos = 0; pos < n; pos++) {
      Option o = options.get(pos);
      lines[o.line()] = o.render(options.get(perm[pos]).text());
    }
    String text = String.join("\n", lines);
    String gold = in.gold();
    String detail = "options reordered " + order(options, perm);
    if (gold != null && !gold.isBlank()) {
      String label = goldLabel(gold, options);
      if (label != null) {
        gold = replaceLabel(gold, label, oldToNew.get(label));
      } else if (options.stream().noneMatch(o -> norm(o.text()).equals(norm(in.gold())))) {
        return PerturbationResult.flagged(in, "the gold answer '" + abbreviate(in.gold())
            + "' is neither an option label nor an option's text, so it cannot be remapped");
      }
    } else {
      detail += "; no gold answer to remap";
    }
    return new PerturbationResult(text, gold, Outcome.APPLIED, detail, newToOld);
  }

  private static boolean sameTexts(List<Option> options, int[] perm) {
    for (int i = 0; i < perm.length; i++) {
      if (!options.get(perm[i]).text().equals(options.get(i).text())) {
        return false;
      }
    }
    return true;
  }

  private static String order(List<Option> options, int[] perm) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < perm.length; i++) {
      b.append(i == 0 ? "" : ",").append(options.get(perm[i]).label());
    }
    return b.toString();
  }

  private static final Pattern BARE_LABEL = Pattern.compile(
      "^[(]?([A-Ja-j1-9アイウエオカキクケコ])[).:]?$");
  private static final Pattern LABEL_AND_TEXT = Pattern.compile(
      "^[(]?([A-Ja-j1-9アイウエオカキクケコ])[).:]?\\s*(.+)$", Pattern.DOTALL);

  /**
   * The label the gold answer names, or null: a bare label ({@code B}, {@code (B)},
   * {@code B)}), or a label followed by that very option's text ({@code B) Paris}). A gold
   * answer that merely starts with a label letter ({@code a cat}, or a multi-line answer
   * {@code a) ...\nb) ...}) names no label.
   */
  static String goldLabel(String gold, List<Option> options) {
    String g = Normalizer.normalize(gold.strip(), Normalizer.Form.NFKC);
    Matcher bare = BARE_LABEL.matcher(g);
    if (bare.matches()) {
      String label = bare.group(1);
      return options.stream().anyMatch(o -> o.label().equals(label)) ? label : null;
    }
    Matcher m = LABEL_AND_TEXT.matcher(g);
    if (!m.matches()) {
      return null;
    }
    String label = m.group(1);
    String rest = norm(m.group(2));
    return options.stream().anyMatch(o -> o.label().equals(label) && norm(o.text()).equals(rest))
        ? label : null;
  }

  /** The labels of the option lines of {@code text} after NFKC, in order (empty: none). */
  static List<String> labels(String text) {
    return detect(Normalizer.normalize(text, Normalizer.Form.NFKC)).stream().map(Option::label)
        .toList();
  }

  private static String replaceLabel(String gold, String oldLabel, String newLabel) {
    String nfkc = Normalizer.normalize(gold, Normalizer.Form.NFKC);
    int at = nfkc.indexOf(oldLabel);
    return nfkc.substring(0, at) + newLabel + nfkc.substring(at + oldLabel.length());
  }

  private static String norm(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    List<Option> before = detect(in.text());
    List<Option> after = detect(out.text());
    if (before.size() != after.size()) {
      return "the number of options changed";
    }
    List<String> a = new ArrayList<>(before.stream().map(Option::text).toList());
    List<String> b = new ArrayList<>(after.stream().map(Option::text).toList());
    java.util.Collections.sort(a);
    java.util.Collections.sort(b);
    if (!a.equals(b) || !before.stream().map(Option::label).toList()
        .equals(after.stream().map(Option::label).toList())) {
      return "the option set or the labels changed";
    }
    String[] x = in.text().split("\n", -1);
    String[] y = out.text().split("\n", -1);
    java.util.Set<Integer> optionLines = new java.util.HashSet<>();
    before.forEach(o -> optionLines.add(o.line()));
    for (int i = 0; i < x.length; i++) {
      if (!optionLines.contains(i) && !x[i].equals(y[i])) {
        return "a line that is not an option changed";
      }
    }
    if (in.gold() != null && out.gold() != null) {
      String oldLabel = goldLabel(in.gold(), before);
      String newLabel = goldLabel(out.gold(), after);
      if (oldLabel != null) {
        String oldText = before.stream().filter(o -> o.label().equals(oldLabel)).findFirst()
            .orElseThrow().text();
        String newText = after.stream().filter(o -> o.label().equals(newLabel)).findFirst()
            .map(Option::text).orElse(null);
        if (!oldText.equals(newText)) {
          return "the remapped gold answer names another option";
        }
      }
    }
    return null;
  }
}
