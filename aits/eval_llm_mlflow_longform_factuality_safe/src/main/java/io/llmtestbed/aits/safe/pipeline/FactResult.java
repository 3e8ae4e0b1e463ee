package io.llmtestbed.aits.safe.pipeline;

import java.util.List;
import java.util.Objects;

/**
 * Everything SAFE did with one atomic fact: the per-fact trace.
 *
 * @param fact the fact as split
 * @param revised the self-contained version (step 2); the fact itself when revision failed
 * @param relevant whether it is relevant to the prompt (step 3); null when that step failed
 * @param rating the outcome
 * @param reason for UNRATED: what failed (step, kind, detail); for rated facts the model's
 *     last answer line that carried the label, or null
 * @param steps the searches of the rating loop (step 4), in order
 * @param llmRequests LLM requests made for this fact (answered from cache or not; split and
 *     batched revision calls are counted per sentence in {@link SentenceResult})
 * @param llmCacheHits how many of those were answered from the cache
 * @param searchRequests search requests made for this fact
 * @param duplicateQueries queries the model repeated (not searched again)
 * @param humanLabel human-label mode: the annotator's label (S, NS, IR), else null
 */
public record FactResult(AtomicFact fact, String revised, Boolean relevant, Rating rating,
    String reason, List<SearchStep> steps, int llmRequests, int llmCacheHits,
    int searchRequests, int duplicateQueries, String humanLabel) {
  public FactResult {
    Objects.requireNonNull(fact, "fact");
    Objects.requireNonNull(rating, "rating");
    steps = List.copyOf(steps);
  }

  /** The same result with a human label attached. */
  public FactResult withHumanLabel(String label) {
    return new FactResult(fact, revised, relevant, rating, reason, steps, llmRequests,
        llmCacheHits, searchRequests, duplicateQueries, label);
  }
}
