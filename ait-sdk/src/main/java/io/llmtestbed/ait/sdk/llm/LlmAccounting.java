package io.llmtestbed.ait.sdk.llm;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe counters of one client's requests, in total and per
 * {@link ChatRequest#purpose() purpose}.
 *
 * <ul>
 *   <li>{@code calls}: requests sent to the endpoint (answered or failed), not counting retries
 *       and not counting cache hits;
 *   <li>{@code cacheHits}: requests answered from the disk cache without any HTTP call;
 *   <li>{@code promptTokens}, {@code completionTokens}: tokens the endpoint reported for the
 *       answers it gave (cache hits add none: they cost nothing);
 *   <li>{@code retries}: HTTP attempts after the first, over all requests;
 *   <li>{@code failures}: requests that ended in an {@link LlmException}.
 * </ul>
 */
public final class LlmAccounting {

    /** The counters of one purpose (or of all, in {@link Snapshot#total()}). */
    public record PurposeCounts(long calls, long cacheHits, long promptTokens,
            long completionTokens, long retries, long failures) {

        /** Calls plus cache hits: every request made. */
        public long requests() {
            return calls + cacheHits;
        }
    }

    /** The counters at one moment: totals and per purpose (sorted by purpose). */
    public record Snapshot(PurposeCounts total, Map<String, PurposeCounts> byPurpose) {

        public Snapshot {
            byPurpose = Collections.unmodifiableMap(new TreeMap<>(byPurpose));
        }
    }

    private static final class Counters {
        final LongAdder calls = new LongAdder();
        final LongAdder cacheHits = new LongAdder();
        final LongAdder promptTokens = new LongAdder();
        final LongAdder completionTokens = new LongAdder();
        final LongAdder retries = new LongAdder();
        final LongAdder failures = new LongAdder();

        PurposeCounts counts() {
            return new PurposeCounts(calls.sum(), cacheHits.sum(), promptTokens.sum(),
                    completionTokens.sum(), retries.sum(), failures.sum());
        }
    }

    private final Counters total = new Counters();
    private final Map<String, Counters> byPurpose = new ConcurrentHashMap<>();

    /** A request answered by the endpoint after {@code attempts} HTTP attempts. */
    public void recordCall(String purpose, Usage usage, int attempts) {
        for (Counters c : targets(purpose)) {
            c.calls.increment();
            c.promptTokens.add(usage.promptTokens());
            c.completionTokens.add(usage.completionTokens());
            c.retries.add(Math.max(0, attempts - 1));
        }
    }

    /** A request answered from the cache. */
    public void recordCacheHit(String purpose) {
        for (Counters c : targets(purpose)) {
            c.cacheHits.increment();
        }
    }

    /** A request that failed after {@code attempts} HTTP attempts (0 = none was made). */
    public void recordFailure(String purpose, int attempts) {
        for (Counters c : targets(purpose)) {
            c.calls.add(attempts > 0 ? 1 : 0);
            c.retries.add(Math.max(0, attempts - 1));
            c.failures.increment();
        }
    }

    private Counters[] targets(String purpose) {
        return new Counters[] {total, byPurpose.computeIfAbsent(purpose, p -> new Counters())};
    }

    public long calls() {
        return total.calls.sum();
    }

    public long cacheHits() {
        return total.cacheHits.sum();
    }

    public long promptTokens() {
        return total.promptTokens.sum();
    }

    public long completionTokens() {
        return total.completionTokens.sum();
    }

    public long retries() {
        return total.retries.sum();
    }

    public long failures() {
        return total.failures.sum();
    }

    /** The counters per purpose, sorted by purpose; a copy. */
    public Map<String, PurposeCounts> byPurpose() {
        Map<String, PurposeCounts> out = new TreeMap<>();
        byPurpose.forEach((k, v) -> out.put(k, v.counts()));
        return out;
    }

    /** Totals and per-purpose counters (each counter read once; not one atomic cut). */
    public Snapshot snapshot() {
        return new Snapshot(total.counts(), byPurpose());
    }

    @Override
    public String toString() {
        return "LlmAccounting" + total.counts();
    }
}
