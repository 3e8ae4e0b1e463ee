package io.llmtestbed.ait.sdk.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * One attempt against a model served by {@code mlflow models serve}: {@code POST
 * {baseUrl}/invocations} with the prompt as one row, reading {@code predictions[0]}.
 *
 * <p>Options: {@code input_format} = {@code dataframe_split} (default), {@code dataframe_records}
 * or {@code inputs}; {@code input_column} (default {@code inputs}); {@code output_field} (the
 * field of an object prediction; default: its only text field); {@code send_params}
 * ({@code true} by default: temperature, max_tokens, seed and stop go in {@code params}).
 */
final class MlflowServingBackend implements LlmClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FORMATS = List.of("dataframe_split", "dataframe_records",
            "inputs");

    private final LlmSettings settings;
    private final URI endpoint;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final String format;
    private final String column;
    private final boolean columnGiven;
    private final String outputField;
    private final boolean sendParams;
    private final LlmHttp http;
    private final LlmAccounting accounting = new LlmAccounting();

    MlflowServingBackend(LlmSettings settings, UnaryOperator<String> env, GuardedHttp guarded) {
        this.settings = settings;
        String base = OpenAiChatBackend.stripSlash(
                Backends.requireBaseUrl(settings, "http://127.0.0.1:5001"));
        this.endpoint = Backends.uri(settings, base.endsWith("/invocations") ? base
                : base + "/invocations");
        Backends.apiKey(settings, env).ifPresent(k -> headers.put("Authorization", "Bearer " + k));
        this.format = settings.option("input_format", "dataframe_split");
        if (!FORMATS.contains(format)) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "LlmSettings option"
                    + " input_format of backend mlflow must be one of " + FORMATS + ", got '"
                    + format + "'", null, 0, -1, null);
        }
        this.columnGiven = settings.options().containsKey("input_column");
        this.column = settings.option("input_column", "inputs");
        this.outputField = settings.options().get("output_field");
        this.sendParams = !"false".equalsIgnoreCase(settings.option("send_params", "true"));
        this.http = new LlmHttp(settings.timeout(), describe(), guarded);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        long start = System.nanoTime();
        byte[] answer = http.postJson(endpoint, body(request), headers, request.purpose());
        String text = parse(answer, request.purpose());
        String model = request.model() != null ? request.model() : settings.model();
        // LIMIT: MLflow serving reports no token usage; Usage is zero for this backend.
        return new ChatResponse(text, model, Usage.ZERO, null, false,
                Duration.ofNanos(System.nanoTime() - start), 1);
    }

    /**
     * The prompt: the only message's text, or all messages' texts joined by blank lines.
     * LIMIT: roles are flattened, since a pyfunc model takes one text column.
     */
    static String prompt(ChatRequest request) {
        if (request.messages().size() == 1) {
            return request.messages().get(0).content();
        }
        return request.messages().stream().map(ChatMessage::content)
                .collect(Collectors.joining("\n\n"));
    }

    // LIMIT: one row per request; rows of several requests are not batched into one call.
    private byte[] body(ChatRequest request) {
        ObjectNode body = JSON.createObjectNode();
        String prompt = prompt(request);
        switch (format) {
            case "dataframe_records" -> body.putArray("dataframe_records").addObject()
                    .put(column, prompt);
            case "inputs" -> {
                if (columnGiven) {
                    body.putObject("inputs").putArray(column).add(prompt);
                } else {
                    body.putArray("inputs").add(prompt);
                }
            }
            default -> {
                ObjectNode split = body.putObject("dataframe_split");
                split.putArray("columns").add(column);
                split.putArray("data").addArray().add(prompt);
            }
        }
        if (sendParams) {
            ObjectNode params = JSON.createObjectNode();
            if (request.temperature() != null) {
                params.put("temperature", request.temperature().doubleValue());
            }
            if (request.maxTokens() != null) {
                params.put("max_tokens", request.maxTokens().intValue());
            }
            if (request.seed() != null) {
                params.put("seed", request.seed().longValue());
            }
            if (request.stop() != null && !request.stop().isEmpty()) {
                ArrayNode stop = params.putArray("stop");
                request.stop().forEach(stop::add);
            }
            if (!params.isEmpty()) {
                body.set("params", params);
            }
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write invocations JSON", e);
        }
    }

    private String parse(byte[] answer, String purpose) {
        JsonNode root;
        try {
            root = JSON.readTree(answer);
        } catch (IOException e) {
            throw malformed(purpose, "the HTTP 200 body is not JSON (starts"
                    + LlmHttp.excerpt(answer) + ")", e);
        }
        // MLflow 2+ wraps in {"predictions": ...}; older servers answer the bare list.
        JsonNode predictions = root != null && root.isObject() ? root.path("predictions") : root;
        if (predictions != null && predictions.isObject()) {
            predictions = firstColumn(predictions);
        }
        if (predictions == null || !predictions.isArray() || predictions.isEmpty()) {
            throw malformed(purpose, "the answer has no predictions[0] (got"
                    + LlmHttp.excerpt(answer) + ")", null);
        }
        return text(predictions.get(0), purpose);
    }

    private static JsonNode firstColumn(JsonNode columns) {
        Iterator<JsonNode> it = columns.elements();
        return it.hasNext() ? it.next() : null;
    }

    private String text(JsonNode p, String purpose) {
        if (p.isTextual()) {
            return p.asText();
        }
        if (p.isArray() && !p.isEmpty()) {
            return text(p.get(0), purpose);
        }
        if (p.isObject()) {
            if (outputField != null) {
                JsonNode v = p.get(outputField);
                if (v == null || !v.isTextual()) {
                    throw malformed(purpose, "predictions[0] has no text field '" + outputField
                            + "' (option output_field); its fields are " + fields(p), null);
                }
                return v.asText();
            }
            JsonNode chat = p.path("choices").path(0).path("message").path("content");
            if (chat.isTextual()) {
                return chat.asText();
            }
            List<String> textual = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : p.properties()) {
                if (e.getValue().isTextual()) {
                    textual.add(e.getKey());
                }
            }
            if (textual.size() == 1) {
                return p.get(textual.get(0)).asText();
            }
            throw malformed(purpose, "predictions[0] is an object with fields " + fields(p)
                    + "; set option output_field to the one holding the answer", null);
        }
        if (p.isNull()) {
            return "";
        }
        throw malformed(purpose, "predictions[0] is " + p.getNodeType() + ", not text", null);
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private LlmException malformed(String purpose, String what, Throwable cause) {
        return new LlmException(LlmException.Kind.MALFORMED_RESPONSE, http.where(endpoint, purpose)
                + ": " + what + ". Fix: check that baseUrl is the root of an `mlflow models"
                + " serve` server", cause, 1, 200, null);
    }

    @Override
    public String describe() {
        return "mlflow " + settings.baseUrl() + " model=" + settings.model();
    }

    @Override
    public LlmAccounting accounting() {
        return accounting;
    }
}
