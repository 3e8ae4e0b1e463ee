package io.llmtestbed.ait.sdk.llm;

/**
 * A backend found by {@link java.util.ServiceLoader} (file
 * {@code META-INF/services/io.llmtestbed.ait.sdk.llm.LlmBackendProvider}), e.g. {@code bedrock} in
 * module ait-llm-bedrock and {@code gguf} in ait-llm-gguf.
 *
 * <p>The client a provider returns only talks to its model: {@link LlmClients#create} wraps it with
 * retries, concurrency and rate limits, the disk cache and accounting. It throws
 * {@link LlmException} with the right {@link LlmException.Kind} so the wrapper knows what to
 * retry.
 */
public interface LlmBackendProvider {

    /** The {@link LlmSettings#backend()} value this provider serves, e.g. {@code bedrock}. */
    String name();

    /** A client for these settings; throws {@link LlmException} (CONFIGURATION) when unusable. */
    LlmClient create(LlmSettings settings);
}
