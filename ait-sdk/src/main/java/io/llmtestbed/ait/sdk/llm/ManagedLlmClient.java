package io.llmtestbed.ait.sdk.llm;

import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend with everything around the call: the disk cache, retries with exponential backoff and
 * jitter (Retry-After honoured), at most {@code maxConcurrency} attempts in flight, at most
 * {@code requestsPerSecond} attempts started per second, and accounting.
 *
 * <p>Order per request: cache lookup (a hit returns at once, no HTTP; identical requests in
 * flight at the same time share one call); then per attempt: a
 * concurrency permit, a rate slot, the backend call, the permit released; a retryable failure
 * sleeps (holding no permit) and tries again. Only answers are cached, never failures.
 */
final class ManagedLlmClient implements LlmClient {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedLlmClient.class);
    /** Retry-After values above this are cut to it (and said so in the warning). */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final LlmClient backend;
    private final LlmSettings settings;
    private final ResponseCache cache;
    private final Semaphore permits;
    private final RateLimiter rateLimiter;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final LlmAccounting accounting = new LlmAccounting();
    private final ConcurrentHashMap<String, CompletableFuture<ChatResponse>> inFlight =
            new ConcurrentHashMap<>();

    ManagedLlmClient(LlmClient backend, LlmSettings settings) {
        this.backend = backend;
        this.settings = settings;
        this.cache = settings.cacheDir() == null ? null
                : new ResponseCache(settings.cacheDir(), settings);
        // LIMIT: the concurrency cap and the rate limit are per client, not per endpoint.
        this.permits = new Semaphore(settings.maxConcurrency(), true);
        this.rateLimiter = settings.requestsPerSecond() > 0
                ? new RateLimiter(settings.requestsPerSecond()) : null;
        this.initialBackoffMs = longOption(settings, "retry_initial_ms", 500);
        this.maxBackoffMs = Math.max(initialBackoffMs, longOption(settings, "retry_max_ms",
                30_000));
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        long start = System.nanoTime();
        if (cache == null) {
            return call(request, null, start);
        }
        String key = cache.key(request);
        Optional<ChatResponse> hit = cache.get(key);
        if (hit.isPresent()) {
            return cacheHit(request, key, hit.get(), start);
        }
        // Identical requests in flight at once share one call; the others count as cache hits.
        CompletableFuture<ChatResponse> mine = new CompletableFuture<>();
        CompletableFuture<ChatResponse> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            Optional<ChatResponse> shared = await(running);
            if (shared.isPresent()) {
                return cacheHit(request, key, shared.get(), start);
            }
            return call(request, key, start);
        }
        try {
            ChatResponse r = call(request, key, start);
            mine.complete(r);
            return r;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private ChatResponse cacheHit(ChatRequest request, String key, ChatResponse answer,
            long start) {
        accounting.recordCacheHit(request.purpose());
        LOG.debug("LLM cache hit for purpose {} (key {})", request.purpose(), key);
        return answer.with(true, since(start), 0);
    }

    /** The shared call's answer; empty when it failed (the waiter then calls itself). */
    private static Optional<ChatResponse> await(CompletableFuture<ChatResponse> running) {
        try {
            return Optional.of(running.join());
        } catch (CompletionException | CancellationException e) {
            return Optional.empty();
        }
    }

    private ChatResponse call(ChatRequest request, String key, long start) {
        ChatResponse response;
        try {
            response = withRetries(request);
        } catch (EgressDeniedException denied) {
            // Counted, never retried or wrapped: the destination is not allowed.
            accounting.recordFailure(request.purpose(), 0);
            throw denied;
        }
        Duration latency = since(start);
        accounting.recordCall(request.purpose(), response.usage(), response.attempts());
        LOG.debug("LLM call purpose {} model {}: {} ms, {} attempt(s), tokens {}+{}",
                request.purpose(), response.model(), latency.toMillis(), response.attempts(),
                response.usage().promptTokens(), response.usage().completionTokens());
        if (key != null) {
            cache.put(key, request, response);
        }
        return response.with(false, latency, response.attempts());
    }

    private ChatResponse withRetries(ChatRequest request) {
        int maxAttempts = settings.maxRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            try {
                ChatResponse r = attemptOnce(request);
                return r.with(false, r.latency(), attempt);
            } catch (LlmException e) {
                if (!e.retryable() || attempt >= maxAttempts) {
                    accounting.recordFailure(request.purpose(), attempt);
                    throw e.withAttempts(attempt, e.retryable()
                            ? " (gave up after " + attempt + " attempts; maxRetries "
                                    + settings.maxRetries() + ")"
                            : null);
                }
                long delay = delayMs(e, attempt);
                LOG.warn("LLM call for purpose {}: retrying in {} ms after {} (attempt {}/{})",
                        request.purpose(), delay, reason(e), attempt + 1, maxAttempts);
                sleep(delay, e, attempt);
            }
        }
    }

    private ChatResponse attemptOnce(ChatRequest request) {
        try {
            permits.acquire();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw interrupted(request, 0);
        }
        try {
            if (rateLimiter != null) {
                rateLimiter.acquire();
            }
            return backend.chat(request);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw interrupted(request, 0);
        } finally {
            permits.release();
        }
    }

    /** Retry-After when the server sent one, else exponential backoff with equal jitter. */
    long delayMs(LlmException e, int attempt) {
        if (e.retryAfter().isPresent()) {
            Duration ra = e.retryAfter().get();
            return Math.min(ra.toMillis(), MAX_RETRY_AFTER.toMillis());
        }
        long exp = initialBackoffMs << Math.min(attempt - 1, 20);
        long capped = Math.min(exp, maxBackoffMs);
        long half = capped / 2;
        return half + ThreadLocalRandom.current().nextLong(half + 1);
    }

    private static String reason(LlmException e) {
        return switch (e.kind()) {
            case RATE_LIMITED -> "429" + e.retryAfter().map(d -> " (Retry-After "
                    + LlmHttp.seconds(d) + ")").orElse("");
            case SERVER_ERROR -> "HTTP " + e.httpStatus();
            case TIMEOUT -> e.httpStatus() == 408 ? "HTTP 408" : "a timeout";
            case CONNECTION -> "a connection failure";
            default -> e.kind().name();
        };
    }

    private void sleep(long ms, LlmException cause, int attempt) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw cause.withAttempts(attempt, " (interrupted while waiting to retry)");
        }
    }

    private LlmException interrupted(ChatRequest request, int attempts) {
        return new LlmException(LlmException.Kind.CONNECTION, describe() + ", purpose '"
                + request.purpose() + "': interrupted while waiting to send", null, attempts, -1,
                null);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static long longOption(LlmSettings s, String key, long fallback) {
        String v = s.options().get(key);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "LlmSettings option " + key
                    + " must be a whole number of milliseconds >= 0, got '" + v + "'", e, 0, -1,
                    null);
        }
    }

    /** The cache directory, or null. */
    java.nio.file.Path cacheDir() {
        return cache == null ? null : cache.dir();
    }

    @Override
    public String describe() {
        return backend.describe();
    }

    @Override
    public LlmAccounting accounting() {
        return accounting;
    }

    @Override
    public void close() {
        try {
            backend.close();
        } catch (Exception e) {
            LOG.debug("closing LLM backend {} failed", backend.describe(), e);
        }
    }
}
