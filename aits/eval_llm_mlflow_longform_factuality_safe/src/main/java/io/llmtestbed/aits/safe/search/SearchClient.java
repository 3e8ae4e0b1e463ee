package io.llmtestbed.aits.safe.search;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SearchBackends#create} returns: a backend wrapped with the on-disk
 * {@link SearchCache} (when a cache directory is set) and {@link SearchAccounting}. A cached
 * answer costs no backend call and counts as a cache hit; an empty answer is cached too, a
 * failure is not.
 */
public final class SearchClient implements SearchBackend {

  private final SearchBackend backend;
  private final SearchCache cache;
  private final SearchAccounting accounting;

  /**
   * @param backend the backend that answers misses
   * @param cache the cache, or null for none
   * @param accounting counters shared with the backend (it reports retries into them)
   */
  public SearchClient(SearchBackend backend, SearchCache cache, SearchAccounting accounting) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.cache = cache;
    this.accounting = Objects.requireNonNull(accounting, "accounting");
  }

  @Override
  public List<SearchResult> search(String query, int k) {
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("search query must not be blank, got '" + query + "'");
    }
    if (k < 1) {
      throw new IllegalArgumentException("search k must be at least 1, got " + k);
    }
    accounting.searched();
    // the backend's cache identity, not describe(): a Lucene index path changes per job
    String key = cache == null ? null
        : SearchCache.key(backend.cacheIdentity(), backend.indexDigest(), query, k);
    if (cache != null) {
      Optional<List<SearchResult>> hit = cache.get(key);
      if (hit.isPresent()) {
        accounting.cacheHit();
        return hit.get();
      }
    }
    List<SearchResult> results = call(query, k);
    if (cache != null) {
      cache.put(key, query, k, results);
    }
    return results;
  }

  private List<SearchResult> call(String query, int k) {
    accounting.called();
    try {
      List<SearchResult> results = List.copyOf(backend.search(query, k));
      if (results.isEmpty()) {
        accounting.empty();
      }
      return results;
    } catch (SearchException e) {
      accounting.failed();
      throw e;
    }
  }

  @Override
  public String describe() {
    return backend.describe();
  }

  @Override
  public String cacheIdentity() {
    return backend.cacheIdentity();
  }

  @Override
  public String indexDigest() {
    return backend.indexDigest();
  }

  /** The counters of this client. */
  public SearchAccounting accounting() {
    return accounting;
  }

  /** The cache, when one is configured. */
  public Optional<SearchCache> cache() {
    return Optional.ofNullable(cache);
  }

  /** The wrapped backend. */
  public SearchBackend backend() {
    return backend;
  }

  @Override
  public void close() {
    backend.close();
  }
}
