package io.llmtestbed.ait.sdk.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.mlflow.MlflowRunException.Kind;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MlflowRunExceptionTest {

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"INVALID_REFERENCE", "RUN_NOT_FOUND",
      "ARTIFACT_NOT_FOUND"})
  void should_be_input_error_when_the_inventory_is_at_fault(Kind kind) {
    MlflowRunException e = new MlflowRunException(kind, "run abc not found");

    AitException mapped = e.toAitException("reading run abc: ");

    assertThat(mapped.code()).isEqualTo(ErrorCode.E102);
    assertThat(mapped).hasMessage("reading run abc: run abc not found").hasCause(e);
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"SERVER_UNREACHABLE", "AUTH_FAILED", "SERVER_ERROR",
      "IO"})
  void should_be_execution_error_when_the_environment_is_at_fault(Kind kind) {
    MlflowRunException e = new MlflowRunException(kind, "connection refused");

    AitException mapped = e.toAitException("inventory 'evaluation_runs' (r.json): ");

    assertThat(mapped.code()).isEqualTo(ErrorCode.E901);
    assertThat(mapped).hasMessage("inventory 'evaluation_runs' (r.json): connection refused")
        .hasCause(e);
  }
}
