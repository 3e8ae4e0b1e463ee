package io.llmtestbed.aits.safe.pipeline;

import java.util.Objects;

/**
 * One atomic fact: a short statement carrying one piece of information, as split from a sentence
 * of the response (or given by a human annotator).
 *
 * @param sentenceIndex index of the sentence it came from (0-based, in response order)
 * @param sentence the sentence's text
 * @param text the fact as split, before revision; never null
 */
public record AtomicFact(int sentenceIndex, String sentence, String text) {
  public AtomicFact {
    Objects.requireNonNull(sentence, "sentence");
    Objects.requireNonNull(text, "text");
  }
}
