package io.llmtestbed.ait.sdk.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunLabelsTest {

  private static MlflowRunSource run(String runId, String runName) {
    return StubRunSource.of(runId, runName);
  }

  @Test
  void should_use_the_run_name_when_it_is_free() {
    Set<String> taken = new HashSet<>();

    assertThat(RunLabels.unique(run("4f2c", "gpt-4o"), taken)).isEqualTo("gpt-4o");
    assertThat(taken).containsExactly("gpt-4o");
  }

  @Test
  void should_number_the_label_when_the_name_is_taken() {
    Set<String> taken = new HashSet<>();

    List<String> labels = List.of(RunLabels.unique(run("a1", "gpt-4o"), taken),
        RunLabels.unique(run("b2", "gpt-4o"), taken),
        RunLabels.unique(run("c3", "gpt-4o"), taken));

    assertThat(labels).containsExactly("gpt-4o", "gpt-4o#2", "gpt-4o#3");
  }

  @Test
  void should_use_the_run_id_when_the_name_is_null_or_blank() {
    Set<String> taken = new HashSet<>();

    assertThat(RunLabels.unique(run("a1", null), taken)).isEqualTo("a1");
    assertThat(RunLabels.unique(run("b2", " "), taken)).isEqualTo("b2");
  }
}
