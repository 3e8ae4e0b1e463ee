package io.llmtestbed.aits.safe.search;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 answering every request with the next scripted reply (the
 * last one repeats), recording each request. Stands in for Serper and OpenSearch in tests.
 */
final class FakeSearchServer implements AutoCloseable {

  record Reply(int status, String body, Map<String, String> headers) {}

  record Request(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  private final HttpServer server;
  private final Deque<Reply> replies = new ArrayDeque<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  FakeSearchServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        requests.add(new Request(exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
      Reply reply = next();
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
  }

  FakeSearchServer reply(int status, String body) {
    return reply(status, body, Map.of());
  }

  synchronized FakeSearchServer reply(int status, String body, Map<String, String> headers) {
    replies.addLast(new Reply(status, body, headers));
    return this;
  }

  private synchronized Reply next() {
    if (replies.isEmpty()) {
      return new Reply(500, "{\"error\":\"no scripted reply\"}", Map.of());
    }
    return replies.size() == 1 ? replies.peekFirst() : replies.pollFirst();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
