package io.llmtestbed.aits.safe.search;

import java.util.Objects;

/**
 * One piece of evidence returned by a {@link SearchBackend}.
 *
 * @param title the document or page title; empty when the backend has none, never null
 * @param text the passage or snippet the rater reads; never null
 * @param source where it came from: a URL, a document id from the collection, or a label such as
 *     {@code answerBox}; empty when unknown, never null
 * @param score the backend's relevance score (BM25 for Lucene and OpenSearch, the rank-derived
 *     {@code 1/position} for Serper); only comparable within one result list
 */
public record SearchResult(String title, String text, String source, double score) {

  public SearchResult {
    title = Objects.requireNonNullElse(title, "");
    text = Objects.requireNonNull(text, "text");
    source = Objects.requireNonNullElse(source, "");
  }
}
