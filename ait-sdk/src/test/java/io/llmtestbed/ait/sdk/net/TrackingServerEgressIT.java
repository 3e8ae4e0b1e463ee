package io.llmtestbed.ait.sdk.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.mlflow.TrackingServer;
import io.llmtestbed.ait.sdk.mlflow.TrackingServerRunSource;
import io.llmtestbed.ait.sdk.testing.LocalStack;
import io.llmtestbed.ait.sdk.testing.MlflowTestRuns;
import io.llmtestbed.ait.sdk.testing.MlflowTestRuns.CreatedRun;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The MLflow tracking and artifact calls of the SDK honour the egress allow-list and audit. */
@ExtendWith(LocalStack.class)
class TrackingServerEgressIT {

  @Test
  void should_audit_tracking_and_artifact_calls_when_server_allowed() throws Exception {
    MlflowTestRuns rest = new MlflowTestRuns(LocalStack.trackingUri());
    String experiment = rest.createExperiment("egress-it");
    CreatedRun run = rest.createRun(experiment, "egress", Map.of(), Map.of(), Map.of());
    byte[] content = "sixteen bytes!!\n".getBytes(StandardCharsets.UTF_8);
    rest.upload(run, "notes.txt", content);
    int before = EgressAudit.global().entries().size();

    try (TrackingServer server = TrackingServer.connect(LocalStack.trackingUri())) {
      TrackingServerRunSource source = server.run(run.runId());
      try (InputStream in = source.openArtifact("notes.txt")) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    }

    List<EgressAudit.Entry> calls = EgressAudit.global().entries().subList(before,
        EgressAudit.global().entries().size());
    assertThat(calls).anySatisfy(e -> {
      assertThat(e.purpose()).isEqualTo(TrackingServer.TRACKING_PURPOSE);
      assertThat(e.host()).isEqualTo("127.0.0.1");
      assertThat(e.status()).isEqualTo(200);
      assertThat(e.bytesReceived()).as("runs/get answer size").isPositive();
    });
    assertThat(calls).anySatisfy(e -> {
      assertThat(e.purpose()).isEqualTo(TrackingServer.ARTIFACTS_PURPOSE);
      assertThat(e.status()).isEqualTo(200);
      assertThat(e.bytesReceived()).isEqualTo(content.length);
    });
  }

  @Test
  void should_refuse_tracking_server_before_connecting_when_not_allowed() throws Exception {
    try (CountingListener denied = new CountingListener("127.0.0.2");
        EgressPolicy.Scope scope = EgressPolicy.overrideCurrent(EgressPolicy.parse("127.0.0.1"))) {
      EgressAudit.global().clear();

      assertThatThrownBy(() -> TrackingServer.connect(denied.url("")).run("r1"))
          .isInstanceOf(EgressDeniedException.class)
          .hasMessageContaining("host '127.0.0.2' is not in an allowed range")
          .hasMessageContaining("Purpose: mlflow.tracking; would have sent MLflow tracking "
              + "requests (0 bytes, content not shown)");

      assertThat(denied.accepted()).isZero();
      assertThat(EgressAudit.global().entries()).as("the refusal is in the audit")
          .singleElement().satisfies(e -> {
            assertThat(e.host()).isEqualTo("127.0.0.2");
            assertThat(e.purpose()).isEqualTo("mlflow.tracking");
            assertThat(e.status()).isEqualTo(EgressAudit.DENIED);
            assertThat(e.bytesSent()).isZero();
          });
    }
  }
}
