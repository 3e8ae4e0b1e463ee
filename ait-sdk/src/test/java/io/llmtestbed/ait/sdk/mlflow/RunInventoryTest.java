package io.llmtestbed.ait.sdk.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunInventoryTest {

  @TempDir
  Path dir;

  @Test
  void should_name_the_inventory_when_its_file_is_missing() {
    Path missing = dir.resolve("runs.json");

    assertThatThrownBy(() -> RunInventory.resolve("evaluation_runs", missing))
        .isInstanceOf(AitException.class)
        .satisfies(e -> assertThat(((AitException) e).code()).isEqualTo(ErrorCode.E102))
        .hasMessageStartingWith("inventory 'evaluation_runs' (" + missing + "): ")
        .hasMessageContaining("does not exist");
  }

  @Test
  void should_open_a_bare_table_when_the_inventory_is_one() throws IOException {
    Path table = Files.writeString(dir.resolve("eval_results_table.json"),
        "{\"columns\":[\"inputs\"],\"data\":[[\"q\"]]}");

    assertThat(RunInventory.resolve("evaluation_runs", table)).singleElement()
        .isInstanceOf(TableFileRunSource.class);
  }

  @Test
  void should_map_a_read_failure_when_the_run_lacks_the_artifact() {
    MlflowRunSource source = new TableFileRunSource(dir.resolve("t.json"));

    assertThatThrownBy(() -> RunInventory.read(source, () -> {
      throw new MlflowRunException(MlflowRunException.Kind.ARTIFACT_NOT_FOUND, "no table");
    })).isInstanceOf(AitException.class)
        .satisfies(e -> assertThat(((AitException) e).code()).isEqualTo(ErrorCode.E102))
        .hasMessage("reading " + source.describe() + ": no table");
  }

  @Test
  void should_keep_the_table_message_when_the_table_is_bad() {
    MlflowRunSource source = new TableFileRunSource(dir.resolve("t.json"));

    assertThatThrownBy(() -> RunInventory.read(source, () -> {
      throw new EvalTableException("t.json: column 'outputs' missing");
    })).isInstanceOf(AitException.class)
        .satisfies(e -> assertThat(((AitException) e).code()).isEqualTo(ErrorCode.E102))
        .hasMessage("t.json: column 'outputs' missing");
  }

  @Test
  void should_return_the_value_when_the_read_succeeds() {
    MlflowRunSource source = new TableFileRunSource(dir.resolve("t.json"));

    assertThat(RunInventory.read(source, () -> 3)).isEqualTo(3);
  }
}
