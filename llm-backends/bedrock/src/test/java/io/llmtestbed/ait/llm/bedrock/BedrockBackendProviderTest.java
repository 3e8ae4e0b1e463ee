package io.llmtestbed.ait.llm.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.llm.ChatMessage;
import io.llmtestbed.ait.sdk.llm.ChatRequest;
import io.llmtestbed.ait.sdk.llm.ChatResponse;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmClients;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// LIMIT: not run against the real Amazon Bedrock service; see BedrockClientTest.
class BedrockBackendProviderTest {

    final FakeBedrockServer server = new FakeBedrockServer();

    @BeforeEach
    void credentials() {
        // The default chain reads these system properties first: dummy keys for the fake server.
        System.setProperty("aws.accessKeyId", "AKIDTEST");
        System.setProperty("aws.secretAccessKey", "not-a-secret");
    }

    @AfterEach
    void stop() {
        server.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void should_be_found_by_llm_clients_when_module_is_on_classpath() {
        assertThat(LlmClients.availableBackends()).contains("bedrock");
    }

    @Test
    void should_retry_throttling_through_sdk_wrapper_when_backend_is_bedrock() {
        server.thenError(429, "ThrottlingException", "Too many requests", Map.of())
                .thenReply("Supported", "end_turn", 9, 1);
        LlmSettings settings = LlmSettings.builder().backend("bedrock").baseUrl(server.endpoint())
                .model(BedrockClientTest.MODEL).option("region", "eu-west-1")
                .option("retry_initial_ms", "10").option("retry_max_ms", "20").build();
        ChatRequest r = ChatRequest.builder().purpose("robustness.query")
                .message(ChatMessage.user("q")).temperature(0.0).build();

        try (LlmClient client = LlmClients.create(settings)) {
            ChatResponse answer = client.chat(r);

            assertThat(client.describe()).startsWith("bedrock region=eu-west-1");
            assertThat(answer.text()).isEqualTo("Supported");
            assertThat(answer.attempts()).isEqualTo(2);
            assertThat(client.accounting().retries()).isEqualTo(1);
            assertThat(client.accounting().promptTokens()).isEqualTo(9);
        }
        assertThat(server.calls()).hasSize(2);
    }

    @Test
    void should_propagate_egress_refusal_unretried_when_policy_forbids_endpoint() {
        LlmSettings settings = LlmSettings.builder().backend("bedrock").baseUrl(server.endpoint())
                .model(BedrockClientTest.MODEL).option("region", "us-east-1").build();
        ChatRequest r = ChatRequest.builder().purpose("safe.rate")
                .message(ChatMessage.user("q")).build();

        EgressPolicy.Scope scope = EgressPolicy.overrideCurrent(EgressPolicy.parse(
                "10.0.0.0/8"));
        try (LlmClient client = LlmClients.create(settings)) {
            assertThatThrownBy(() -> client.chat(r))
                    .isExactlyInstanceOf(EgressDeniedException.class)
                    .hasMessageContaining("LLM_TESTBED_EGRESS_ALLOW");
        } finally {
            scope.close();
        }
        assertThat(server.calls()).isEmpty();
    }
}
