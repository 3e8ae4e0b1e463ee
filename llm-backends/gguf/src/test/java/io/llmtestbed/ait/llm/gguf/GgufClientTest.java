package io.llmtestbed.ait.llm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.llm.ChatMessage;
import io.llmtestbed.ait.sdk.llm.ChatRequest;
import io.llmtestbed.ait.sdk.llm.ChatResponse;
import io.llmtestbed.ait.sdk.llm.LlmException;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real llama.cpp (de.kherud:llama) on {@link TinyGguf} models. */
class GgufClientTest {

    @TempDir
    static Path dir;

    static Path model;
    static GgufClient client;

    @BeforeAll
    static void load() {
        model = TinyGguf.create(dir);
        client = new GgufClient(settings(model).build());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    static LlmSettings.Builder settings(Path file) {
        return LlmSettings.builder().backend("gguf").option("model_path", file.toString())
                .option("threads", "2");
    }

    static ChatRequest.Builder ask(String text) {
        return ChatRequest.builder().purpose("test.gguf").message(ChatMessage.user(text));
    }

    @Test
    void should_give_same_text_when_temperature_is_zero() {
        ChatRequest r = ask("the cat").temperature(0.0).maxTokens(8).build();

        ChatResponse first = client.chat(r);
        ChatResponse second = client.chat(r);

        assertThat(first.text()).isNotBlank().isEqualTo(second.text());
        assertThat(first.text().trim().split(" ")).hasSize(8)
                .allSatisfy(w -> assertThat(TinyGguf.WORDS).contains(w));
        assertThat(first.model()).isEqualTo("tiny-random-llama");
    }

    @Test
    void should_answer_differently_when_prompt_differs() {
        Set<String> answers = new HashSet<>();
        for (String q : List.of("What is 2+2?", "What is 2 + 2?", "２＋２は？", "Name a color.")) {
            answers.add(client.chat(ask(q).temperature(0.0).maxTokens(6).build()).text());
        }

        assertThat(answers).as("greedy answers of four prompts").hasSizeGreaterThan(1);
    }

    @Test
    void should_stop_at_token_limit_and_say_length_when_max_tokens_is_reached() {
        ChatResponse r = client.chat(ask("hello").temperature(0.0).maxTokens(5).build());

        assertThat(r.usage().completionTokens()).isEqualTo(5);
        assertThat(r.usage().promptTokens()).isPositive();
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.fromCache()).isFalse();
    }

