package io.llmtestbed.aits.safe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SAFE AIT with search_backend=serper: a Serper endpoint outside the egress allow-list ends
 * the run with E102 before any connection; inside it, every call is in the egress audit.
 */
class EgressTest {
  @TempDir
  Path root;
  SafeWorld world;
  HttpServer serper;
  final AtomicInteger serperRequests = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    world = new SafeWorld();
    world.verdicts.put("Ada Lovelace was born in London.", "S");
    world.install();
    // a fake Serper on another loopback address than the scripted LLM (127.0.0.1)
    serper = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    serper.createContext("/search", ex -> {
      serperRequests.incrementAndGet();
      ex.getRequestBody().readAllBytes();
      byte[] body = ("{\"organic\": [{\"title\": \"Ada Lovelace\", \"snippet\": \"Ada Lovelace "
          + "was born in London.\", \"link\": \"https://example.org/ada\"}]}")
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    serper.start();
  }

  @AfterEach
  void tearDown() {
    serper.stop(0);
    world.close();
  }

  private AitHarness.Result run(String dir) throws Exception {
    Path table = AitHarness.table(root.resolve(dir + "-in/t.json"), List.of("inputs", "outputs"),
        List.of(List.of("Tell me a bio of Ada Lovelace.", "Ada Lovelace was born in London.")));
    Path empty = Files.createFile(root.resolve(dir + "-in/none.jsonl"));
    String url = "http://127.0.0.2:" + serper.getAddress().getPort() + "/search";
    // LIMIT: the key must come from an environment variable; PATH is one that is always set
    return AitHarness.run(new SafeAit(), root.resolve(dir), Map.of(SafeAit.RUNS, table.toString(),
        SafeAit.COLLECTION, empty.toString()), Map.of("llm_base_url", world.server.baseUrl(),
        "llm_model", "scripted-model", "write_back", "false", "search_backend", "serper",
        "serper_url", url, "serper_api_key_env", "PATH"));
  }

  @Test
  void should_end_with_e102_and_no_connection_when_serper_is_not_allowed() throws Exception {
    AitHarness.Result r;
    try (EgressPolicy.Scope s = EgressPolicy.overrideCurrent(EgressPolicy.parse("127.0.0.1"))) {
      r = run("denied");
    }

    assertThat(r.errorCode()).isEqualTo("E102");
    assertThat(r.errorDetail()).contains("127.0.0.2").contains("LLM_TESTBED_EGRESS_ALLOW");
    assertThat(serperRequests.get()).as("requests that reached the Serper endpoint").isZero();
  }

  @Test
  void should_audit_every_serper_call_when_serper_is_allowed() throws Exception {
    AitHarness.Result r;
    try (EgressPolicy.Scope s = EgressPolicy.overrideCurrent(
        EgressPolicy.parse("127.0.0.1,127.0.0.2"))) {
      r = run("allowed");
    }

    assertThat(r.errorCode()).as("%s", r.errorDetail()).isNull();
    assertThat(r.sequence("precision")).containsExactly(1.0);
    List<String> audit = Files.readAllLines(r.file("egress_audit.jsonl"));
    assertThat(audit).filteredOn(l -> l.contains("127.0.0.2")).hasSize(serperRequests.get());
    assertThat(serperRequests.get()).isEqualTo(1);
  }
}
