package io.llmtestbed.aits.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.llm.gguf.TinyGguf;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active mode against a tiny generated GGUF model through the real llama.cpp bindings (backend
 * gguf, module ait-llm-gguf). The model has random weights: this checks that the pipeline runs
 * and counts every row, never the quality of the answers.
 */
class GgufActiveModeIT {
  @TempDir Path tmp;

  @Test
  void should_run_and_count_every_row_when_the_backend_is_a_local_gguf_file() throws Exception {
    Path model = TinyGguf.create(tmp.resolve("model"));
    Path table = AitHarness.table(tmp.resolve("t/eval_results_table.json"),
        Fixtures.DEMO_COLUMNS, ActiveModeTest.rows(4));

    AitHarness.Result r = Fixtures.run(tmp.resolve("run"), Map.of(RobustnessAit.INVENTORY,
        table.toString()), Map.of("mode", "active", "llm_backend", "gguf", "llm_options",
            "model_path=" + model, "perturbations", "width,kana", "max_tokens", "8",
            "concurrency", "1", "bootstrap_samples", "100", "write_back", "false"));

    assertThat(r.errorCode()).as("output %s", r.output()).isNull();
    double[] measured = r.sequence("rows_measured");
    double[] failed = r.sequence("rows_failed");
    for (int i = 0; i < 2; i++) {
      assertThat(measured[i] + failed[i] + r.sequence("rows_unchanged")[i])
          .as("every row is measured, failed or unchanged").isEqualTo(4);
    }
    String provenance = Files.readString(r.outputDir().resolve(
        "downloads/Provenance/provenance.json"));
    assertThat(provenance).contains("gguf");
    assertThat(provenance).as("the table read is digested").contains("eval_results_table");
  }
}
