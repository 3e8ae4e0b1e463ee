package io.llmtestbed.ait.sdk.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RunWriteBacksTest {

  private final Logger log = (Logger) LoggerFactory.getLogger(RunWriteBacksTest.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    log.addAppender(appender);
  }

  @AfterEach
  void release() {
    log.detachAppender(appender);
  }

  private static MlflowRunSource onServer(String runId) {
    TrackingServer server = TrackingServer.connect("http://127.0.0.1:9", TrackingCredentials.NONE,
        Duration.ofSeconds(1), Duration.ofSeconds(1));
    return StubRunSource.of(runId, runId).on(server);
  }

  private List<String> messages() {
    return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage())
        .toList();
  }

  @Test
  void should_skip_file_runs_and_go_on_when_one_write_fails() {
    List<MlflowRunSource> sources = List.of(new TableFileRunSource(Path.of("t.json")),
        onServer("a1"), onServer("b2"));
    List<Integer> written = new ArrayList<>();

    RunWriteBacks.toEach(sources, List.of("t", "a", "b"), "x_table.json", log, (i, target) -> {
      written.add(i);
      if (i == 1) {
        throw new MlflowRunException(MlflowRunException.Kind.SERVER_ERROR, "HTTP 500");
      }
      return 3;
    });

    assertThat(written).containsExactly(1, 2);
    assertThat(messages()).hasSize(3);
    assertThat(messages().get(0)).startsWith("INFO Run t: not read from a tracking server");
    assertThat(messages().get(1)).startsWith("WARN Run a: write-back to run a1 failed (HTTP 500)")
        .contains("Re-run with write_back=true");
    assertThat(messages().get(2))
        .isEqualTo("INFO Run b: wrote 3 metrics, tags and x_table.json back to run b2");
  }
}
