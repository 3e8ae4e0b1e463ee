package io.llmtestbed.ait.sdk.llm;

import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Makes {@link LlmClient}s from {@link LlmSettings}: picks the backend and wraps it with retries
 * and backoff, bounded concurrency, the rate limit, the disk cache and accounting.
 *
 * <p>Backends: {@code openai} and {@code mlflow} are in the SDK; others are found by
 * {@link ServiceLoader} ({@link LlmBackendProvider}): {@code bedrock} in module ait-llm-bedrock,
 * {@code gguf} in ait-llm-gguf. A provider on the classpath may also replace a built-in name.
 */
public final class LlmClients {

    /** Optional backends and the artifact that provides each. */
    static final Map<String, String> OPTIONAL_MODULES = Map.of(
            "bedrock", "io.llmtestbed:ait-llm-bedrock",
            "gguf", "io.llmtestbed:ait-llm-gguf");

    private LlmClients() {
    }

    /**
     * A thread-safe client for these settings.
     *
     * @throws LlmException CONFIGURATION for an unknown backend (the message names the known ones
     *     and the module that provides each optional one) or unusable settings
     */
    public static LlmClient create(LlmSettings settings) {
        return create(settings, System::getenv);
    }

    /** As {@link #create(LlmSettings)}, reading environment variables through {@code env}. */
    static LlmClient create(LlmSettings settings, UnaryOperator<String> env) {
        return create(settings, env, null);
    }

    /** As above, sending through {@code guarded} (null = the SDK's default GuardedHttp). */
    static LlmClient create(LlmSettings settings, UnaryOperator<String> env,
            GuardedHttp guarded) {
        LlmClient backend = backend(settings, env, guarded);
        return new ManagedLlmClient(backend, settings);
    }

    /** The backend names that can be used now: built-in ones and those found on the classpath. */
    public static List<String> availableBackends() {
        TreeSet<String> names = new TreeSet<>(List.of("mlflow", "openai"));
        for (LlmBackendProvider p : ServiceLoader.load(LlmBackendProvider.class)) {
            names.add(p.name());
        }
        return new ArrayList<>(names);
    }

    private static LlmClient backend(LlmSettings settings, UnaryOperator<String> env,
            GuardedHttp guarded) {
        String name = settings.backend();
        for (LlmBackendProvider p : ServiceLoader.load(LlmBackendProvider.class)) {
            if (name.equals(p.name())) {
                return p.create(settings);
            }
        }
        return switch (name) {
            case "openai" -> new OpenAiChatBackend(settings, env, guarded);
            case "mlflow" -> new MlflowServingBackend(settings, env, guarded);
            default -> throw unknown(name);
        };
    }

    private static LlmException unknown(String name) {
        String module = OPTIONAL_MODULES.get(name);
        String fix = module != null
                ? "Fix: add the dependency " + module + " (it registers backend '" + name
                        + "' via ServiceLoader) to the AIT's classpath"
                : "Fix: use one of the available backends, or add the module of another one"
                        + " (bedrock: " + OPTIONAL_MODULES.get("bedrock") + ", gguf: "
                        + OPTIONAL_MODULES.get("gguf") + ")";
        return new LlmException(LlmException.Kind.CONFIGURATION, "LlmSettings backend '" + name
                + "' is not available; available: " + availableBackends() + ". " + fix, null, 0,
                -1, null);
    }

    /**
     * sha256 (hex) over the cache's entries, sorted by path: the same answers give the same
     * digest. A missing or empty directory gives the digest of nothing (sha256 of no bytes).
     */
    public static String cacheDigest(Path cacheDir) {
        return ResponseCache.digest(cacheDir);
    }
}
