package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.text.AnswerNormalizer;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answer text helpers: the normalisation (the same as the answer-accuracy AIT's
 * {@code normalization=normalized}), correctness against the gold answer, and mapping an
 * option label back through an option_order shuffle.
 */
final class Answers {
  private static final Pattern LEADING_LABEL = Pattern.compile(
      "^\\s*[(（]?([A-Ja-j1-9アイウエオカキクケコ])(?=[)）.．:：、，,](?![0-9０-９])|\\s*\\n|\\s*$)");

  private Answers() {}

  /** {@link AnswerNormalizer#normalize}, as the answer-accuracy AIT normalises. */
  static String normalize(String text) {
    return AnswerNormalizer.normalize(text);
  }

  /**
   * Whether an answer is correct: equal to the gold answer after {@link #normalize}, or, when
   * the gold answer is one option label ({@code B}, {@code 2}, {@code ア}), an answer that starts
   * with that label ({@link #leadingLabel}: {@code B) Paris}, {@code ア．東京}; not
   * {@code A dog}). A null or blank gold answer is never matched.
   */
  // LIMIT: correctness is normalized equality (or the option label), so free-form references
  // such as MT-Bench's long answers give accuracy near 0; consistency is the measure there.
  static boolean correct(String answer, String gold) {
    if (answer == null || gold == null) {
      return false;
    }
    String g = normalize(gold);
    if (g.isEmpty()) {
      return false;
    }
    if (normalize(answer).equals(g)) {
      return true;
    }
    String label = leadingLabel(answer);
    return g.codePointCount(0, g.length()) == 1 && label != null && normalize(label).equals(g);
  }

  /**
   * The option label an answer starts with: a label character followed by {@code ) . : 、 ,}
   * (any width) but not by a digit, a line break or the end ({@code B) Paris}, {@code (B)},
   * {@code ア．東京}, {@code B}); null otherwise. A label letter followed by a space is a word,
   * not a label ({@code A dog}, {@code I think}), and {@code 3.5} or {@code 1,000} is a number.
   */
  static String leadingLabel(String answer) {
    Matcher m = LEADING_LABEL.matcher(Normalizer.normalize(answer, Normalizer.Form.NFKC));
    return m.find() ? m.group(1) : null;
  }

  /**
   * The answer with a leading option label replaced by the label it had before the shuffle
   * ({@code labelMap}: new label to original), so it can be compared with the unperturbed
   * answer; unchanged when the map is empty or the answer starts with no mapped label.
   */
  static String mapBack(String answer, Map<String, String> labelMap) {
    if (answer == null || labelMap.isEmpty()) {
      return answer;
    }
    String nfkc = Normalizer.normalize(answer, Normalizer.Form.NFKC);
    Matcher m = LEADING_LABEL.matcher(nfkc);
    if (!m.find()) {
      return answer;
    }
    String original = labelMap.get(m.group(1));
    if (original == null) {
      String upper = m.group(1).toUpperCase(Locale.ROOT);
      original = labelMap.get(upper);
    }
    return original == null ? answer
        : nfkc.substring(0, m.start(1)) + original + nfkc.substring(m.end(1));
  }
}
