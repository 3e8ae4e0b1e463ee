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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One attempt against an OpenAI-compatible chat endpoint: {@code POST {baseUrl}/chat/completions}.
 * Sends exactly the settings given (a temperature of 0.0 is sent as 0.0; null settings are left
 * out). No retries, cache or accounting here: {@link ManagedLlmClient} adds them.
 */
final class OpenAiChatBackend implements LlmClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LlmSettings settings;
    private final URI endpoint;
    private final Map<String, String> headers;
    private final LlmHttp http;
    private final LlmAccounting accounting = new LlmAccounting();

    OpenAiChatBackend(LlmSettings settings, UnaryOperator<String> env, GuardedHttp guarded) {
        this.settings = settings;
        String base = Backends.requireBaseUrl(settings, "http://127.0.0.1:8000/v1");
        this.endpoint = Backends.uri(settings, stripSlash(base) + "/chat/completions");
        this.headers = new LinkedHashMap<>();
        Backends.apiKey(settings, env).ifPresent(k -> headers.put("Authorization", "Bearer " + k));
        this.http = new LlmHttp(settings.timeout(), describe(), guarded);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        String model = request.model() != null ? request.model() : settings.model();
        byte[] body = requestBody(request, model);
        long start = System.nanoTime();
        byte[] answer = http.postJson(endpoint, body, headers, request.purpose());
        return parse(answer, model, request.purpose(), Duration.ofNanos(System.nanoTime() - start));
    }

    private byte[] requestBody(ChatRequest request, String model) {
        ObjectNode body = JSON.createObjectNode();
        if (model != null) {
            body.put("model", model);
        }
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : request.messages()) {
            messages.addObject().put("role", m.role()).put("content", m.content());
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature().doubleValue());
        }
        if (request.maxTokens() != null) {
            body.put("max_tokens", request.maxTokens().intValue());
        }
        if (request.seed() != null) {
            body.put("seed", request.seed().longValue());
        }
        if (request.stop() != null && !request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.stop().forEach(stop::add);
        }
        body.put("stream", false);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write chat request JSON", e);
        }
    }

    private ChatResponse parse(byte[] answer, String model, String purpose, Duration latency) {
        JsonNode root;
        try {
            root = JSON.readTree(answer);
        } catch (IOException e) {
            throw malformed(purpose, "the HTTP 200 body is not JSON (starts"
                    + LlmHttp.excerpt(answer) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw malformed(purpose, "the HTTP 200 body is not a JSON object"
                    + LlmHttp.excerpt(answer), null);
        }
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw malformed(purpose, "the answer has no choices (got "
                    + (root.has("choices") ? choices.toString() : "no 'choices' key")
                    + ")", null);
        }
        // LIMIT: only the first choice is read; no streaming, tool calls or n > 1.
        JsonNode choice = choices.get(0);
        JsonNode message = choice.path("message");
        if (!message.isObject()) {
            throw malformed(purpose, "choices[0] has no message object", null);
        }
        // A null content (e.g. a reasoning model that used up max_tokens) is an empty answer.
        JsonNode content = message.path("content");
        String text = content.isTextual() ? content.asText() : "";
        JsonNode usage = root.path("usage");
        Usage u = new Usage(Math.max(0, usage.path("prompt_tokens").asLong(0)),
                Math.max(0, usage.path("completion_tokens").asLong(0)));
        String answeredBy = root.path("model").isTextual() ? root.get("model").asText() : model;
        String finish = choice.path("finish_reason").isTextual()
                ? choice.get("finish_reason").asText() : null;
        return new ChatResponse(text, answeredBy, u, finish, false, latency, 1);
    }

    private LlmException malformed(String purpose, String what, Throwable cause) {
        return new LlmException(LlmException.Kind.MALFORMED_RESPONSE, http.where(endpoint, purpose)
                + ": " + what + ". Fix: check that baseUrl points to an OpenAI-compatible chat"
                + " endpoint (e.g. http://host:8000/v1)", cause, 1, 200, null);
    }

    @Override
    public String describe() {
        return "openai " + settings.baseUrl() + " model=" + settings.model();
    }

    @Override
    public LlmAccounting accounting() {
        return accounting;
    }

    static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
