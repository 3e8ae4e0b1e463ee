package io.llmtestbed.ait.sdk.llm;

import java.nio.file.Path;

/**
 * Makes {@link LlmClient}s from {@link LlmSettings}: picks the backend and wraps it with retries
 * and backoff, bounded concurrency, the rate limit, the disk cache and accounting.
 */
public final class LlmClients {

    private LlmClients() {
    }

    /**
     * A thread-safe client for these settings.
     *
     * @throws LlmException CONFIGURATION for an unknown backend (the message names the known ones
     *     and the module that provides each optional one) or unusable settings
     */
    public static LlmClient create(LlmSettings settings) {
        // First commit: API only; the implementation follows.
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * sha256 (hex) over the cache's entries, sorted by key: the same answers give the same digest.
     * A missing or empty directory gives the digest of nothing.
     */
    public static String cacheDigest(Path cacheDir) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
