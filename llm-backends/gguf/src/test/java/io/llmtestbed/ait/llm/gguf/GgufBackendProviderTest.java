package io.llmtestbed.ait.llm.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.llm.ChatMessage;
import io.llmtestbed.ait.sdk.llm.ChatRequest;
import io.llmtestbed.ait.sdk.llm.ChatResponse;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmClients;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufBackendProviderTest {

    @TempDir
    Path dir;

    @Test
    void should_be_found_by_llm_clients_when_module_is_on_classpath() {
        assertThat(LlmClients.availableBackends()).contains("gguf");
    }

    @Test
    void should_answer_through_sdk_wrapper_and_cache_when_backend_is_gguf() {
        Path model = TinyGguf.create(dir);
        LlmSettings settings = LlmSettings.builder().backend("gguf").baseUrl(model.toString())
                .cacheDir(dir.resolve("cache")).build();
        ChatRequest r = ChatRequest.builder().purpose("test.provider")
                .message(ChatMessage.user("hello")).temperature(0.0).maxTokens(4).build();

        try (LlmClient client = LlmClients.create(settings)) {
            ChatResponse first = client.chat(r);
            ChatResponse cached = client.chat(r);

            assertThat(client.describe()).startsWith("gguf ").contains("tiny-llama.gguf");
            assertThat(first.text().trim().split(" ")).hasSize(4);
            assertThat(cached.fromCache()).isTrue();
            assertThat(cached.text()).isEqualTo(first.text());
            assertThat(client.accounting().calls()).isEqualTo(1);
            assertThat(client.accounting().cacheHits()).isEqualTo(1);
            assertThat(client.accounting().completionTokens()).isEqualTo(4);
        }
    }
}
