package io.llmtestbed.aits.safe.search;

import java.util.List;

/**
 * Where SAFE's rater looks up evidence for an atomic fact: a local Lucene index, Serper (Google
 * search, the paper's setup) or an OpenSearch cluster. Create one with
 * {@link SearchBackends#create(SearchSettings)}, which adds the on-disk cache and the
 * {@link SearchAccounting}.
 *
 * <p>Implementations are thread-safe. An outbound call refused by the egress allow-list throws
 * {@code io.llmtestbed.ait.sdk.net.EgressDeniedException} unwrapped; every other failure is a
 * {@link SearchException} thrown after the backend's retries are exhausted.
 */
public interface SearchBackend extends AutoCloseable {

  /**
   * Runs one query.
   *
   * @param query the query text as the rater wrote it; not blank
   * @param k at most this many results, at least 1
   * @return the results, best first; an empty list when nothing matched (the rater decides what
   *     that means for the fact, the backend never invents a placeholder text)
   * @throws SearchException when no answer could be obtained
   */
  List<SearchResult> search(String query, int k);

  /**
   * Names the backend and what it searches, without secrets, e.g. {@code lucene:/data/idx
   * (en, 2,314 passages)} or {@code serper:https://google.serper.dev/search gl=us hl=en}. Part of
   * the AIT's provenance.
   */
  String describe();

  /**
   * What the search cache key names the backend by: by default {@link #describe()}. A backend
   * whose {@code describe()} holds something that does not change results (the Lucene index's
   * path, which the platform puts under a per-job inventory directory) returns a text without
   * it, so that a re-run from another path is answered from the cache.
   */
  default String cacheIdentity() {
    return describe();
  }

  /**
   * A digest of what the backend searches: for Lucene the sha256 of the collection and the index
   * settings; for web and cluster backends a digest of the endpoint settings (their content is
   * not under our control and may change between runs). Part of the cache key and provenance.
   */
  String indexDigest();

  /** Releases index readers and HTTP clients. Idempotent; never throws a checked exception. */
  @Override
  default void close() {}
}
