package io.llmtestbed.ait.sdk.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GuardedHttpTest {

  private final EgressAudit audit = new EgressAudit();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(0));
  }

  /** An HTTP server on 127.0.0.1 that records "METHOD path body auth=..." and then answers. */
  private String serve(Consumer<HttpExchange> answer) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + body
          + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
      answer.accept(exchange);
      exchange.close();
    });
    server.start();
    servers.add(server);
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static void reply(HttpExchange exchange, int status, String body) {
    try {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void redirect(HttpExchange exchange, int status, String location) {
    exchange.getResponseHeaders().add("Location", location);
    reply(exchange, status, "");
  }

  private GuardedHttp http(String entries) {
    return GuardedHttp.builder().policy(EgressPolicy.parse(entries)).audit(audit).build();
  }

  private static HttpRequest post(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer secret-token")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  @Test
  void should_send_nothing_when_host_not_allowed() throws Exception {
    try (CountingListener denied = new CountingListener("127.0.0.2")) {
      GuardedHttp http = http("127.0.0.1");

      assertThatThrownBy(() -> http.send(post(denied.url("/v1/chat/completions"),
          "{\"prompt\":\"confidential\"}"), HttpResponse.BodyHandlers.ofString(), "safe.rate",
          "chat request JSON"))
          .isInstanceOf(EgressDeniedException.class)
          .hasMessageContaining("host '127.0.0.2' is not in an allowed range")
          .hasMessageContaining("Purpose: safe.rate; would have sent chat request JSON (25 bytes, "
              + "content not shown)")
          .hasMessageContaining("LLM_TESTBED_EGRESS_ALLOW=127.0.0.1,127.0.0.2")
          .hasMessageNotContaining("confidential");

      assertThat(denied.accepted()).as("connections to the denied address").isZero();
      assertThat(audit.entries()).singleElement().satisfies(e -> {
        assertThat(e.host()).isEqualTo("127.0.0.2");
        assertThat(e.status()).isEqualTo(EgressAudit.DENIED);
        assertThat(e.bytesSent()).isZero();
      });
      // The listener does count a connection that is made: the zero above is meaningful.
      new java.net.Socket("127.0.0.2", denied.port()).close();
      assertThat(denied.accepted()).isEqualTo(1);
    }
  }

  @Test
  void should_audit_bytes_and_status_when_host_allowed() throws Exception {
    String base = serve(ex -> reply(ex, 201, "created"));

    HttpResponse<String> response = http("127.0.0.1").send(post(base + "/v1/x", "hello world"),
        HttpResponse.BodyHandlers.ofString(), "safe.split", "chat request JSON");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEqualTo("created");
    assertThat(seen).containsExactly("POST /v1/x hello world auth=Bearer secret-token");
    assertThat(audit.entries()).singleElement().satisfies(e -> {
      assertThat(e.host()).isEqualTo("127.0.0.1");
      assertThat(e.purpose()).isEqualTo("safe.split");
      assertThat(e.bytesSent()).isEqualTo(11);
      assertThat(e.bytesReceived()).isEqualTo(7);
      assertThat(e.status()).isEqualTo(201);
    });
  }

  @Test
  void should_refuse_redirect_to_denied_host_before_connecting() throws Exception {
    try (CountingListener denied = new CountingListener("127.0.0.2")) {
      String base = serve(ex -> redirect(ex, 307, denied.url("/steal")));

      assertThatThrownBy(() -> http("127.0.0.1").send(post(base + "/search", "query"),
          HttpResponse.BodyHandlers.ofString(), "safe.search", "search query JSON"))
          .isInstanceOf(EgressDeniedException.class)
          .hasMessageContaining("host '127.0.0.2' is not in an allowed range")
          .hasMessageContaining("would have sent search query JSON (5 bytes");

      assertThat(denied.accepted()).as("connections to the redirect target").isZero();
      assertThat(audit.entries()).extracting(EgressAudit.Entry::host, EgressAudit.Entry::status)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", 307),
              org.assertj.core.groups.Tuple.tuple("127.0.0.2", EgressAudit.DENIED));
    }
  }

  @Test
  void should_follow_allowed_redirects_keeping_body_for_307_and_dropping_it_for_303()
      throws Exception {
    String target = serve(ex -> reply(ex, 200, "done"));
    String middle = serve(ex -> redirect(ex, 303, target + "/final"));
    String first = serve(ex -> redirect(ex, 307, middle + "/again"));

    HttpResponse<String> response = http("loopback").send(post(first + "/start", "payload"),
        HttpResponse.BodyHandlers.ofString(), "safe.search", "search query JSON");

    assertThat(response.body()).isEqualTo("done");
    assertThat(seen).containsExactly(
        "POST /start payload auth=Bearer secret-token",
        "POST /again payload auth=null",
        "GET /final  auth=null");
    assertThat(audit.entries()).extracting(EgressAudit.Entry::status).containsExactly(307, 303,
        200);
    assertThat(audit.entries()).extracting(EgressAudit.Entry::bytesSent).containsExactly(7L, 7L,
        0L);
  }

  @Test
  void should_fail_when_redirected_more_than_five_times() throws Exception {
    String[] self = new String[1];
    self[0] = serve(ex -> redirect(ex, 302, self[0] + "/loop"));

    assertThatThrownBy(() -> http("loopback").send(HttpRequest.newBuilder(URI.create(self[0]
        + "/start")).build(), HttpResponse.BodyHandlers.ofString(), "test", "nothing"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("too many redirects: GET " + self[0] + "/start was redirected "
            + "more than 5 times");
    assertThat(seen).hasSize(6);
    assertThat(audit.entries()).hasSize(6);
  }

  @Test
  void should_audit_no_response_when_connection_fails() throws Exception {
    int port;
    try (CountingListener closed = new CountingListener("127.0.0.1")) {
      port = closed.port();
    }
    HttpRequest request = post("http://127.0.0.1:" + port + "/", "x");

    assertThatThrownBy(() -> http("loopback").send(request, HttpResponse.BodyHandlers.ofString(),
        "llm.chat", "chat request JSON")).isInstanceOf(ConnectException.class);
    assertThat(audit.entries()).singleElement().extracting(EgressAudit.Entry::status)
        .isEqualTo(EgressAudit.NO_RESPONSE);
  }

  @Test
  void should_audit_streamed_body_when_stream_closed() throws Exception {
    String base = serve(ex -> reply(ex, 200, "0123456789"));

    HttpResponse<InputStream> response = http("loopback").send(HttpRequest.newBuilder(
        URI.create(base + "/artifact")).build(), HttpResponse.BodyHandlers.ofInputStream(),
        "mlflow.artifacts", "nothing");
    try (InputStream in = response.body()) {
      assertThat(in.readAllBytes()).hasSize(10);
    }

    assertThat(audit.entries()).singleElement().extracting(EgressAudit.Entry::bytesReceived)
        .isEqualTo(10L);
  }
}
