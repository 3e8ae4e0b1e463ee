package io.llmtestbed.ait.sdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EgressAuditTest {

  private static final Instant T = Instant.parse("2026-12-03T15:00:00Z");

  @Test
  void should_write_one_json_object_per_call_when_written_as_jsonl(@TempDir Path dir)
      throws Exception {
    EgressAudit audit = new EgressAudit();
    audit.record(T, "127.0.0.1", "safe.rate", 812, 311, 200);
    audit.record(T.plusSeconds(1), "10.0.0.5", "safe.search", 90, 0, EgressAudit.NO_RESPONSE);
    Path file = dir.resolve("downloads").resolve(EgressAudit.FILE_NAME);

    audit.writeJsonl(file);

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.toString()).isEqualTo("{\"time\":\"2026-12-03T15:00:00Z\",\"host\":"
        + "\"127.0.0.1\",\"purpose\":\"safe.rate\",\"bytes_sent\":812,\"bytes_received\":311,"
        + "\"status\":200,\"decision\":\"sent\"}");
    assertThat(new ObjectMapper().readTree(lines.get(1)).path("status").asInt()).isEqualTo(-1);
  }

  @Test
  void should_total_calls_and_bytes_per_host_and_purpose_when_summarized() {
    EgressAudit audit = new EgressAudit();
    audit.record(T, "127.0.0.1", "safe.rate", 100, 10, 200);
    audit.record(T, "127.0.0.1", "safe.split", 50, 5, 500);
    audit.record(T, "10.0.0.5", "safe.rate", 7, 3, 200);
    audit.recordDenied(T, new EgressDeniedException("denied", "api.openai.com", List.of(),
        "safe.rate", "chat request JSON", 99));

    EgressAudit.Summary s = audit.summary();

    assertThat(s.total()).isEqualTo(new EgressAudit.Counts(4, 1, 1, 157, 18));
    assertThat(s.byHost().get("127.0.0.1")).isEqualTo(new EgressAudit.Counts(2, 0, 1, 150, 15));
    assertThat(s.byPurpose().get("safe.rate")).isEqualTo(new EgressAudit.Counts(3, 1, 0, 107, 13));
    assertThat(s.toMap()).containsEntry("total", Map.of("calls", 4L, "denied", 1L, "failed", 1L,
        "bytes_sent", 157L, "bytes_received", 18L));
  }
}
