package io.llmtestbed.ait.llm.bedrock;

import io.llmtestbed.ait.sdk.llm.LlmBackendProvider;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmSettings;

/**
 * The {@code bedrock} backend: Amazon Bedrock's Converse API. Registered in
 * {@code META-INF/services/io.llmtestbed.ait.sdk.llm.LlmBackendProvider}; see
 * {@link BedrockClient}.
 */
public final class BedrockBackendProvider implements LlmBackendProvider {

    /** The backend name, {@value}. */
    public static final String NAME = "bedrock";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LlmClient create(LlmSettings settings) {
        return new BedrockClient(settings);
    }
}
