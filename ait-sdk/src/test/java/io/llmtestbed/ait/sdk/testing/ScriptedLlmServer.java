package io.llmtestbed.ait.sdk.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.llmtestbed.ait.sdk.llm.ChatMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A scripted model behind a real HTTP server on 127.0.0.1 (random port), for tests of code that
 * calls LLMs. It is not a model: its answers are the ones the test scripts, so numbers measured
 * against it are never an LLM's.
 *
 * <p>Endpoints:
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: OpenAI chat shape; {@code usage} is filled with
 *       whitespace-separated token counts;
 *   <li>{@code GET /v1/models}: one model, {@link #modelName()};
 *   <li>{@code POST /invocations}: MLflow pyfunc serving shape; accepts {@code inputs} (a string,
 *       a list of strings, or a column map), {@code dataframe_split}, {@code dataframe_records}
 *       and {@code instances}; each input row is one {@link ChatCall} with one user message
 *       (the row's first string value, or its {@link #invocationsInputColumn} column); returns
 *       {@code {"predictions": [...]}} (strings, or objects with {@link #predictionsAsObjects}).
 * </ul>
 *
 * <p>Rules choose the answer by request content; the first matching rule wins, the
 * {@link #otherwise() default rule} answers the rest:
 *
 * <pre>{@code
 * try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
 *     server.when(c -> c.lastUserContent().contains("capital")).reply("Paris");
 *     server.whenPromptContains("slow").latency(Duration.ofMillis(20)).reply("late");
 *     server.whenPromptContains("busy").failTimes(2, 429).reply("after the storm");
 *     LlmSettings s = LlmSettings.builder().baseUrl(server.baseUrl()).model("m").build();
 * }
 * }</pre>
 *
 * <p>Handlers run on a pool of many threads, so latency tests measure the client's concurrency,
 * not the server's. {@link #maxInFlight()} records the most requests handled at once.
 */
public final class ScriptedLlmServer implements AutoCloseable {

    /** The model name {@code /v1/models} lists and answers carry when a request names none. */
    public static final String DEFAULT_MODEL = "scripted-model";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final ExecutorService pool;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Rule otherwise;
    private final List<ChatCall> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile String modelName = DEFAULT_MODEL;
    private volatile String invocationsInputColumn;
    private volatile String predictionField;

    private ScriptedLlmServer() throws IOException {
        this.otherwise = new Rule(c -> true).reply("scripted default reply");
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                256);
        AtomicInteger threadNo = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "scripted-llm-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        http.createContext("/v1/chat/completions", ex -> handle(ex, Endpoint.CHAT));
        http.createContext("/v1/models", this::models);
        http.createContext("/invocations", ex -> handle(ex, Endpoint.INVOCATIONS));
        http.start();
    }

    /** Starts a server on a random loopback port. */
    public static ScriptedLlmServer start() {
        try {
            return new ScriptedLlmServer();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start ScriptedLlmServer on 127.0.0.1", e);
        }
    }

    /** {@code http://127.0.0.1:PORT/v1}: the base URL of the openai backend. */
    public String baseUrl() {
        return rootUrl() + "/v1";
    }

    /** {@code http://127.0.0.1:PORT}: the base URL of the mlflow backend. */
    public String rootUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** A rule for requests matching {@code match}, tried after the rules made before it. */
    public Rule when(Predicate<ChatCall> match) {
        Rule rule = new Rule(Objects.requireNonNull(match, "match"));
        rules.add(rule);
        return rule;
    }

    /** A rule for requests whose messages (any of them) contain {@code text}. */
    public Rule whenPromptContains(String text) {
        return when(c -> c.promptContains(text));
    }

    /** The rule for requests no other rule matches; answers "scripted default reply". */
    public Rule otherwise() {
        return otherwise;
    }

    /** Shorthand for {@code otherwise().reply(text)}. */
    public ScriptedLlmServer defaultReply(String text) {
        otherwise.reply(text);
        return this;
    }

    /** Shorthand for {@code otherwise().reply(answer)}. */
    public ScriptedLlmServer defaultReply(Function<ChatCall, String> answer) {
        otherwise.reply(answer);
        return this;
    }

    /** The model {@code /v1/models} lists and answers carry when a request names none. */
    public String modelName() {
        return modelName;
    }

    public ScriptedLlmServer modelName(String name) {
        this.modelName = Objects.requireNonNull(name, "name");
        return this;
    }

    /** The /invocations column to read the prompt from; null (default) = first string value. */
    public ScriptedLlmServer invocationsInputColumn(String column) {
        this.invocationsInputColumn = column;
        return this;
    }

    /** Makes /invocations answer {@code [{"<field>": text}, ...]}; null = plain strings. */
    public ScriptedLlmServer predictionsAsObjects(String field) {
        this.predictionField = field;
        return this;
    }

    /** HTTP requests received at /v1/chat/completions and /invocations (not /v1/models). */
    public int requestCount() {
        return requestCount.get();
    }

    /** Every call received, in arrival order (one per /invocations input row). */
    public List<ChatCall> calls() {
        return List.copyOf(calls);
    }

    /** The most requests that were being handled at the same moment. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Forgets recorded calls and counters (rules stay). */
    public void resetRecording() {
        calls.clear();
        requestCount.set(0);
        maxInFlight.set(inFlight.get());
    }

    /** Stops the server and releases hanging requests. */
    @Override
    public void close() {
        closed.countDown();
        http.stop(0);
        pool.shutdownNow();
    }

    private enum Endpoint { CHAT, INVOCATIONS }

    private void models(HttpExchange ex) throws IOException {
        try (ex) {
            ObjectNode body = JSON.createObjectNode().put("object", "list");
            body.putArray("data").addObject().put("id", modelName).put("object", "model")
                    .put("owned_by", "scripted");
            send(ex, 200, JSON.writeValueAsBytes(body), Map.of());
        }
    }

    private void handle(HttpExchange ex, Endpoint endpoint) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        requestCount.incrementAndGet();
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                sendError(ex, 405, "use POST");
                return;
            }
            String raw = new String(readAll(ex.getRequestBody()), StandardCharsets.UTF_8);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            List<ChatCall> parsed;
            try {
                parsed = endpoint == Endpoint.CHAT ? List.of(parseChat(raw, auth))
                        : parseInvocations(raw, auth);
            } catch (IOException | IllegalArgumentException e) {
                sendError(ex, 400, "cannot read request: " + e.getMessage());
                return;
            }
            calls.addAll(parsed);
            // The rule of the first row decides failures and latency for the whole request.
            Rule rule = ruleFor(parsed.isEmpty() ? null : parsed.get(0));
            try {
                rule.respond(this, ex, endpoint, parsed);
            } catch (RuntimeException | Error e) {
                // A throwing reply function would otherwise leave the client waiting.
                sendError(ex, 500, "scripted rule failed: " + e);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private Rule ruleFor(ChatCall call) {
        if (call != null) {
            for (Rule r : rules) {
                if (r.match.test(call)) {
                    return r;
                }
            }
        }
        return otherwise;
    }

    private ChatCall parseChat(String raw, String auth) throws IOException {
        JsonNode body = JSON.readTree(raw);
        if (body == null || !body.path("messages").isArray()) {
            throw new IllegalArgumentException("no messages array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : body.get("messages")) {
            messages.add(new ChatMessage(m.path("role").asText(), m.path("content").asText()));
        }
        List<String> stop = null;
        if (body.has("stop")) {
            stop = new ArrayList<>();
            if (body.get("stop").isArray()) {
                for (JsonNode s : body.get("stop")) {
                    stop.add(s.asText());
                }
            } else {
                stop.add(body.get("stop").asText());
            }
        }
        return new ChatCall(Endpoint.CHAT.name().toLowerCase(), textOrNull(body, "model"),
                body.has("temperature") ? body.get("temperature").doubleValue() : null,
                body.has("seed") ? body.get("seed").longValue() : null,
                body.has("max_tokens") ? body.get("max_tokens").intValue() : null,
                stop, List.copyOf(messages), raw, auth);
    }

    private List<ChatCall> parseInvocations(String raw, String auth) throws IOException {
        JsonNode body = JSON.readTree(raw);
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("body is not a JSON object");
        }
        List<String> prompts = new ArrayList<>();
        if (body.has("dataframe_split")) {
            JsonNode split = body.get("dataframe_split");
            int col = columnIndex(split.path("columns"));
            for (JsonNode row : split.path("data")) {
                prompts.add(col >= 0 ? row.path(col).asText() : firstString(row));
            }
        } else if (body.has("dataframe_records") || body.has("instances")) {
            JsonNode records = body.has("dataframe_records") ? body.get("dataframe_records")
                    : body.get("instances");
            for (JsonNode rec : records) {
                prompts.add(rowText(rec));
            }
        } else if (body.has("inputs")) {
            JsonNode inputs = body.get("inputs");
            if (inputs.isTextual()) {
                prompts.add(inputs.asText());
            } else if (inputs.isArray()) {
                for (JsonNode in : inputs) {
                    prompts.add(rowText(in));
                }
            } else if (inputs.isObject()) {
                JsonNode column = invocationsInputColumn != null
                        ? inputs.path(invocationsInputColumn) : inputs.elements().next();
                for (JsonNode in : column.isArray() ? column : JSON.createArrayNode().add(column)) {
                    prompts.add(in.asText());
                }
            }
        } else {
            throw new IllegalArgumentException("expected one of dataframe_split,"
                    + " dataframe_records, instances, inputs; got keys " + fieldNames(body));
        }
        List<ChatCall> out = new ArrayList<>();
        for (String p : prompts) {
            out.add(new ChatCall(Endpoint.INVOCATIONS.name().toLowerCase(), null, null, null,
                    null, null, List.of(ChatMessage.user(p)), raw, auth));
        }
        return out;
    }

    private int columnIndex(JsonNode columns) {
        if (invocationsInputColumn == null) {
            return -1;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (invocationsInputColumn.equals(columns.get(i).asText())) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column '" + invocationsInputColumn + "' in "
                + columns);
    }

    private String rowText(JsonNode row) {
        if (row.isObject() && invocationsInputColumn != null) {
            return row.path(invocationsInputColumn).asText();
        }
        return row.isTextual() ? row.asText() : firstString(row);
    }

    private static String firstString(JsonNode node) {
        for (JsonNode v : node) {
            if (v.isTextual()) {
                return v.asText();
            }
        }
        return node.toString();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private void waitForClose() {
        try {
            closed.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[] answer(Endpoint endpoint, List<ChatCall> parsed, Rule rule)
            throws IOException {
        if (endpoint == Endpoint.INVOCATIONS) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode predictions = body.putArray("predictions");
            for (ChatCall c : parsed) {
                String text = ruleFor(c).text(c);
                if (predictionField == null) {
                    predictions.add(text);
                } else {
                    predictions.addObject().put(predictionField, text);
                }
            }
            return JSON.writeValueAsBytes(body);
        }
        ChatCall call = parsed.get(0);
        String text = rule.text(call);
        ObjectNode body = JSON.createObjectNode()
                .put("id", "chatcmpl-scripted-" + calls.size())
                .put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", call.model() == null ? modelName : call.model());
        if (!rule.noChoices) {
            ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", text);
            choice.put("finish_reason", rule.finishReason);
        } else {
            body.putArray("choices");
        }
        long prompt = call.messages().stream().mapToLong(m -> countTokens(m.content())).sum();
        long completion = countTokens(text);
        body.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
        return JSON.writeValueAsBytes(body);
    }

    /** Whitespace-separated tokens (a Japanese sentence without spaces counts as one). */
    static long countTokens(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static void send(HttpExchange ex, int status, byte[] body,
            Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        if (!ex.getResponseHeaders().containsKey("Content-Type")) {
            ex.getResponseHeaders().add("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sendError(HttpExchange ex, int status, String message)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("code", status);
        send(ex, status, JSON.writeValueAsBytes(body), Map.of());
    }

    /**
     * One request as the server read it. For /invocations, one per input row, with one user
     * message and null generation settings (the MLflow shape carries none).
     *
     * @param endpoint {@code chat} or {@code invocations}
     * @param model the request's model, null when absent
     * @param temperature as sent; null when the request had none
     * @param seed as sent; null when absent
     * @param maxTokens {@code max_tokens} as sent; null when absent
     * @param stop stop sequences as sent; null when absent
     * @param messages the conversation
     * @param rawBody the whole request body
     * @param authorization the Authorization header, null when absent
     */
    public record ChatCall(String endpoint, String model, Double temperature, Long seed,
            Integer maxTokens, List<String> stop, List<ChatMessage> messages, String rawBody,
            String authorization) {

        /** The last user message's text, {@code ""} when there is none. */
        public String lastUserContent() {
            for (int i = messages.size() - 1; i >= 0; i--) {
                if ("user".equals(messages.get(i).role())) {
                    return messages.get(i).content();
                }
            }
            return "";
        }

        /** The system message's text, {@code ""} when there is none. */
        public String systemContent() {
            return messages.stream().filter(m -> "system".equals(m.role()))
                    .map(ChatMessage::content).findFirst().orElse("");
        }

        /** True when any message contains {@code text}. */
        public boolean promptContains(String text) {
            return messages.stream().anyMatch(m -> m.content().contains(text));
        }
    }

    /**
     * What the server does with matching requests: the reply, and optionally latency, a number
     * of failures first, a hang, a malformed body. Thread-safe; methods return this rule.
     */
    public static final class Rule {

        private final Predicate<ChatCall> match;
        private volatile Function<ChatCall, String> reply = c -> "";
        private volatile Duration latency = Duration.ZERO;
        private final AtomicInteger failuresLeft = new AtomicInteger();
        private volatile int failStatus;
        private volatile int retryAfterSeconds;
        private volatile boolean hang;
        private volatile boolean stallBody;
        private volatile boolean malformed;
        private volatile boolean noChoices;
        private volatile String finishReason = "stop";
        private final AtomicInteger hits = new AtomicInteger();

        private Rule(Predicate<ChatCall> match) {
            this.match = match;
        }

        /** Answers {@code text}. */
        public Rule reply(String text) {
            Objects.requireNonNull(text, "text");
            this.reply = c -> text;
            return this;
        }

        /** Answers what {@code answer} computes from the call. */
        public Rule reply(Function<ChatCall, String> answer) {
            this.reply = Objects.requireNonNull(answer, "answer");
            return this;
        }

        /** Answers with empty content ({@code ""}). */
        public Rule emptyContent() {
            return reply("");
        }

        /** Waits this long before answering (also before failing). */
        public Rule latency(Duration latency) {
            this.latency = Objects.requireNonNull(latency, "latency");
            return this;
        }

        /**
         * The next {@code n} matching requests fail with HTTP {@code status} (a 429 carries
         * {@code Retry-After:} {@link #retryAfterSeconds}, 0 unless set); later ones are answered.
         */
        public Rule failTimes(int n, int status) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("failTimes status must be 4xx or 5xx, got "
                        + status);
            }
            this.failStatus = status;
            this.failuresLeft.set(n);
            return this;
        }

        /** The Retry-After seconds sent with 429 failures. */
        public Rule retryAfterSeconds(int seconds) {
            this.retryAfterSeconds = seconds;
            return this;
        }

        /** Never answers (until the server closes): for client timeout tests. */
        public Rule hang() {
            this.hang = true;
            return this;
        }

        /**
         * Sends the headers and half of the answer's body, then nothing more until the server
         * closes: for timeouts while a body is read.
         */
        public Rule stallBody() {
            this.stallBody = true;
            return this;
        }

        /** Answers HTTP 200 with a body that is not JSON. */
        public Rule malformed() {
            this.malformed = true;
            return this;
        }

        /** Answers HTTP 200 with {@code "choices": []}. */
        public Rule noChoices() {
            this.noChoices = true;
            return this;
        }

        /** The {@code finish_reason} of answers; {@code stop} unless set. */
        public Rule finishReason(String reason) {
            this.finishReason = reason;
            return this;
        }

        /** Requests this rule handled (answered, failed or hung). */
        public int hits() {
            return hits.get();
        }

        private String text(ChatCall call) {
            return reply.apply(call);
        }

        private void respond(ScriptedLlmServer server, HttpExchange ex, Endpoint endpoint,
                List<ChatCall> parsed) throws IOException {
            hits.incrementAndGet();
            sleep(latency);
            if (hang) {
                server.waitForClose();
                return;
            }
            if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                Map<String, String> headers = failStatus == 429
                        ? Map.of("Retry-After", Integer.toString(retryAfterSeconds)) : Map.of();
                ObjectNode body = JSON.createObjectNode();
                body.putObject("error").put("message", "scripted failure " + failStatus)
                        .put("code", failStatus);
                send(ex, failStatus, JSON.writeValueAsBytes(body), headers);
                return;
            }
            if (malformed) {
                send(ex, 200, "<html>this is not JSON".getBytes(StandardCharsets.UTF_8),
                        Map.of("Content-Type", "text/html"));
                return;
            }
            byte[] body = server.answer(endpoint, parsed, this);
            if (stallBody) {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                OutputStream out = ex.getResponseBody();
                out.write(body, 0, body.length / 2);
                out.flush();
                server.waitForClose();
                return;
            }
            send(ex, 200, body, Map.of());
        }

        private static void sleep(Duration d) {
            if (d.isZero()) {
                return;
            }
            try {
                Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
