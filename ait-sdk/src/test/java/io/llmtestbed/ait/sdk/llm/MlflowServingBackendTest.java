package io.llmtestbed.ait.sdk.llm;

import static io.llmtestbed.ait.sdk.llm.OpenAiClientTest.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MlflowServingBackendTest {

    private ScriptedLlmServer server;

    @BeforeEach
    void start() {
        server = ScriptedLlmServer.start();
        server.defaultReply(c -> "echo: " + c.lastUserContent());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LlmSettings.Builder settings() {
        return LlmSettings.builder().backend("mlflow").baseUrl(server.rootUrl()).model("champion")
                .timeout(Duration.ofSeconds(5)).option("retry_initial_ms", "1");
    }

    @Test
    void should_post_dataframe_split_with_inputs_column_by_default() {
        ChatResponse r;
        try (LlmClient client = LlmClients.create(settings().build())) {
            r = client.chat(ask("日本の首都は？").toBuilder().temperature(0.0).build());
            assertThat(client.describe()).isEqualTo("mlflow " + server.rootUrl()
                    + " model=champion");
        }

        assertThat(r.text()).isEqualTo("echo: 日本の首都は？");
        assertThat(server.calls()).singleElement().satisfies(c -> {
            assertThat(c.endpoint()).isEqualTo("invocations");
            assertThat(c.rawBody()).contains("\"dataframe_split\":{\"columns\":[\"inputs\"],"
                    + "\"data\":[[\"日本の首都は？\"]]}",
                    "\"params\":{\"temperature\":0.0}");
        });
    }

    @Test
    void should_use_named_column_and_inputs_format_when_options_set() {
        server.invocationsInputColumn("question");
        LlmSettings s = settings().option("input_format", "inputs")
                .option("input_column", "question").option("send_params", "false").build();

        try (LlmClient client = LlmClients.create(s)) {
            assertThat(client.chat(ask("q1").toBuilder().temperature(0.5).build()).text())
                    .isEqualTo("echo: q1");
        }
        assertThat(server.calls().get(0).rawBody())
                .isEqualTo("{\"inputs\":{\"question\":[\"q1\"]}}");
    }

    @Test
    void should_read_object_prediction_field_when_output_field_set() {
        server.predictionsAsObjects("answer");

        try (LlmClient client = LlmClients.create(settings().option("input_format",
                "dataframe_records").option("output_field", "answer").build())) {
            assertThat(client.chat(ask("q2")).text()).isEqualTo("echo: q2");
        }
        assertThat(server.calls().get(0).rawBody())
                .startsWith("{\"dataframe_records\":[{\"inputs\":\"q2\"}]");
    }

    @Test
    void should_read_only_text_field_when_output_field_not_set() {
        server.predictionsAsObjects("generated");

        try (LlmClient client = LlmClients.create(settings().build())) {
            assertThat(client.chat(ask("q3")).text()).isEqualTo("echo: q3");
        }
    }

    @Test
    void should_fail_malformed_when_output_field_missing() {
        server.predictionsAsObjects("answer");

        try (LlmClient client = LlmClients.create(settings().option("output_field", "text")
                .build())) {
            LlmException e = catchThrowableOfType(LlmException.class,
                () -> client.chat(ask("q")));

            assertThat(e.kind()).isEqualTo(LlmException.Kind.MALFORMED_RESPONSE);
            assertThat(e.getMessage()).contains("predictions[0] has no text field 'text'"
                    + " (option output_field); its fields are [answer]");
        }
    }

    @Test
    void should_retry_server_error_on_invocations() {
        server.otherwise().failTimes(2, 503);

        try (LlmClient client = LlmClients.create(settings().build())) {
            ChatResponse r = client.chat(ask("q"));

            assertThat(r.text()).isEqualTo("echo: q");
            assertThat(r.attempts()).isEqualTo(3);
        }
    }

    @Test
    void should_refuse_unknown_input_format() {
        LlmException e = catchThrowableOfType(LlmException.class,
                () -> LlmClients.create(settings().option("input_format", "tensor").build()));

        assertThat(e.kind()).isEqualTo(LlmException.Kind.CONFIGURATION);
        assertThat(e.getMessage()).isEqualTo("LlmSettings option input_format of backend mlflow"
                + " must be one of [dataframe_split, dataframe_records, inputs], got 'tensor'");
    }
}
