package io.llmtestbed.ait.llm.gguf;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.Pair;
import io.llmtestbed.ait.llm.gguf.GgufOptions.PromptFormat;
import io.llmtestbed.ait.sdk.llm.ChatMessage;
import io.llmtestbed.ait.sdk.llm.ChatRequest;
import io.llmtestbed.ait.sdk.llm.ChatResponse;
import io.llmtestbed.ait.sdk.llm.LlmAccounting;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmException;
import io.llmtestbed.ait.sdk.llm.LlmException.Kind;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import io.llmtestbed.ait.sdk.llm.Usage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A chat model in a local GGUF file, run in this process by llama.cpp (de.kherud:llama, CPU).
 * No network is used: the file is read from disk, nothing is downloaded.
 *
 * <p>Generation: {@code temperature} as given (0.0 = greedy, the same answer every time; null =
 * llama.cpp's default 0.8), {@code seed} (0 .. 2^31-1; null = a random seed, so answers at a
 * temperature above 0 differ from call to call), {@code maxTokens} (null = option
 * {@code default_max_tokens}), {@code stop} strings (the answer ends before the first one and
 * does not contain it). A request's {@code model} is ignored: the file is the model.
 *
 * <p>Thread-safe: calls on one model file are serialised by a fair lock (see
 * {@link SharedModels}); waiting for the lock counts towards {@link LlmSettings#timeout()}.
 */
public final class GgufClient implements LlmClient {

    /** The stop string the plain prompt format adds, so the model does not write the next turn. */
    public static final String PLAIN_TURN_STOP = "\nUser:";

    private final GgufOptions options;
    private final GgufFile header;
    private final SharedModels.Shared shared;
    private final boolean useTemplate;
    private final String modelName;
    private final Duration timeout;
    private final LlmAccounting accounting = new LlmAccounting();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Checks the file and loads it (or shares the copy already loaded).
     *
     * @throws LlmException CONFIGURATION for a missing file, a file that is not GGUF, an
     *     architecture the bundled llama.cpp cannot chat with, or a load failure
     */
    public GgufClient(LlmSettings settings) {
        this.options = GgufOptions.from(settings);
        Path file = absolute(options.modelPath());
        this.header = GgufFile.read(file);
        checkArchitecture(header, options);
        this.useTemplate = useTemplate(header, options.promptFormat());
        this.modelName = settings.model() != null && !settings.model().isBlank()
                ? settings.model() : header.name();
        this.timeout = settings.timeout();
        int ctx = contextSize(header, options.contextSize());
        this.shared = SharedModels.acquire(new SharedModels.Key(file, ctx, options.threads(),
                useTemplate), header);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        if (closed.get()) {
            throw new LlmException(Kind.CONFIGURATION, "this gguf client for " + header.path()
                    + " is closed; create a new one with LlmClients.create", null, 0, -1, null);
        }
        long start = System.nanoTime();
        try {
            ChatResponse r = generate(request, start);
            accounting.recordCall(request.purpose(), r.usage(), 1);
            return r;
        } catch (LlmException e) {
            accounting.recordFailure(request.purpose(), e.attempts());
            throw e;
        }
    }

    private ChatResponse generate(ChatRequest request, long start) {
        Set<String> stops = new LinkedHashSet<>();
        if (request.stop() != null) {
            request.stop().stream().filter(s -> !s.isEmpty()).forEach(stops::add);
        }
        int maxTokens = request.maxTokens() != null ? request.maxTokens()
                : options.defaultMaxTokens();
        lock(start);
        try {
            String prompt = prompt(request.messages(), stops);
            int promptTokens = shared.model.encode(prompt).length;
            int ctx = shared.key.contextSize();
            if (promptTokens >= ctx) {
                throw new LlmException(Kind.CLIENT_ERROR, "the prompt for purpose '"
                        + request.purpose() + "' has " + promptTokens + " tokens, which does not"
                        + " fit the context of " + ctx + " tokens of " + header.path()
                        + ". Fix: shorten the messages or raise gguf option context_size (the"
                        + " model allows " + header.contextLength() + ")", null, 1, -1, null);
            }
            InferenceParameters p = parameters(request, prompt, maxTokens, stops);
            StringBuilder text = new StringBuilder();
            int chunks = 0;
            LlamaIterator it = shared.model.generate(p).iterator();
            while (it.hasNext()) {
                LlamaOutput out = it.next();
                if (!out.text.isEmpty()) {
                    text.append(out.text);
                    chunks++;
                }
                if (it.hasNext() && System.nanoTime() - start > timeout.toNanos()) {
                    it.cancel();
                    throw new LlmException(Kind.TIMEOUT, "the gguf model " + header.path()
                            + " produced " + chunks + " tokens and no end within the timeout of "
                            + timeout.toMillis() + " ms (purpose '" + request.purpose() + "')."
                            + " Fix: raise LlmSettings timeout, lower maxTokens, or use a"
                            + " smaller model", null, 1, -1, null);
                }
            }
            // LIMIT: the binding reports text, not token counts; a streamed chunk is one token
            // except where llama.cpp merges tokens (split UTF-8 characters, text held back by a
            // partial stop-string match), so completion tokens may be undercounted there.
            String finish = chunks >= maxTokens ? "length" : "stop";
            return new ChatResponse(text.toString(), modelName, new Usage(promptTokens, chunks),
                    finish, false, Duration.ofNanos(System.nanoTime() - start), 1);
        } catch (RuntimeException e) {
            if (e instanceof LlmException) {
                throw e;
            }
            throw new LlmException(Kind.SERVER_ERROR, "llama.cpp failed while generating with "
                    + header.path() + " (purpose '" + request.purpose() + "'): " + e, e, 1, -1,
                    null);
        } finally {
            shared.lock.unlock();
        }
    }

    private void lock(long start) {
        long left = timeout.toNanos() - (System.nanoTime() - start);
        try {
            if (!shared.lock.tryLock(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                throw new LlmException(Kind.TIMEOUT, "the gguf model " + header.path()
                        + " stayed busy with other calls for the whole timeout of "
                        + timeout.toMillis() + " ms (calls on one model run one at a time)."
                        + " Fix: raise LlmSettings timeout or lower maxConcurrency to 1", null,
                        1, -1, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(Kind.TIMEOUT, "interrupted while waiting for the gguf model "
                    + header.path(), e, 0, -1, null);
        }
    }

    private InferenceParameters parameters(ChatRequest r, String prompt, int maxTokens,
            Set<String> stops) {
        InferenceParameters p = new InferenceParameters(prompt).setNPredict(maxTokens)
                .setCachePrompt(false);
        if (r.temperature() != null) {
            p.setTemperature(r.temperature().floatValue());
        }
        if (r.seed() != null) {
            long seed = r.seed();
            if (seed < 0 || seed > Integer.MAX_VALUE) {
                throw new LlmException(Kind.CLIENT_ERROR, "the gguf backend takes a seed from 0"
                        + " to " + Integer.MAX_VALUE + ", got " + seed + " (purpose '"
                        + r.purpose() + "'). Fix: reduce the seed, e.g. seed % 2147483648",
                        null, 0, -1, null);
            }
            p.setSeed((int) seed);
        }
        if (!stops.isEmpty()) {
            p.setStopStrings(stops.toArray(String[]::new));
        }
        return p;
    }

    /** The prompt text for these messages; adds the plain format's turn stop to {@code stops}. */
    String prompt(List<ChatMessage> messages, Set<String> stops) {
        if (useTemplate) {
            return templated(messages);
        }
        stops.add(PLAIN_TURN_STOP);
        return plain(messages);
    }

    private String templated(List<ChatMessage> messages) {
        StringBuilder system = new StringBuilder();
        List<Pair<String, String>> turns = new ArrayList<>();
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case "system" -> system.append(system.length() == 0 ? "" : "\n\n")
                        .append(m.content());
                case "user", "assistant" -> turns.add(new Pair<>(m.role(), m.content()));
                default -> throw new LlmException(Kind.CLIENT_ERROR, "the gguf backend takes"
                        + " messages of role system, user or assistant, got role '" + m.role()
                        + "'", null, 0, -1, null);
            }
        }
        try {
            return shared.model.applyTemplate(new InferenceParameters("").setMessages(
                    system.toString(), turns));
        } catch (RuntimeException e) {
            throw new LlmException(Kind.CONFIGURATION, "llama.cpp could not apply the chat"
                    + " template of " + header.path() + ": " + e.getMessage() + ". Fix: set gguf"
                    + " option prompt_format=plain", e, 0, -1, null);
        }
    }

    /**
     * The fallback prompt: each message as {@code System: ...}, {@code User: ...} or
     * {@code Assistant: ...} on its own line(s), then {@code Assistant:} for the answer.
     */
    static String plain(List<ChatMessage> messages) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            String label = switch (m.role()) {
                case "system" -> "System";
                case "user" -> "User";
                case "assistant" -> "Assistant";
                default -> throw new LlmException(Kind.CLIENT_ERROR, "the gguf backend takes"
                        + " messages of role system, user or assistant, got role '" + m.role()
                        + "'", null, 0, -1, null);
            };
            sb.append(label).append(": ").append(m.content()).append('\n');
        }
        return sb.append("Assistant:").toString();
    }

    /** True when prompts go through the model's chat template. */
    public boolean usesChatTemplate() {
        return useTemplate;
    }

    /** The metadata of the loaded file. */
    public GgufFile header() {
        return header;
    }

    /** The context size the model was loaded with. */
    public int contextSize() {
        return shared.key.contextSize();
    }

    @Override
    public String describe() {
        return "gguf " + header.path() + " model=" + modelName + " arch=" + header.architecture()
                + " ctx=" + shared.key.contextSize() + " format="
                + (useTemplate ? "chat-template" : "plain");
    }

    @Override
    public LlmAccounting accounting() {
        return accounting;
    }

    /** Releases this client's share of the model; the last client frees it. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            SharedModels.release(shared);
        }
    }

    private static void checkArchitecture(GgufFile h, GgufOptions o) {
        String arch = h.architecture();
        if (GgufOptions.CHAT_ARCHITECTURES.contains(arch) || o.allowUnknownArchitecture()) {
            return;
        }
        String why = GgufOptions.NON_CHAT_ARCHITECTURES.contains(arch)
                ? "is an encoder/embedding architecture, which cannot generate chat answers"
                : arch.isEmpty() ? "is not named (no general.architecture key)"
                : "is not one the bundled llama.cpp (b4916, de.kherud:llama 4.2.0) can run";
        throw GgufFile.config("GGUF model " + h.path() + " has architecture '" + arch + "', which "
                + why + ". Supported: " + new java.util.TreeSet<>(GgufOptions.CHAT_ARCHITECTURES)
                + ". Fix: use a model of a supported architecture, or set gguf option"
                + " allow_unknown_architecture=true to let llama.cpp try", null);
    }

    private static boolean useTemplate(GgufFile h, PromptFormat f) {
        return switch (f) {
            case PLAIN -> false;
            case AUTO -> h.chatTemplate().isPresent();
            case TEMPLATE -> {
                if (h.chatTemplate().isEmpty()) {
                    throw GgufFile.config("gguf option prompt_format=template, but " + h.path()
                            + " has no tokenizer.chat_template. Fix: use prompt_format=auto or"
                            + " plain, or a model file that carries its template", null);
                }
                yield true;
            }
        };
    }

    private static int contextSize(GgufFile h, int configured) {
        if (configured > 0) {
            return configured;
        }
        long model = h.contextLength();
        return (int) (model <= 0 ? GgufOptions.DEFAULT_CONTEXT_CAP
                : Math.min(model, GgufOptions.DEFAULT_CONTEXT_CAP));
    }

    private static Path absolute(Path p) {
        try {
            return p.toAbsolutePath().toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
