package io.llmtestbed.aits.robustness.perturb;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spans no character-level perturbation touches: fenced code blocks ({@code ```...```}), inline
 * code ({@code `...`}), URLs and e-mail addresses, and the labels of multiple-choice option
 * lines ({@code A)}, {@code (1)}, {@code ア．}: the gold answer names them). Code, addresses and
 * option labels change meaning when one character changes.
 */
final class ProtectedSpans {
  private static final Pattern SPANS = Pattern.compile(
      "```.*?(```|\\z)|`[^`\\n]*`|https?://\\S+|[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+",
      Pattern.DOTALL);

  private ProtectedSpans() {}

  /** One flag per char of {@code text}: true inside a protected span. */
  static boolean[] mask(String text) {
    boolean[] mask = new boolean[text.length()];
    Matcher m = SPANS.matcher(text);
    while (m.find()) {
      for (int i = m.start(); i < m.end(); i++) {
        mask[i] = true;
      }
    }
    List<OptionOrder.Option> options = OptionOrder.detect(text);
    if (!options.isEmpty()) {
      int[] lineStart = lineStarts(text);
      for (OptionOrder.Option o : options) {
        int from = lineStart[o.line()] + o.indent().length();
        int to = from + o.open().length() + o.label().length() + o.close().length();
        for (int i = from; i < to && i < mask.length; i++) {
          mask[i] = true;
        }
      }
    }
    return mask;
  }

  /** One flag per char of {@code text}: true on a multiple-choice option line. */
  static boolean[] optionLines(String text) {
    boolean[] mask = new boolean[text.length()];
    int[] lineStart = lineStarts(text);
    for (OptionOrder.Option o : OptionOrder.detect(text)) {
      int end = text.indexOf('\n', lineStart[o.line()]);
      for (int i = lineStart[o.line()]; i < (end < 0 ? text.length() : end); i++) {
        mask[i] = true;
      }
    }
    return mask;
  }

  private static int[] lineStarts(String text) {
    List<Integer> starts = new ArrayList<>(List.of(0));
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        starts.add(i + 1);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The protected spans joined, to check that a perturbation left them as they were. */
  static String protectedText(String text) {
    StringBuilder b = new StringBuilder();
    Matcher m = SPANS.matcher(text);
    while (m.find()) {
      b.append(m.group()).append('\u0000');
    }
    return b.toString();
  }
}
