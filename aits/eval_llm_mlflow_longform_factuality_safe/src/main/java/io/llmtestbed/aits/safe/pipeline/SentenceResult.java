package io.llmtestbed.aits.safe.pipeline;

import java.util.List;

/**
 * One sentence of a response and what splitting it cost.
 *
 * @param index 0-based position in the response
 * @param text the sentence
 * @param facts the atomic facts split from it (empty when it states none)
 * @param splitFailure why splitting failed (its facts are then one UNRATED fact holding the
 *     sentence), or null
 * @param llmRequests LLM requests for this sentence: its split and its batched revision
 * @param llmCacheHits how many of those came from the cache
 */
public record SentenceResult(int index, String text, List<AtomicFact> facts, String splitFailure,
    int llmRequests, int llmCacheHits) {
  public SentenceResult {
    facts = List.copyOf(facts);
  }
}
