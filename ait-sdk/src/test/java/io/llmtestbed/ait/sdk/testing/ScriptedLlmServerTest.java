package io.llmtestbed.ait.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScriptedLlmServerTest {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).build();
    private ScriptedLlmServer server;

    @BeforeEach
    void start() {
        server = ScriptedLlmServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void should_list_its_model_at_v1_models() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/models")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"id\":\"scripted-model\"");
        assertThat(server.requestCount()).as("models requests are not counted").isZero();
    }

    @Test
    void should_pick_first_matching_rule_by_prompt() throws Exception {
        server.whenPromptContains("apple").reply("fruit");
        server.whenPromptContains("apple pie").reply("never reached");

        HttpResponse<String> r = post(server.baseUrl() + "/chat/completions",
                "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"apple pie\"}]}");

        assertThat(r.body()).contains("\"content\":\"fruit\"", "\"model\":\"x\"",
                "\"prompt_tokens\":2", "\"completion_tokens\":1");
    }

    @Test
    void should_answer_each_row_when_invocations_gets_several() throws Exception {
        server.whenPromptContains("b").reply("B!");

        HttpResponse<String> split = post(server.rootUrl() + "/invocations",
                "{\"dataframe_split\":{\"columns\":[\"inputs\"],\"data\":[[\"a\"],[\"b\"]]}}");
        HttpResponse<String> inputs = post(server.rootUrl() + "/invocations",
                "{\"inputs\":[\"b\",\"c\"]}");

        assertThat(split.body()).isEqualTo("{\"predictions\":[\"scripted default reply\","
                + "\"B!\"]}");
        assertThat(inputs.body())
                .isEqualTo("{\"predictions\":[\"B!\",\"scripted default reply\"]}");
        assertThat(server.calls()).hasSize(4);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void should_answer_400_when_request_has_no_messages() throws Exception {
        HttpResponse<String> r = post(server.baseUrl() + "/chat/completions", "{\"model\":1}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("no messages array");
    }
}
