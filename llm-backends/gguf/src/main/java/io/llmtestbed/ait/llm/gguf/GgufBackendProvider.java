package io.llmtestbed.ait.llm.gguf;

import io.llmtestbed.ait.sdk.llm.LlmBackendProvider;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmSettings;

/**
 * The {@code gguf} backend: a local GGUF model file run in-process by llama.cpp. Registered in
 * {@code META-INF/services/io.llmtestbed.ait.sdk.llm.LlmBackendProvider}; see {@link GgufClient}.
 */
public final class GgufBackendProvider implements LlmBackendProvider {

    /** The backend name, {@value}. */
    public static final String NAME = "gguf";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LlmClient create(LlmSettings settings) {
        return new GgufClient(settings);
    }
}
