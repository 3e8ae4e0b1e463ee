package io.llmtestbed.aits.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.manifest.ManifestJson;
import io.llmtestbed.ait.sdk.manifest.ManifestValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The checked-in {@code ait.manifest.json} is the one the code builds, and Qunomon accepts it. */
class ManifestDriftTest {
  private static final Path MODULE = Path.of(System.getProperty("user.dir"));

  @Test
  void should_equal_the_generated_manifest_when_code_changes() throws IOException {
    String generated = ManifestJson.toJson(new RobustnessAit().manifest());
    Path checkedIn = MODULE.resolve("ait.manifest.json");
    assertThat(Files.readString(checkedIn, StandardCharsets.UTF_8).strip())
        .as("%s drifted from RobustnessAit.manifest(); copy target/ait.manifest.json over it "
            + "(mvn process-classes writes it)", checkedIn)
        .isEqualTo(generated.strip());
  }

  @Test
  void should_pass_qunomon_rules_and_map_to_c2_when_built() {
    var manifest = new RobustnessAit().manifest();
    var result = ManifestValidator.validate(ManifestJson.toTree(manifest));
    assertThat(result.errors()).isEmpty();
    assertThat(manifest.name()).isEqualTo("eval_llm_mlflow_perturbation_robustness");
    assertThat(manifest.quality()).endsWith("C-2機械学習モデルの安定性");
    assertThat(manifest.measures()).extracting(m -> m.name())
        .contains("consistency_rate", "consistency_rate_ci_lower", "accuracy", "accuracy_drop",
            "accuracy_drop_ci_upper", "rows_flagged", "rows_failed", "rows_empty_answer",
            "worst_perturbation_index", "worst_case_accuracy_drop");
    assertThat(manifest.parameters()).extracting(p -> p.name() + "=" + p.defaultVal())
        .contains("mode=passive", "perturbations=default", "severity=0.5", "seed=42",
            "equivalence=normalized", "threshold=0.9", "concurrency=4", "llm_backend=openai");
  }
}
