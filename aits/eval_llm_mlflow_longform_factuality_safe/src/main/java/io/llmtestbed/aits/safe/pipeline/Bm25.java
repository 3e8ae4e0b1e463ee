package io.llmtestbed.aits.safe.pipeline;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small Okapi BM25 scorer over a fixed list of documents (k1 = 1.5, b = 0.75, idf =
 * ln(1 + (N - df + 0.5) / (df + 0.5))), used to pick the few-shot demonstrations nearest to a
 * sentence. Tokens: NFKC, lower case; runs of letters and digits for Latin text, character
 * bigrams for kana and kanji. Immutable and thread-safe once built.
 */
public final class Bm25 {
  private static final double K1 = 1.5;
  private static final double B = 0.75;

  private final List<Map<String, Integer>> termFrequencies = new ArrayList<>();
  private final int[] lengths;
  private final Map<String, Integer> documentFrequency = new HashMap<>();
  private final double averageLength;

  /** Indexes {@code documents} in order; index i of {@link #scores} is document i. */
  public Bm25(List<String> documents) {
    lengths = new int[documents.size()];
    long total = 0;
    for (int i = 0; i < documents.size(); i++) {
      Map<String, Integer> tf = new HashMap<>();
      List<String> tokens = tokens(documents.get(i));
      tokens.forEach(t -> tf.merge(t, 1, Integer::sum));
      tf.keySet().forEach(t -> documentFrequency.merge(t, 1, Integer::sum));
      termFrequencies.add(tf);
      lengths[i] = tokens.size();
      total += tokens.size();
    }
    averageLength = documents.isEmpty() ? 0 : (double) total / documents.size();
  }

  /** The BM25 score of every document for {@code query}. */
  public double[] scores(String query) {
    double[] out = new double[lengths.length];
    int n = lengths.length;
    for (String term : tokens(query)) {
      Integer df = documentFrequency.get(term);
      if (df == null) {
        continue;
      }
      double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (int i = 0; i < n; i++) {
        Integer f = termFrequencies.get(i).get(term);
        if (f != null) {
          double norm = K1 * (1 - B + B * lengths[i] / Math.max(averageLength, 1e-9));
          out[i] += idf * f * (K1 + 1) / (f + norm);
        }
      }
    }
    return out;
  }

  /** The indices of the {@code k} best documents, best first; ties keep document order. */
  public List<Integer> top(String query, int k) {
    double[] s = scores(query);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < s.length; i++) {
      order.add(i);
    }
    order.sort((a, b) -> Double.compare(s[b], s[a]) != 0 ? Double.compare(s[b], s[a]) : a - b);
    return order.subList(0, Math.min(k, order.size()));
  }

  /** The tokens BM25 counts (see the class comment). */
  public static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    String t = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    StringBuilder word = new StringBuilder();
    int previousCjk = -1;
    for (int i = 0; i < t.length(); ) {
      int cp = t.codePointAt(i);
      i += Character.charCount(cp);
      if (isCjk(cp)) {
        flush(out, word);
        if (previousCjk >= 0) {
          out.add(new String(Character.toChars(previousCjk)) + new String(Character.toChars(cp)));
        }
        previousCjk = cp;
      } else if (Character.isLetterOrDigit(cp)) {
        word.appendCodePoint(cp);
        previousCjk = -1;
      } else {
        flush(out, word);
        previousCjk = -1;
      }
    }
    flush(out, word);
    return out;
  }

  private static boolean isCjk(int cp) {
    Character.UnicodeScript s = Character.UnicodeScript.of(cp);
    return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
        || s == Character.UnicodeScript.KATAKANA;
  }

  private static void flush(List<String> out, StringBuilder word) {
    if (word.length() > 0) {
      out.add(word.toString());
      word.setLength(0);
    }
  }
}