    @Test
    void should_end_before_stop_string_when_answer_reaches_it() {
        String full = client.chat(ask("stop test").temperature(0.0).maxTokens(10).build()).text();
        String[] words = full.trim().split(" ");
        String stop = " " + words[3];
        String expected = full.substring(0, full.indexOf(stop));

        ChatResponse r = client.chat(ask("stop test").temperature(0.0).maxTokens(10)
                .stop(List.of(stop)).build());

        assertThat(r.text()).isEqualTo(expected).doesNotContain(stop);
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.usage().completionTokens()).isLessThan(10);
    }

    @Test
    void should_repeat_answer_when_seed_repeats_and_vary_when_seed_changes() {
        ChatRequest.Builder b = ask("seeded").temperature(1.0).maxTokens(12);

        String seed1 = client.chat(b.seed(1L).build()).text();
        String seed1Again = client.chat(b.seed(1L).build()).text();
        Set<String> others = new HashSet<>();
        for (long s = 2; s <= 4; s++) {
            others.add(client.chat(b.seed(s).build()).text());
        }

        assertThat(seed1Again).isEqualTo(seed1);
        assertThat(others).as("answers for seeds 2..4").anySatisfy(o -> assertThat(o)
                .isNotEqualTo(seed1));
    }

    @Test
    void should_use_model_chat_template_when_model_has_one() {
        String prompt = client.prompt(List.of(ChatMessage.system("be brief"),
                ChatMessage.user("hi")), new LinkedHashSet<>());

        assertThat(client.usesChatTemplate()).isTrue();
        assertThat(prompt).isEqualTo("<|im_start|>system\nbe brief<|im_end|>\n"
                + "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(client.describe()).contains("gguf ", "model=tiny-random-llama", "arch=llama",
                "format=chat-template").doesNotContain("null");
    }

    @Test
    void should_use_plain_format_and_turn_stop_when_model_has_no_template() {
        Path plain = TinyGguf.builder().chatTemplate(null).fileName("plain.gguf").write(dir);
        try (GgufClient c = new GgufClient(settings(plain).build())) {
            Set<String> stops = new LinkedHashSet<>();
            String prompt = c.prompt(List.of(ChatMessage.system("be brief"),
                    ChatMessage.user("hi"), ChatMessage.assistant("yes"),
                    ChatMessage.user("again")), stops);

            assertThat(c.usesChatTemplate()).isFalse();
            assertThat(prompt).isEqualTo("System: be brief\nUser: hi\nAssistant: yes\n"
                    + "User: again\nAssistant:");
            assertThat(stops).containsExactly(GgufClient.PLAIN_TURN_STOP);
            assertThat(c.chat(ask("hi").temperature(0.0).maxTokens(3).build()).text())
                    .isNotBlank();
        }
    }

    @Test
    void should_share_one_loaded_model_when_clients_use_same_file() {
        int before = SharedModels.loadedCount();
        GgufClient second = new GgufClient(settings(model).build());
        try {
            assertThat(SharedModels.loadedCount()).isEqualTo(before);
            assertThat(second.chat(ask("x").temperature(0.0).maxTokens(4).build()).text())
                    .isEqualTo(client.chat(ask("x").temperature(0.0).maxTokens(4).build())
                            .text());
        } finally {
            second.close();
        }
        assertThat(SharedModels.loadedCount()).as("still used by the class client")
                .isEqualTo(before);
    }

    @Test
    void should_answer_every_caller_alike_when_threads_call_at_once() throws Exception {
        ChatRequest r = ask("parallel").temperature(0.0).maxTokens(6).build();
        String expected = client.chat(r).text();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ChatResponse>> futures = pool.invokeAll(List.of(() -> client.chat(r),
                    () -> client.chat(r), () -> client.chat(r), () -> client.chat(r)));
            for (Future<ChatResponse> f : futures) {
                assertThat(f.get().text()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void should_raise_timeout_and_stay_usable_when_generation_outlasts_timeout() {
        ChatRequest r = ask("slow").temperature(0.0).maxTokens(200).build();
        try (GgufClient hasty = new GgufClient(settings(model).timeout(Duration.ofNanos(1))
                .build())) {
            assertThatThrownBy(() -> hasty.chat(r))
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                            .isEqualTo(LlmException.Kind.TIMEOUT))
                    .hasMessageContaining("no end within the timeout of 0 ms");
        }

        assertThat(client.chat(ask("after").temperature(0.0).maxTokens(3).build()).usage()
                .completionTokens()).as("the shared model after a cancelled call").isEqualTo(3);
    }

    @Test
    void should_refuse_prompt_when_it_does_not_fit_the_context() {
        String big = "word ".repeat(400);

        assertThatThrownBy(() -> client.chat(ask(big).maxTokens(4).build()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                        .isEqualTo(LlmException.Kind.CLIENT_ERROR))
                .hasMessageContaining("does not fit the context of 256 tokens")
                .hasMessageContaining("context_size");
    }

    @Test
    void should_refuse_seed_when_it_exceeds_llama_cpp_range() {
        assertThatThrownBy(() -> client.chat(ask("x").seed(1L << 40).build()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                        .isEqualTo(LlmException.Kind.CLIENT_ERROR))
                .hasMessageContaining("seed from 0 to 2147483647, got 1099511627776");
    }

    @Test
    void should_name_architecture_and_fix_when_architecture_is_unsupported() {
        Path odd = TinyGguf.builder().architecture("notarch").fileName("odd.gguf").write(dir);

        assertThatThrownBy(() -> new GgufClient(settings(odd).build()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                        .isEqualTo(LlmException.Kind.CONFIGURATION))
                .hasMessageContaining(odd.toString())
                .hasMessageContaining("architecture 'notarch'")
                .hasMessageContaining("allow_unknown_architecture=true");
    }

    @Test
    void should_wrap_llama_cpp_failure_when_unknown_architecture_is_allowed() {
        Path odd = TinyGguf.builder().architecture("notarch").fileName("odd2.gguf").write(dir);

        assertThatThrownBy(() -> new GgufClient(settings(odd)
                .option("allow_unknown_architecture", "true").build()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                        .isEqualTo(LlmException.Kind.CONFIGURATION))
                .hasMessageContaining("llama.cpp could not load GGUF model " + odd)
                .hasMessageContaining("architecture 'notarch'");
    }

    @Test
    void should_refuse_url_when_model_path_is_remote() {
        assertThatThrownBy(() -> new GgufClient(LlmSettings.builder().backend("gguf")
                .baseUrl("https://example.org/model.gguf").build()))
                .isInstanceOf(LlmException.class)
                .hasMessageContaining("never downloads")
                .hasMessageContaining("model_path");
    }

    @Test
    void should_name_option_when_prompt_format_is_unknown() {
        assertThatThrownBy(() -> new GgufClient(settings(model).option("prompt_format", "xml")
                .build()))
                .isInstanceOf(LlmException.class)
                .hasMessage("gguf option prompt_format must be auto, template or plain, got"
                        + " 'xml'");
    }
}
