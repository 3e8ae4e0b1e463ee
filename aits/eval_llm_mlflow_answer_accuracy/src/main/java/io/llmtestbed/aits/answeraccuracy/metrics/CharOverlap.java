package io.llmtestbed.aits.answeraccuracy.metrics;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Map;

/**
 * Character-level F1: the texts are NFKC-normalised, every whitespace code point is removed,
 * and the multisets of the remaining Unicode code points are compared like tokens
 * (overlap = Σ min(count in prediction, count in reference); F = 2·P·R / (P + R); 0 when a side
 * is empty). No case folding and no punctuation removal: for Japanese each character is close
 * to a unit of meaning, and punctuation is rare enough not to matter.
 *
 * <p>Counts for the Basic Multilingual Plane live in one reused array; other code points go to
 * a small map. Not thread-safe.
 */
final class CharOverlap {
  private final int[] bmpCounts = new int[65536];
  private final Map<Integer, int[]> supplementaryCounts = new HashMap<>();
  private int[] touched = new int[1024];

  /** Character F1 of two texts that are already in NFKC form (see {@link #nfkc}). */
  double charF1(String pred, String ref) {
    int touchedCount = 0;
    int r = 0;
    for (int i = 0; i < ref.length(); ) {
      int cp = ref.codePointAt(i);
      i += Character.charCount(cp);
      if (isSpace(cp)) {
        continue;
      }
      r++;
      if (cp < 65536) {
        if (bmpCounts[cp]++ == 0) {
          if (touchedCount == touched.length) {
            touched = java.util.Arrays.copyOf(touched, touchedCount * 2);
          }
          touched[touchedCount++] = cp;
        }
      } else {
        supplementaryCounts.computeIfAbsent(cp, k -> new int[1])[0]++;
      }
    }
    int p = 0;
    int same = 0;
    for (int i = 0; i < pred.length(); ) {
      int cp = pred.codePointAt(i);
      i += Character.charCount(cp);
      if (isSpace(cp)) {
        continue;
      }
      p++;
      if (cp < 65536) {
        if (bmpCounts[cp] > 0) {
          bmpCounts[cp]--;
          same++;
        }
      } else {
        int[] count = supplementaryCounts.get(cp);
        if (count != null && count[0] > 0) {
          count[0]--;
          same++;
        }
      }
    }
    for (int i = 0; i < touchedCount; i++) {
      bmpCounts[touched[i]] = 0;
    }
    supplementaryCounts.clear();
    if (p == 0 || r == 0) {
      return 0.0;
    }
    return Overlap.fmeasure(same, p, r);
  }

  /** NFKC; ASCII text is its own NFKC form, so it skips the normaliser. */
  static String nfkc(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC);
      }
    }
    return text;
  }

  /** Whitespace in the sense of Java's {@code isWhitespace} or a Unicode space separator. */
  static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }
}
