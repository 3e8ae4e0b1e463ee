package io.llmtestbed.ait.sdk.llm;

import static io.llmtestbed.ait.sdk.llm.OpenAiClientTest.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ManagedLlmClientTest {

    @TempDir
    Path tmp;

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
        return LlmSettings.builder().baseUrl(server.baseUrl()).model("m1")
                .timeout(Duration.ofSeconds(5)).option("retry_initial_ms", "1")
                .option("retry_max_ms", "5");
    }

    @Test
    void should_answer_from_cache_without_http_when_request_repeats() {
        server.defaultReply(c -> "answer to " + c.lastUserContent());
        LlmSettings s = settings().cacheDir(tmp.resolve("cache")).build();
        ChatRequest q = ask("what is 2+2").toBuilder().temperature(0.0).build();

        ChatResponse first;
        ChatResponse second;
        try (LlmClient client = LlmClients.create(s)) {
            first = client.chat(q);
            int afterFirst = server.requestCount();
            second = client.chat(q);

            assertThat(server.requestCount()).as("HTTP requests after the cached repeat")
                    .isEqualTo(afterFirst).isEqualTo(1);
            assertThat(client.accounting().cacheHits()).isEqualTo(1);
            assertThat(client.accounting().calls()).isEqualTo(1);
        }
        assertThat(second.text()).isEqualTo(first.text()).isEqualTo("answer to what is 2+2");
        assertThat(second.fromCache()).isTrue();
        assertThat(second.attempts()).isZero();
        assertThat(second.usage()).isEqualTo(first.usage());
    }

    @Test
    void should_keep_cache_across_clients_so_a_rerun_costs_no_call() {
        LlmSettings s = settings().cacheDir(tmp.resolve("cache")).build();
        try (LlmClient client = LlmClients.create(s)) {
            client.chat(ask("q1"));
        }

        try (LlmClient rerun = LlmClients.create(s)) {
            assertThat(rerun.chat(ask("q1")).fromCache()).isTrue();
            assertThat(rerun.accounting().calls()).isZero();
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void should_miss_cache_when_temperature_or_model_differs() {
        LlmSettings s = settings().cacheDir(tmp.resolve("cache")).build();

        try (LlmClient client = LlmClients.create(s)) {
            client.chat(ask("q").toBuilder().temperature(0.0).build());
            client.chat(ask("q").toBuilder().temperature(0.7).build());
            client.chat(ask("q"));
            client.chat(ask("q").toBuilder().temperature(0.0).model("m2").build());
            client.chat(ask("q").toBuilder().temperature(0.0).build());
        }

        assertThat(server.requestCount()).as("0.0, 0.7, default, other model; then a hit")
                .isEqualTo(4);
        assertThat(server.calls()).extracting(ScriptedLlmServer.ChatCall::temperature)
                .containsExactly(0.0, 0.7, null, 0.0);
    }

    @Test
    void should_not_cache_failures() {
        server.otherwise().failTimes(1, 400).reply("good");
        LlmSettings s = settings().cacheDir(tmp.resolve("cache")).build();

        try (LlmClient client = LlmClients.create(s)) {
            catchThrowableOfType(LlmException.class,
                () -> client.chat(ask("q")));
            ChatResponse r = client.chat(ask("q"));

            assertThat(r.text()).isEqualTo("good");
            assertThat(r.fromCache()).isFalse();
        }
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void should_store_one_file_per_answer_in_two_level_dirs() throws Exception {
        Path cache = tmp.resolve("cache");
        try (LlmClient client = LlmClients.create(settings().cacheDir(cache).build())) {
            client.chat(ask("a"));
            client.chat(ask("b"));
        }

        List<Path> files;
        try (Stream<Path> walk = Files.walk(cache)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).hasSize(2).allSatisfy(f -> {
            String name = f.getFileName().toString();
            assertThat(name).matches("[0-9a-f]{64}\\.json");
            assertThat(f.getParent().getFileName().toString()).isEqualTo(name.substring(0, 2));
        });
    }

    @Test
    void should_give_equal_digest_when_caches_hold_equal_answers() {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        String empty = LlmClients.cacheDigest(tmp.resolve("none"));
        for (Path dir : List.of(a, b)) {
            try (LlmClient client = LlmClients.create(settings().cacheDir(dir).build())) {
                client.chat(ask("x"));
                client.chat(ask("y"));
            }
        }
        String digestA = LlmClients.cacheDigest(a);

        assertThat(digestA).matches("[0-9a-f]{64}").isEqualTo(LlmClients.cacheDigest(b));
        assertThat(empty).as("sha256 of nothing")
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        try (LlmClient client = LlmClients.create(settings().cacheDir(a).build())) {
            client.chat(ask("z"));
        }
        assertThat(LlmClients.cacheDigest(a)).isNotEqualTo(digestA);
    }

    @Test
    void should_make_one_call_when_identical_requests_run_at_once() throws Exception {
        server.otherwise().latency(Duration.ofMillis(200)).reply("shared");
        LlmSettings s = settings().cacheDir(tmp.resolve("cache")).maxConcurrency(8).build();

        List<ChatResponse> answers = new ArrayList<>();
        try (LlmClient client = LlmClients.create(s)) {
            ExecutorService pool = Executors.newFixedThreadPool(5);
            try {
                List<Future<ChatResponse>> futures = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    futures.add(pool.submit(() -> client.chat(ask("same question"))));
                }
                for (Future<ChatResponse> f : futures) {
                    answers.add(f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(client.accounting().calls() + client.accounting().cacheHits())
                    .isEqualTo(5);
            assertThat(client.accounting().calls()).isEqualTo(server.requestCount());
        }

        assertThat(answers).extracting(ChatResponse::text).containsOnly("shared");
        assertThat(server.requestCount()).as("HTTP calls for 5 identical concurrent requests")
                .isEqualTo(1);
    }

    @Test
    void should_cap_requests_in_flight_at_max_concurrency() throws Exception {
        server.otherwise().latency(Duration.ofMillis(100)).reply("ok");
        LlmSettings s = settings().maxConcurrency(3).build();

        try (LlmClient client = LlmClients.create(s)) {
            runParallel(client, 12, 12);
        }

        assertThat(server.requestCount()).isEqualTo(12);
        assertThat(server.maxInFlight()).as("requests the server handled at once")
                .isEqualTo(3);
    }

    @Test
    void should_space_starts_when_requests_per_second_set() throws Exception {
        LlmSettings s = settings().requestsPerSecond(20).maxConcurrency(8).build();

        long start = System.nanoTime();
        try (LlmClient client = LlmClients.create(s)) {
            runParallel(client, 6, 6);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(elapsedMs).as("6 starts at 20/s need 5 intervals of 50 ms")
                .isGreaterThanOrEqualTo(250);
    }

    @Test
    void should_count_calls_tokens_and_hits_per_purpose() {
        server.defaultReply("two words");
        LlmSettings s = settings().cacheDir(tmp.resolve("cache")).build();

        LlmAccounting acc;
        try (LlmClient client = LlmClients.create(s)) {
            client.chat(ChatRequest.builder().purpose("safe.split")
                    .message(ChatMessage.user("one two three")).build());
            client.chat(ChatRequest.builder().purpose("safe.rate")
                    .message(ChatMessage.user("four")).build());
            client.chat(ChatRequest.builder().purpose("safe.rate")
                    .message(ChatMessage.user("four")).build());
            acc = client.accounting();
        }

        assertThat(acc.byPurpose()).containsOnlyKeys("safe.rate", "safe.split");
        assertThat(acc.byPurpose().get("safe.split"))
                .isEqualTo(new LlmAccounting.PurposeCounts(1, 0, 3, 2, 0, 0));
        assertThat(acc.byPurpose().get("safe.rate"))
                .isEqualTo(new LlmAccounting.PurposeCounts(1, 1, 1, 2, 0, 0));
        assertThat(acc.snapshot().total())
                .isEqualTo(new LlmAccounting.PurposeCounts(2, 1, 4, 4, 0, 0));
        assertThat(acc.promptTokens()).isEqualTo(4);
        assertThat(acc.completionTokens()).isEqualTo(4);
    }

    @Test
    void should_warn_on_retry_without_prompt_text() {
        server.otherwise().failTimes(1, 429);
        Logger logger = (Logger) LoggerFactory.getLogger(ManagedLlmClient.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (LlmClient client = LlmClients.create(settings().build())) {
            client.chat(ask("secret prompt text"));
        } finally {
            logger.detachAppender(appender);
        }

        List<ILoggingEvent> warnings = appender.list.stream()
                .filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getFormattedMessage())
                .matches("LLM call for purpose test\\.ask: retrying in \\d+ ms after 429"
                        + " \\(Retry-After 0 s\\) \\(attempt 2/7\\)");
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.contains("secret prompt text"));
    }

    @Test
    void should_name_known_backends_and_module_when_backend_unknown() {
        LlmException bedrock = catchThrowableOfType(LlmException.class,
                () -> LlmClients.create(LlmSettings.builder().backend("bedrock").build()));
        LlmException other = catchThrowableOfType(LlmException.class,
                () -> LlmClients.create(LlmSettings.builder().backend("X-Direct").build()));

        assertThat(bedrock.kind()).isEqualTo(LlmException.Kind.CONFIGURATION);
        assertThat(bedrock.getMessage()).isEqualTo("LlmSettings backend 'bedrock' is not"
                + " available; available: [mlflow, openai]. Fix: add the dependency"
                + " io.llmtestbed:ait-llm-bedrock (it registers backend 'bedrock' via"
                + " ServiceLoader) to the AIT's classpath");
        assertThat(other.getMessage()).contains("backend 'x-direct' is not available",
                "[mlflow, openai]", "gguf: io.llmtestbed:ait-llm-gguf");
    }

    @Test
    void should_refuse_request_without_purpose() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> ChatRequest.builder().message(ChatMessage.user("x")).build());

        assertThat(e.getMessage()).contains("purpose is required (got null)", ".purpose(");
    }

    private static void runParallel(LlmClient client, int requests, int threads)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<ChatResponse>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String prompt = "q" + i;
                futures.add(pool.submit(() -> client.chat(ask(prompt))));
            }
            for (Future<ChatResponse> f : futures) {
                assertThat(f.get().text()).isNotNull();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
