package io.llmtestbed.ait.sdk.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceLoaderBackendTest {

    @TempDir
    Path tmp;

    /** Fails once with a server error, then echoes; counts the calls that reached it. */
    public static final class FlakyProvider implements LlmBackendProvider {

        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public String name() {
            return "flaky-test";
        }

        @Override
        public LlmClient create(LlmSettings settings) {
            LlmAccounting own = new LlmAccounting();
            return new LlmClient() {
                @Override
                public ChatResponse chat(ChatRequest r) {
                    if (CALLS.incrementAndGet() == 1) {
                        throw new LlmException(LlmException.Kind.SERVER_ERROR, "first fails");
                    }
                    return new ChatResponse("echo " + r.lastUserContent(), settings.model(),
                            new Usage(1, 2), "stop", false, Duration.ZERO, 1);
                }

                @Override
                public String describe() {
                    return "flaky-test model=" + settings.model();
                }

                @Override
                public LlmAccounting accounting() {
                    return own;
                }
            };
        }
    }

    @Test
    void should_wrap_service_loader_backend_with_retries_cache_and_accounting() throws Exception {
        Path services = tmp.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(LlmBackendProvider.class.getName()),
                FlakyProvider.class.getName() + "\n");
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()},
                previous)) {
            Thread.currentThread().setContextClassLoader(loader);
            LlmSettings s = LlmSettings.builder().backend("flaky-test").model("fm")
                    .cacheDir(tmp.resolve("cache")).option("retry_initial_ms", "1").build();

            assertThat(LlmClients.availableBackends()).containsExactly("flaky-test", "mlflow",
                    "openai");
            try (LlmClient client = LlmClients.create(s)) {
                ChatResponse first = client.chat(OpenAiClientTest.ask("hi"));
                ChatResponse again = client.chat(OpenAiClientTest.ask("hi"));

                assertThat(first.text()).isEqualTo("echo hi");
                assertThat(first.attempts()).isEqualTo(2);
                assertThat(again.fromCache()).isTrue();
                assertThat(client.describe()).isEqualTo("flaky-test model=fm");
                assertThat(client.accounting().snapshot().total())
                        .isEqualTo(new LlmAccounting.PurposeCounts(1, 1, 1, 2, 1, 0));
            }
            assertThat(FlakyProvider.CALLS).hasValue(2);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Test
    void should_list_set_generation_settings_in_fixed_order() {
        ChatRequest r = OpenAiClientTest.ask("x").toBuilder().seed(7L).temperature(0.0).build();

        assertThat(r.generationSettings()).containsExactly(
                java.util.Map.entry("temperature", 0.0), java.util.Map.entry("seed", 7L));
        assertThat(r.toString()).doesNotContain("x\"").contains("temperature=0.0");
    }
}
