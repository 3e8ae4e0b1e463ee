package io.llmtestbed.ait.sdk.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import io.llmtestbed.ait.sdk.net.GuardedHttp;
import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer;
import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer.ChatCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiClientTest {

    private ScriptedLlmServer server;

    @BeforeEach
    void start() {
        server = ScriptedLlmServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LlmSettings.Builder settings() {
        return LlmSettings.builder().backend("openai").baseUrl(server.baseUrl()).model("m1")
                .timeout(Duration.ofSeconds(5)).option("retry_initial_ms", "1")
                .option("retry_max_ms", "5");
    }

    static ChatRequest ask(String prompt) {
        return ChatRequest.builder().purpose("test.ask").message(ChatMessage.user(prompt)).build();
    }

    @Test
    void should_send_temperature_zero_as_zero_when_given() {
        try (LlmClient client = LlmClients.create(settings().build())) {
            client.chat(ask("a").toBuilder().temperature(0.0).build());
            client.chat(ask("b"));
        }

        ChatCall zero = server.calls().get(0);
        assertThat(zero.temperature()).as("temperature sent").isEqualTo(0.0);
        assertThat(zero.rawBody()).contains("\"temperature\":0.0");
        assertThat(server.calls().get(1).rawBody()).as("null temperature is not sent")
                .doesNotContain("temperature");
    }

    @Test
    void should_send_model_seed_stop_and_max_tokens_when_set() {
        try (LlmClient client = LlmClients.create(settings().build())) {
            client.chat(ask("a").toBuilder().seed(42L).maxTokens(64).stop(List.of("\n\n", "END"))
                    .build());
            client.chat(ask("b").toBuilder().model("other-model").build());
        }

        ChatCall first = server.calls().get(0);
        assertThat(first.model()).isEqualTo("m1");
        assertThat(first.seed()).isEqualTo(42L);
        assertThat(first.maxTokens()).isEqualTo(64);
        assertThat(first.stop()).containsExactly("\n\n", "END");
        assertThat(server.calls().get(1).model()).as("a request's model wins")
                .isEqualTo("other-model");
    }

    @Test
    void should_return_text_usage_and_finish_reason_when_answered() {
        server.whenPromptContains("capital").reply("Paris is the capital").finishReason("length");

        ChatResponse r;
        try (LlmClient client = LlmClients.create(settings().build())) {
            r = client.chat(ChatRequest.builder().purpose("p")
                    .message(ChatMessage.system("be brief"))
                    .message(ChatMessage.user("the capital of France")).build());
        }

        assertThat(r.text()).isEqualTo("Paris is the capital");
        assertThat(r.usage()).isEqualTo(new Usage(6, 4));
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.model()).isEqualTo("m1");
        assertThat(r.fromCache()).isFalse();
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(server.calls().get(0).messages()).extracting(ChatMessage::role)
                .containsExactly("system", "user");
    }

    @Test
    void should_return_empty_text_when_model_answers_empty_content() {
        server.otherwise().emptyContent();

        try (LlmClient client = LlmClients.create(settings().build())) {
            assertThat(client.chat(ask("x")).text()).isEmpty();
        }
    }

    @Test
    void should_send_bearer_key_from_named_variable_when_apiKeyEnv_set() {
        LlmSettings s = settings().apiKeyEnv("MY_LLM_KEY").build();

        try (LlmClient client = LlmClients.create(s, name -> Map.of("MY_LLM_KEY", "sk-123")
                .get(name))) {
            client.chat(ask("a"));
            assertThat(client.describe()).doesNotContain("sk-123").contains(server.baseUrl())
                    .contains("m1");
        }

        assertThat(server.calls().get(0).authorization()).isEqualTo("Bearer sk-123");
    }

    @Test
    void should_refuse_settings_when_apiKeyEnv_names_unset_variable() {
        LlmSettings s = settings().apiKeyEnv("MISSING_KEY_VAR").build();

        LlmException e = catchThrowableOfType(LlmException.class,
                () -> LlmClients.create(s, name -> null));

        assertThat(e.kind()).isEqualTo(LlmException.Kind.CONFIGURATION);
        assertThat(e.getMessage()).contains("MISSING_KEY_VAR", "not set",
                "export MISSING_KEY_VAR=<key>");
    }

    @Test
    void should_succeed_after_429_storm_and_count_attempts() {
        server.otherwise().failTimes(3, 429).reply("finally");

        try (LlmClient client = LlmClients.create(settings().build())) {
            ChatResponse r = client.chat(ask("x"));

            assertThat(r.text()).isEqualTo("finally");
            assertThat(r.attempts()).isEqualTo(4);
            assertThat(client.accounting().retries()).isEqualTo(3);
            assertThat(client.accounting().calls()).isEqualTo(1);
            assertThat(client.accounting().failures()).isZero();
        }
        assertThat(server.requestCount()).isEqualTo(4);
    }

    @Test
    void should_wait_retry_after_seconds_when_429_carries_it() {
        server.otherwise().failTimes(1, 429).retryAfterSeconds(1).reply("ok");

        long start = System.nanoTime();
        try (LlmClient client = LlmClients.create(settings().build())) {
            assertThat(client.chat(ask("x")).attempts()).isEqualTo(2);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(elapsedMs).as("waited the server's Retry-After (1 s), not the 1 ms backoff")
                .isGreaterThanOrEqualTo(1000);
    }

    @Test
    void should_fail_rate_limited_with_attempts_when_429_persists() {
        server.otherwise().failTimes(100, 429);

        try (LlmClient client = LlmClients.create(settings().maxRetries(2).build())) {
            LlmException e = catchThrowableOfType(LlmException.class,
                () -> client.chat(ask("x")));

            assertThat(e.kind()).isEqualTo(LlmException.Kind.RATE_LIMITED);
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(e.getMessage()).contains("HTTP 429", "purpose 'test.ask'",
                    "gave up after 3 attempts; maxRetries 2", "lower maxConcurrency");
            assertThat(client.accounting().failures()).isEqualTo(1);
        }
    }

    @Test
    void should_succeed_after_server_error() {
        server.otherwise().failTimes(1, 500).reply("recovered");

        try (LlmClient client = LlmClients.create(settings().build())) {
            ChatResponse r = client.chat(ask("x"));

            assertThat(r.text()).isEqualTo("recovered");
            assertThat(r.attempts()).isEqualTo(2);
        }
    }

    @Test
    void should_fail_with_timeout_after_retries_when_server_hangs() {
        server.otherwise().hang();
        LlmSettings s = settings().timeout(Duration.ofMillis(200)).maxRetries(1).build();

        try (LlmClient client = LlmClients.create(s)) {
            LlmException e = catchThrowableOfType(LlmException.class,
                () -> client.chat(ask("x")));

            assertThat(e.kind()).isEqualTo(LlmException.Kind.TIMEOUT);
            assertThat(e.retryable()).isTrue();
            assertThat(e.attempts()).isEqualTo(2);
            assertThat(e.getMessage()).contains("no answer within 200 ms", "raise",
                    "gave up after 2 attempts");
        }
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void should_fail_with_timeout_when_body_stalls_after_headers() {
        server.otherwise().stallBody().reply("a long answer that never fully arrives");
        LlmSettings s = settings().timeout(Duration.ofMillis(300)).maxRetries(0).build();

        try (LlmClient client = LlmClients.create(s)) {
            LlmException e = catchThrowableOfType(LlmException.class,
                    () -> client.chat(ask("x")));

            assertThat(e.kind()).isEqualTo(LlmException.Kind.TIMEOUT);
            assertThat(e.getMessage()).contains("body did not arrive within 300 ms");
        }
    }

    @Test
    void should_fail_malformed_without_retry_when_body_is_not_json() {
        server.otherwise().malformed();

        try (LlmClient client = LlmClients.create(settings().build())) {
            LlmException e = catchThrowableOfType(LlmException.class,
                () -> client.chat(ask("x")));

            assertThat(e.kind()).isEqualTo(LlmException.Kind.MALFORMED_RESPONSE);
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.getMessage()).contains("body is not JSON", "<html>this is not JSON",
                    "OpenAI-compatible");
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void should_fail_malformed_when_answer_has_no_choices() {
        server.otherwise().noChoices();

        try (LlmClient client = LlmClients.create(settings().build())) {
            assertThatThrownBy(() -> client.chat(ask("x"))).isInstanceOf(LlmException.class)
                    .hasMessageContaining("the answer has no choices (got [])")
                    .extracting(e -> ((LlmException) e).kind())
                    .isEqualTo(LlmException.Kind.MALFORMED_RESPONSE);
        }
    }

    @Test
    void should_not_retry_client_error() {
        server.otherwise().failTimes(5, 400);

        try (LlmClient client = LlmClients.create(settings().build())) {
            LlmException e = catchThrowableOfType(LlmException.class,
                () -> client.chat(ask("x")));

            assertThat(e.kind()).isEqualTo(LlmException.Kind.CLIENT_ERROR);
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).contains("HTTP 400", "scripted failure 400",
                    "check the model name");
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void should_fail_with_connection_after_retries_when_nothing_listens() {
        String deadUrl = server.baseUrl();
        server.close();
        LlmSettings s = settings().baseUrl(deadUrl).maxRetries(2).build();

        try (LlmClient client = LlmClients.create(s)) {
            LlmException e = catchThrowableOfType(LlmException.class,
                () -> client.chat(ask("x")));

            assertThat(e.kind()).isEqualTo(LlmException.Kind.CONNECTION);
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(e.getMessage()).contains(deadUrl + "/chat/completions",
                    "check that the server runs");
        }
    }

    @Test
    void should_refuse_settings_when_base_url_missing() {
        LlmSettings s = LlmSettings.builder().backend("openai").model("m").build();

        assertThatThrownBy(() -> LlmClients.create(s)).isInstanceOf(LlmException.class)
                .hasMessageContaining("baseUrl is required for backend openai (got null)")
                .hasMessageContaining("http://127.0.0.1:8000/v1");
    }

    @Test
    void should_propagate_egress_denial_unwrapped_without_sending_or_retrying() {
        EgressAudit audit = new EgressAudit();
        GuardedHttp guarded = GuardedHttp.builder().policy(EgressPolicy.parse("10.0.0.0/8"))
                .audit(audit).build();

        try (LlmClient client = LlmClients.create(settings().build(), name -> null, guarded)) {
            EgressDeniedException e = catchThrowableOfType(EgressDeniedException.class,
                    () -> client.chat(ask("private data")));

            assertThat(e.purpose()).isEqualTo("test.ask");
            assertThat(e.dataKind()).isEqualTo("llm prompt");
            assertThat(e.getMessage()).contains("127.0.0.1").doesNotContain("private data");
            assertThat(client.accounting().failures()).isEqualTo(1);
            assertThat(client.accounting().retries()).isZero();
        }
        assertThat(server.requestCount()).as("requests that reached the server").isZero();
        assertThat(audit.entries()).singleElement()
                .satisfies(en -> assertThat(en.status()).isEqualTo(EgressAudit.DENIED));
    }

    @Test
    void should_record_each_attempt_in_egress_audit_with_purpose() {
        server.otherwise().failTimes(1, 500).reply("ok");
        EgressAudit audit = new EgressAudit();
        GuardedHttp guarded = GuardedHttp.builder().policy(EgressPolicy.parse("loopback"))
                .audit(audit).build();

        try (LlmClient client = LlmClients.create(settings().build(), name -> null, guarded)) {
            client.chat(ask("x"));
        }

        assertThat(audit.entries()).extracting(EgressAudit.Entry::purpose,
                EgressAudit.Entry::status).containsExactly(tuple("test.ask", 500),
                tuple("test.ask", 200));
        assertThat(audit.entries()).allSatisfy(en ->
                assertThat(en.bytesSent()).isPositive());
    }
}
