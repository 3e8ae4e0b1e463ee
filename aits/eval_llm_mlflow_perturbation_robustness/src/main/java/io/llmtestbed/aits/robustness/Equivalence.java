package io.llmtestbed.aits.robustness;

import java.util.Locale;

/**
 * How a perturbed answer is compared with the unperturbed answer for the consistency rate.
 *
 * <ul>
 *   <li>{@link #EXACT}: the same characters;
 *   <li>{@link #NORMALIZED}: equal after {@link Answers#normalize} (NFKC, case, punctuation,
 *       whitespace); the default, and the one to use for Japanese;
 *   <li>{@link #EMBEDDING}: normalized-equal, or cosine similarity of the all-MiniLM-L6-v2
 *       sentence embeddings at least the threshold. That model was trained on English text: on
 *       Japanese it splits text into sub-word pieces it has seen little of, so its similarities
 *       are not calibrated there (see the README).
 * </ul>
 */
enum Equivalence {
  EXACT,
  NORMALIZED,
  EMBEDDING;

  static Equivalence parse(String value) {
    for (Equivalence e : values()) {
      if (e.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
        return e;
      }
    }
    throw new IllegalArgumentException("parameter 'equivalence' must be exact, normalized or "
        + "embedding, found '" + value + "'. Fix: normalized is the default and suits Japanese; "
        + "embedding uses all-MiniLM-L6-v2 (English-trained)");
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
