package io.llmtestbed.aits.safe.pipeline;

import io.llmtestbed.aits.safe.search.SearchResult;
import java.util.List;

/**
 * One search of the rating loop.
 *
 * @param query the query sent to the search backend
 * @param origin {@code fact} (the revised fact itself was the query) or {@code llm}
 * @param results the results, best first; empty when nothing matched or the search failed
 * @param error why the search failed, or null
 */
public record SearchStep(String query, String origin, List<SearchResult> results, String error) {
  public SearchStep {
    results = List.copyOf(results);
  }
}
