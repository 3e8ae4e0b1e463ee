package io.llmtestbed.ait.llm.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.llm.ChatMessage;
import io.llmtestbed.ait.sdk.llm.ChatRequest;
import io.llmtestbed.ait.sdk.llm.ChatResponse;
import io.llmtestbed.ait.sdk.llm.LlmException;
import io.llmtestbed.ait.sdk.llm.LlmException.Kind;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

// LIMIT: these tests speak to a local server that imitates Bedrock's Converse wire format; the
// client was not run against the real Amazon Bedrock service (no AWS account in CI).
class BedrockClientTest {

    static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

    final FakeBedrockServer server = new FakeBedrockServer();
    final EgressAudit audit = new EgressAudit();

    @AfterEach
    void stop() {
        server.close();
    }

    BedrockClient client(EgressPolicy policy, Duration timeout, String endpoint) {
        LlmSettings s = LlmSettings.builder().backend("bedrock").baseUrl(endpoint).model(MODEL)
                .timeout(timeout).option("region", "us-east-1").build();
        return new BedrockClient(s, StaticCredentialsProvider.create(AwsBasicCredentials.create(
                "AKIDTEST", "not-a-secret")), () -> policy, audit);
    }

    BedrockClient client() {
        return client(EgressPolicy.defaults(), Duration.ofSeconds(10), server.endpoint());
    }

    static ChatRequest.Builder ask(String text) {
        return ChatRequest.builder().purpose("safe.rate").message(ChatMessage.user(text));
    }

    @Test
    void should_send_temperature_zero_max_tokens_stop_and_system_when_request_sets_them() {
        server.reply("Supported", "end_turn", 20, 1);
        try (BedrockClient c = client()) {
            c.chat(ChatRequest.builder().purpose("safe.rate")
                    .message(ChatMessage.system("You rate facts."))
                    .message(ChatMessage.user("Is water wet?")).temperature(0.0).maxTokens(64)
                    .stop(List.of("END")).build());
        }

        FakeBedrockServer.Call call = server.calls().get(0);
        JsonNode body = call.json();
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.rawPath()).isEqualTo(
                "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
        assertThat(call.header("Authorization")).startsWith(
                "AWS4-HMAC-SHA256 Credential=AKIDTEST/").contains("/us-east-1/bedrock/");
        JsonNode temperature = body.at("/inferenceConfig/temperature");
        assertThat(temperature.isNumber()).as("temperature sent: %s", body).isTrue();
        assertThat(temperature.doubleValue()).isEqualTo(0.0);
        assertThat(body.at("/inferenceConfig/maxTokens").intValue()).isEqualTo(64);
        assertThat(body.at("/inferenceConfig/stopSequences/0").textValue()).isEqualTo("END");
        assertThat(body.at("/system/0/text").textValue()).isEqualTo("You rate facts.");
        assertThat(body.at("/messages/0/role").textValue()).isEqualTo("user");
        assertThat(body.at("/messages/0/content/0/text").textValue()).isEqualTo("Is water wet?");
        assertThat(body.at("/messages").size()).isEqualTo(1);
    }

    @Test
    void should_leave_temperature_out_when_request_leaves_it_null() {
        try (BedrockClient c = client()) {
            c.chat(ask("hi").build());
        }

        JsonNode body = server.calls().get(0).json();
        assertThat(body.at("/inferenceConfig/temperature").isMissingNode()).as("%s", body)
                .isTrue();
        assertThat(body.at("/inferenceConfig/maxTokens").isMissingNode()).isTrue();
    }

    @Test
    void should_map_text_usage_model_and_finish_reason_when_converse_answers() {
        server.thenReply("Not Supported", "max_tokens", 41, 7);
        try (BedrockClient c = client()) {
            ChatResponse r = c.chat(ask("rate").temperature(0.0).build());

            assertThat(r.text()).isEqualTo("Not Supported");
            assertThat(r.usage().promptTokens()).isEqualTo(41);
            assertThat(r.usage().completionTokens()).isEqualTo(7);
            assertThat(r.finishReason()).isEqualTo("length");
            assertThat(r.model()).isEqualTo(MODEL);
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(c.accounting().promptTokens()).isEqualTo(41);
        }
    }

