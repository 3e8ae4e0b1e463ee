package io.llmtestbed.aits.robustness.perturb;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spans no character-level perturbation touches: fenced code blocks ({@code ```...```}), inline
 * code ({@code `...`}), URLs and e-mail addresses. Code and addresses change meaning when one
 * character changes.
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
    return mask;
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
