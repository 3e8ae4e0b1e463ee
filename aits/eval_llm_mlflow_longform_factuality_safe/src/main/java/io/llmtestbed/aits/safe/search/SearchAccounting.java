package io.llmtestbed.aits.safe.search;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe counters of one {@link SearchClient}: the AIT's "search calls per fact" measure
 * and the proof that a cached re-run made no calls.
 */
public final class SearchAccounting {

  private final AtomicLong searches = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong emptyResults = new AtomicLong();

  /** Searches asked for, answered from the cache or by the backend. */
  public long searches() {
    return searches.get();
  }

  /** Searches answered by the backend itself (each may have taken several HTTP attempts). */
  public long calls() {
    return calls.get();
  }

  /** Searches answered from the on-disk cache, costing no backend call. */
  public long cacheHits() {
    return cacheHits.get();
  }

  /** HTTP attempts repeated after a retryable failure (429, 5xx, timeout, connection). */
  public long retries() {
    return retries.get();
  }

  /** Searches that ended in a {@link SearchException}. */
  public long failures() {
    return failures.get();
  }

  /** Searches that returned no result at all. */
  public long emptyResults() {
    return emptyResults.get();
  }

  /** An immutable copy of the counters. */
  public Snapshot snapshot() {
    return new Snapshot(searches(), calls(), cacheHits(), retries(), failures(), emptyResults());
  }

  void searched() {
    searches.incrementAndGet();
  }

  void called() {
    calls.incrementAndGet();
  }

  void cacheHit() {
    cacheHits.incrementAndGet();
  }

  /** Called by HTTP backends for each repeated attempt. */
  public void retried() {
    retries.incrementAndGet();
  }

  void failed() {
    failures.incrementAndGet();
  }

  void empty() {
    emptyResults.incrementAndGet();
  }

  /** The counters at one moment; see the accessors of {@link SearchAccounting}. */
  public record Snapshot(long searches, long calls, long cacheHits, long retries, long failures,
      long emptyResults) {}
}
