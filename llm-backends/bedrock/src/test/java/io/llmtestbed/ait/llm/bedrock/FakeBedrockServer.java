package io.llmtestbed.ait.llm.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP server that answers like Bedrock Runtime's Converse operation
 * ({@code POST /model/{modelId}/converse}, AWS restJson1): a Converse JSON body on success, and
 * on failure the status, {@code x-amzn-ErrorType} header and {@code {"message": ...}} body that
 * Bedrock sends. Replies are queued; when the queue is empty it answers {@link #reply} default.
 */
final class FakeBedrockServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One received request. */
    record Call(String method, String rawPath, Map<String, List<String>> headers, String body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private record Reply(int status, String errorType, String body, Map<String, String> headers,
            boolean hang) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Deque<Reply> queue = new ArrayDeque<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Reply fallback = converse("default answer", "end_turn", 3, 2);

    FakeBedrockServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-bedrock");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT}: the endpoint override. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Answers every later request (after the queue) with this text. */
    FakeBedrockServer reply(String text, String stopReason, int in, int out) {
        fallback = converse(text, stopReason, in, out);
        return this;
    }

    /** Queues one Converse answer. */
    synchronized FakeBedrockServer thenReply(String text, String stopReason, int in, int out) {
        queue.add(converse(text, stopReason, in, out));
        return this;
    }

    /** Queues one Bedrock error, e.g. 429 ThrottlingException. */
    synchronized FakeBedrockServer thenError(int status, String errorType, String message,
            Map<String, String> headers) {
        String body = "{\"message\":" + quote(message) + "}";
        queue.add(new Reply(status, errorType, body, headers, false));
        return this;
    }

    /** Queues one 200 answer whose body is not JSON. */
    synchronized FakeBedrockServer thenMalformed() {
        queue.add(new Reply(200, null, "<html>proxy error</html>", Map.of(), false));
        return this;
    }

    /** Queues one request that is never answered (until close). */
    synchronized FakeBedrockServer thenHang() {
        queue.add(new Reply(0, null, "", Map.of(), true));
        return this;
    }

    private static Reply converse(String text, String stopReason, int in, int out) {
        String body = "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":"
                + quote(text) + "}]}},\"stopReason\":\"" + stopReason + "\",\"usage\":"
                + "{\"inputTokens\":" + in + ",\"outputTokens\":" + out + ",\"totalTokens\":"
                + (in + out) + "},\"metrics\":{\"latencyMs\":12}}";
        return new Reply(200, null, body, Map.of(), false);
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        calls.add(new Call(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                Map.copyOf(ex.getRequestHeaders()), body));
        Reply r;
        synchronized (this) {
            r = queue.isEmpty() ? fallback : queue.poll();
        }
        if (r.hang()) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
            return;
        }
        byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("x-amzn-RequestId", "req-" + calls.size());
        if (r.errorType() != null) {
            ex.getResponseHeaders().set("x-amzn-ErrorType", r.errorType()
                    + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        }
        r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(r.status(), bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
