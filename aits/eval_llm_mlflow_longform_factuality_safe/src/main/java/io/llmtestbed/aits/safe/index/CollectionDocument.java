package io.llmtestbed.aits.safe.index;

import java.util.Objects;

/**
 * One document of a JSONL collection.
 *
 * @param id the {@code id} field, or {@code line-<n>} when the line has none
 * @param title the {@code title} field; may be empty, never null
 * @param text the {@code text} field; not blank
 * @param url the {@code url} field, empty when absent
 */
public record CollectionDocument(String id, String title, String text, String url) {

  public CollectionDocument {
    Objects.requireNonNull(id, "id");
    title = Objects.requireNonNullElse(title, "");
    Objects.requireNonNull(text, "text");
    url = Objects.requireNonNullElse(url, "");
  }

  /** Where a search result from this document came from: the URL, else the id. */
  public String source() {
    return url.isEmpty() ? id : url;
  }
}
