package io.llmtestbed.aits.safe;

import io.llmtestbed.aits.safe.pipeline.F1AtK;
import io.llmtestbed.aits.safe.pipeline.FactResult;
import io.llmtestbed.aits.safe.pipeline.Language;
import io.llmtestbed.aits.safe.pipeline.Rating;
import io.llmtestbed.aits.safe.pipeline.SentenceResult;
import java.util.List;

/**
 * SAFE's result for one prompt-response pair: the sentences, every atomic fact with its trace,
 * the label counts and the cost.
 *
 * @param prompt the prompt
 * @param response the response
 * @param language the language the response was handled in
 * @param sentences the sentences with their split cost (empty in human-label mode)
 * @param facts every atomic fact, in response order; none is ever left out
 */
public record ResponseResult(String prompt, String response, Language language,
    List<SentenceResult> sentences, List<FactResult> facts) {
  public ResponseResult {
    sentences = List.copyOf(sentences);
    facts = List.copyOf(facts);
  }

  /** Facts with this rating. */
  public long count(Rating rating) {
    return facts.stream().filter(f -> f.rating() == rating).count();
  }

  public long supported() {
    return count(Rating.SUPPORTED);
  }

  public long notSupported() {
    return count(Rating.NOT_SUPPORTED);
  }

  public long irrelevant() {
    return count(Rating.IRRELEVANT);
  }

  public long unrated() {
    return count(Rating.UNRATED);
  }

  /** S / (S + NS); NaN when the response has no supported or not-supported fact. */
  public double precision() {
    return F1AtK.precision(supported(), notSupported());
  }

  public double recallAtK(int k) {
    return F1AtK.recall(supported(), k);
  }

  public double f1AtK(int k) {
    return F1AtK.f1(supported(), notSupported(), k);
  }

  /** LLM requests for this response: split, revision, relevance, queries and decisions. */
  public long llmRequests() {
    return sentences.stream().mapToLong(SentenceResult::llmRequests).sum()
        + facts.stream().mapToLong(FactResult::llmRequests).sum();
  }

  /** How many of {@link #llmRequests()} were answered from the cache. */
  public long llmCacheHits() {
    return sentences.stream().mapToLong(SentenceResult::llmCacheHits).sum()
        + facts.stream().mapToLong(FactResult::llmCacheHits).sum();
  }

  public long searchRequests() {
    return facts.stream().mapToLong(FactResult::searchRequests).sum();
  }
}
