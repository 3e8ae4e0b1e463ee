package io.llmtestbed.aits.safe.pipeline;

/**
 * Steps 2 and 3 for one fact: its self-contained version and whether it is relevant.
 *
 * @param revised the rewritten fact; the original when revision failed
 * @param relevant relevance to the prompt; null when undecided (then {@code failure} is set)
 * @param failure why revision or relevance failed, or null
 * @param requests LLM requests spent on this fact alone (0 in batched mode: the sentence's
 *     batched call is counted on the sentence)
 * @param cacheHits how many of those were cache hits
 */
public record Revision(String revised, Boolean relevant, String failure, int requests,
    int cacheHits) {}