    @Test
    void should_merge_messages_of_one_role_when_they_follow_each_other() {
        try (BedrockClient c = client()) {
            c.chat(ChatRequest.builder().purpose("safe.split").message(ChatMessage.user("a"))
                    .message(ChatMessage.user("b")).message(ChatMessage.assistant("c"))
                    .message(ChatMessage.user("d")).build());
        }

        JsonNode messages = server.calls().get(0).json().get("messages");
        assertThat(messages.size()).isEqualTo(3);
        assertThat(messages.at("/0/content").size()).isEqualTo(2);
        assertThat(messages.at("/0/content/1/text").textValue()).isEqualTo("b");
        assertThat(messages.at("/1/role").textValue()).isEqualTo("assistant");
        assertThat(messages.at("/2/content/0/text").textValue()).isEqualTo("d");
    }

    @Test
    void should_raise_rate_limited_with_retry_after_when_bedrock_throttles() {
        server.thenError(429, "ThrottlingException", "Too many requests, please wait before"
                + " trying again.", Map.of("Retry-After", "2"));
        try (BedrockClient c = client()) {
            assertThatThrownBy(() -> c.chat(ask("x").build()))
                    .isInstanceOfSatisfying(LlmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.httpStatus()).isEqualTo(429);
                        assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
                    })
                    .hasMessageContaining("HTTP 429 ThrottlingException: Too many requests")
                    .hasMessageContaining("model " + MODEL)
                    .hasMessageContaining("lower maxConcurrency");
        }
        assertThat(server.calls()).as("the SDK's own retries are off").hasSize(1);
    }

    @Test
    void should_raise_server_error_when_bedrock_is_unavailable() {
        server.thenError(503, "ServiceUnavailableException", "Service is unavailable", Map.of());
        try (BedrockClient c = client()) {
            assertThatThrownBy(() -> c.chat(ask("x").build()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                            .isEqualTo(Kind.SERVER_ERROR))
                    .hasMessageContaining("HTTP 503 ServiceUnavailableException");
        }
    }

    @Test
    void should_raise_client_error_when_bedrock_rejects_the_request() {
        server.thenError(400, "ValidationException", "The provided model identifier is invalid.",
                Map.of());
        try (BedrockClient c = client()) {
            assertThatThrownBy(() -> c.chat(ask("x").build()))
                    .isInstanceOfSatisfying(LlmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.CLIENT_ERROR);
                        assertThat(e.retryable()).isFalse();
                    })
                    .hasMessageContaining("ValidationException: The provided model identifier is"
                            + " invalid.")
                    .hasMessageContaining("check the model id");
        }
    }

    @Test
    void should_raise_timeout_when_bedrock_does_not_answer_in_time() {
        server.thenHang();
        try (BedrockClient c = client(EgressPolicy.defaults(), Duration.ofMillis(400),
                server.endpoint())) {
            assertThatThrownBy(() -> c.chat(ask("x").build()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                            .isEqualTo(Kind.TIMEOUT))
                    .hasMessageContaining("gave no answer within the timeout");
        }
        assertThat(audit.entries()).singleElement().satisfies(e -> assertThat(e.status())
                .isEqualTo(EgressAudit.NO_RESPONSE));
    }

    @Test
    void should_raise_connection_when_endpoint_is_down() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (BedrockClient c = client(EgressPolicy.defaults(), Duration.ofSeconds(5),
                "http://127.0.0.1:" + port)) {
            assertThatThrownBy(() -> c.chat(ask("x").build()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                            .isEqualTo(Kind.CONNECTION))
                    .hasMessageContaining("could not be reached");
        }
    }

    @Test
    void should_raise_malformed_when_body_is_not_converse_json() {
        server.thenMalformed();
        try (BedrockClient c = client()) {
            assertThatThrownBy(() -> c.chat(ask("x").build()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                            .isEqualTo(Kind.MALFORMED_RESPONSE));
        }
    }

    @Test
    void should_refuse_before_sending_and_audit_when_egress_policy_forbids_endpoint() {
        EgressPolicy onlyTenNet = EgressPolicy.parse("10.0.0.0/8");
        try (BedrockClient c = client(onlyTenNet, Duration.ofSeconds(5), server.endpoint())) {
            assertThatThrownBy(() -> c.chat(ask("secret prompt").build()))
                    .isExactlyInstanceOf(EgressDeniedException.class)
                    .hasMessageContaining("host '127.0.0.1'")
                    .hasMessageContaining("Purpose: safe.rate")
                    .hasMessageContaining("llm prompt")
                    .hasMessageNotContaining("secret prompt");
        }
        assertThat(server.calls()).as("nothing reached the endpoint").isEmpty();
        assertThat(audit.entries()).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(EgressAudit.DENIED);
            assertThat(e.purpose()).isEqualTo("safe.rate");
            assertThat(e.host()).isEqualTo("127.0.0.1");
        });
    }

    @Test
    void should_audit_host_purpose_status_and_bytes_when_call_is_sent() {
        try (BedrockClient c = client()) {
            c.chat(ask("hello").build());
        }

        assertThat(audit.entries()).singleElement().satisfies(e -> {
            assertThat(e.host()).isEqualTo("127.0.0.1");
            assertThat(e.purpose()).isEqualTo("safe.rate");
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.bytesSent()).isEqualTo(server.calls().get(0).body().getBytes(
                    java.nio.charset.StandardCharsets.UTF_8).length);
            assertThat(e.bytesReceived()).isPositive();
        });
    }

    @Test
    void should_name_setting_when_model_is_missing() {
        LlmSettings s = LlmSettings.builder().backend("bedrock").baseUrl(server.endpoint())
                .option("region", "us-east-1").build();
        try (BedrockClient c = new BedrockClient(s, StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDTEST", "x")), EgressPolicy::defaults, audit)) {
            assertThatThrownBy(() -> c.chat(ask("x").build()))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                            .isEqualTo(Kind.CONFIGURATION))
                    .hasMessageContaining("needs a model id: set LlmSettings model");
        }
    }

    @Test
    void should_name_fix_when_endpoint_override_is_not_a_url() {
        assertThatThrownBy(() -> client(EgressPolicy.defaults(), Duration.ofSeconds(1),
                "vpce-123.example"))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                        .isEqualTo(Kind.CONFIGURATION))
                .hasMessageContaining("'vpce-123.example' is not an http(s) URL with a host");
    }

    @Test
    void should_describe_region_endpoint_and_model_without_secrets() {
        try (BedrockClient c = client()) {
            assertThat(c.describe()).isEqualTo("bedrock region=us-east-1 endpoint="
                    + server.endpoint() + " model=" + MODEL);
        }
    }

    @Test
    void should_describe_regional_endpoint_and_profile_when_no_override_is_set() {
        LlmSettings s = LlmSettings.builder().backend("bedrock").model(MODEL)
                .option("region", "ap-northeast-1").option("profile", "eval").build();
        try (BedrockClient c = new BedrockClient(s, StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDTEST", "not-a-secret")), EgressPolicy::defaults,
                audit)) {
            assertThat(c.describe()).isEqualTo("bedrock region=ap-northeast-1 endpoint=regional"
                    + " model=" + MODEL + " profile=eval").doesNotContain("not-a-secret");
        }
    }

    @Test
    void should_translate_stop_reasons_when_converse_names_them() {
        assertThat(BedrockClient.finishReason("end_turn")).isEqualTo("stop");
        assertThat(BedrockClient.finishReason("stop_sequence")).isEqualTo("stop");
        assertThat(BedrockClient.finishReason("max_tokens")).isEqualTo("length");
        assertThat(BedrockClient.finishReason("guardrail_intervened"))
                .isEqualTo("content_filter");
    }
}
