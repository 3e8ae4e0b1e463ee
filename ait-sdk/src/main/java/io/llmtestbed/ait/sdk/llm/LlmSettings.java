package io.llmtestbed.ait.sdk.llm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a model and how to call it. Made with {@link #builder()}, which holds the
 * defaults: timeout 60 s, 6 retries, 4 concurrent requests, no rate limit, no cache.
 *
 * @param backend {@code openai} (any OpenAI-compatible chat endpoint: vLLM, Ollama, llama.cpp
 *     server, LiteLLM, OpenAI), {@code mlflow} ({@code mlflow models serve}), or one found by
 *     ServiceLoader: {@code bedrock} (module ait-llm-bedrock), {@code gguf} (ait-llm-gguf)
 * @param baseUrl for openai the URL {@code /chat/completions} is appended to, e.g.
 *     {@code http://127.0.0.1:8000/v1}; for mlflow the server root ({@code /invocations} is
 *     appended); null only for backends that need none
 * @param model the model name sent with each request (a request's own model wins)
 * @param apiKeyEnv name of the environment variable holding the API key (the key itself is never
 *     a setting, never logged); null = no key sent
 * @param timeout per HTTP attempt, from sending to the whole body read
 * @param maxRetries attempts after the first for retryable failures (0 = one attempt only)
 * @param maxConcurrency requests in flight at once to the endpoint, at least 1
 * @param requestsPerSecond HTTP attempts started per second at most; 0 = unlimited
 * @param cacheDir directory of the content-addressed answer cache; null = no cache
 * @param options backend-specific settings (see the README's llm section), e.g. mlflow's
 *     {@code input_column}, {@code input_format}, {@code output_field}, and the retry backoff
 *     {@code retry_initial_ms} (default 500) and {@code retry_max_ms} (default 30000)
 */
public record LlmSettings(String backend, String baseUrl, String model, String apiKeyEnv,
        Duration timeout, int maxRetries, int maxConcurrency, double requestsPerSecond,
        Path cacheDir, Map<String, String> options) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_RETRIES = 6;
    public static final int DEFAULT_MAX_CONCURRENCY = 4;

    public LlmSettings {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("LlmSettings backend is required (got "
                    + backend + "); use openai, mlflow, bedrock or gguf");
        }
        backend = backend.trim().toLowerCase(Locale.ROOT);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("LlmSettings timeout must be positive, got "
                    + timeout + "; e.g. Duration.ofSeconds(60)");
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("LlmSettings maxRetries must be >= 0, got "
                    + maxRetries);
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("LlmSettings maxConcurrency must be >= 1, got "
                    + maxConcurrency);
        }
        if (Double.isNaN(requestsPerSecond) || requestsPerSecond < 0) {
            throw new IllegalArgumentException("LlmSettings requestsPerSecond must be >= 0"
                    + " (0 = unlimited), got " + requestsPerSecond);
        }
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder().backend(backend).baseUrl(baseUrl).model(model).apiKeyEnv(apiKeyEnv)
                .timeout(timeout).maxRetries(maxRetries).maxConcurrency(maxConcurrency)
                .requestsPerSecond(requestsPerSecond).cacheDir(cacheDir).options(options);
    }

    /** The option's value, or {@code fallback} when it is not set. */
    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    /** Builds {@link LlmSettings}; {@code backend} defaults to {@code openai}. */
    public static final class Builder {

        private String backend = "openai";
        private String baseUrl;
        private String model;
        private String apiKeyEnv;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private double requestsPerSecond;
        private Path cacheDir;
        private final Map<String, String> options = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder apiKeyEnv(String apiKeyEnv) {
            this.apiKeyEnv = apiKeyEnv;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public Builder requestsPerSecond(double requestsPerSecond) {
            this.requestsPerSecond = requestsPerSecond;
            return this;
        }

        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /** Replaces the options. */
        public Builder options(Map<String, String> options) {
            this.options.clear();
            this.options.putAll(options);
            return this;
        }

        /** Sets one option. */
        public Builder option(String key, String value) {
            this.options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value,
                    "value of option " + key));
            return this;
        }

        public LlmSettings build() {
            return new LlmSettings(backend, baseUrl, model, apiKeyEnv, timeout, maxRetries,
                    maxConcurrency, requestsPerSecond, cacheDir, options);
        }
    }
}
