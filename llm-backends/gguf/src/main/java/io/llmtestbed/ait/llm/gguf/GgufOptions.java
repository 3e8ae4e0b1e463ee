package io.llmtestbed.ait.llm.gguf;

import io.llmtestbed.ait.sdk.llm.LlmException;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The gguf backend's settings, read from {@link LlmSettings}. One place for every option, its
 * default and its check.
 *
 * @param modelPath the .gguf file: option {@code model_path}, else {@code baseUrl} (a path or a
 *     {@code file:} URI); {@code model_path} wins when both are set
 * @param contextSize option {@code context_size}; 0 = the model's context length capped at
 *     {@link #DEFAULT_CONTEXT_CAP}
 * @param threads option {@code threads}; default min(4, available processors)
 * @param defaultMaxTokens option {@code default_max_tokens} (default 512): the answer limit when
 *     a request sets no maxTokens
 * @param promptFormat option {@code prompt_format}: {@code auto} (default: the model's chat
 *     template when it has one, else plain), {@code template} or {@code plain}
 * @param allowUnknownArchitecture option {@code allow_unknown_architecture} (default false): try
 *     to load a file whose architecture is not in {@link #CHAT_ARCHITECTURES}
 */
public record GgufOptions(Path modelPath, int contextSize, int threads, int defaultMaxTokens,
        PromptFormat promptFormat, boolean allowUnknownArchitecture) {

    /** Context size used when the model's own is larger and no context_size is set. */
    public static final int DEFAULT_CONTEXT_CAP = 4096;

    /**
     * Generative architectures of the llama.cpp build bundled in de.kherud:llama 4.2.0 (b4916).
     * Newer ones (e.g. qwen3, llama4) need a newer binding.
     */
    // LIMIT: a fixed list for the bundled llama.cpp build; a newer binding needs it updated
    // (allow_unknown_architecture=true lets llama.cpp decide meanwhile).
    public static final Set<String> CHAT_ARCHITECTURES = Set.of("llama", "deci", "falcon",
            "grok", "gpt2", "gptj", "gptneox", "mpt", "baichuan", "starcoder", "refact", "bloom",
            "stablelm", "qwen", "qwen2", "qwen2moe", "qwen2vl", "phi2", "phi3", "phimoe",
            "plamo", "codeshell", "orion", "internlm2", "minicpm", "minicpm3", "gemma", "gemma2",
            "gemma3", "starcoder2", "mamba", "xverse", "command-r", "cohere2", "dbrx", "olmo",
            "olmo2", "olmoe", "openelm", "arctic", "deepseek", "deepseek2", "chatglm", "bitnet",
            "t5", "jais", "nemotron", "exaone", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7",
            "granite", "granitemoe", "chameleon");

    /** Architectures llama.cpp loads only as encoders or embedders: they cannot chat. */
    public static final Set<String> NON_CHAT_ARCHITECTURES = Set.of("bert", "nomic-bert",
            "jina-bert-v2", "t5encoder", "wavtokenizer-dec");

    /** How messages become the prompt text. */
    public enum PromptFormat {
        /** The model's chat template when it has one, else {@link #PLAIN}. */
        AUTO,
        /** The model's chat template; a model without one is a configuration error. */
        TEMPLATE,
        /** {@code System:}/{@code User:}/{@code Assistant:} lines (see the README). */
        PLAIN
    }

    /**
     * Reads and checks the options.
     *
     * @throws LlmException CONFIGURATION naming the option, the value and the fix
     */
    public static GgufOptions from(LlmSettings s) {
        Path model = modelPath(s);
        int ctx = intOption(s, "context_size", 0, 0);
        int threads = intOption(s, "threads", Math.min(4, Runtime.getRuntime()
                .availableProcessors()), 1);
        int maxTokens = intOption(s, "default_max_tokens", 512, 1);
        String format = s.option("prompt_format", "auto").trim().toUpperCase(Locale.ROOT);
        PromptFormat pf;
        try {
            pf = PromptFormat.valueOf(format);
        } catch (IllegalArgumentException e) {
            throw GgufFile.config("gguf option prompt_format must be auto, template or plain,"
                    + " got '" + s.option("prompt_format", "") + "'", e);
        }
        String allow = s.option("allow_unknown_architecture", "false").trim();
        if (!allow.equals("true") && !allow.equals("false")) {
            throw GgufFile.config("gguf option allow_unknown_architecture must be true or false,"
                    + " got '" + allow + "'", null);
        }
        return new GgufOptions(model, ctx, threads, maxTokens, pf, Boolean.parseBoolean(allow));
    }

    private static Path modelPath(LlmSettings s) {
        String fromOption = s.options().get("model_path");
        String raw = fromOption != null && !fromOption.isBlank() ? fromOption : s.baseUrl();
        if (raw == null || raw.isBlank()) {
            throw GgufFile.config("the gguf backend needs a model file: set option model_path"
                    + " (or baseUrl) to the path of a .gguf file, e.g. /models/qwen2.5-0.5b"
                    + "-instruct-q4_k_m.gguf", null);
        }
        String v = raw.trim();
        if (v.startsWith("file:")) {
            try {
                return Path.of(URI.create(v));
            } catch (IllegalArgumentException e) {
                throw GgufFile.config("gguf model location '" + v + "' is not a valid file: URI"
                        + " (" + e.getMessage() + "). Fix: give a plain path or file:///abs/path"
                        + ".gguf", e);
            }
        }
        if (v.matches("(?i)^[a-z][a-z0-9+.-]*://.*")) {
            throw GgufFile.config("gguf model location '" + v + "' is a URL; the gguf backend"
                    + " only loads local files and never downloads. Fix: copy the .gguf file"
                    + " onto this machine and set model_path to its path", null);
        }
        return Path.of(v);
    }

    private static int intOption(LlmSettings s, String key, int fallback, int min) {
        String v = s.options().get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw new NumberFormatException("below " + min);
            }
            return n;
        } catch (NumberFormatException e) {
            throw GgufFile.config("gguf option " + key + " must be an integer >= " + min
                    + ", got '" + v + "'", e);
        }
    }
}
