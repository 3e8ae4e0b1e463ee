package io.llmtestbed.aits.answeraccuracy;

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
    String generated = ManifestJson.toJson(new AnswerAccuracyAit().manifest());
    Path checkedIn = MODULE.resolve("ait.manifest.json");
    assertThat(Files.readString(checkedIn, StandardCharsets.UTF_8).strip())
        .as("%s drifted from AnswerAccuracyAit.manifest(); copy target/ait.manifest.json over it "
            + "(mvn process-classes writes it)", checkedIn)
        .isEqualTo(generated.strip());
    Path built = MODULE.resolve("target/ait.manifest.json");
    if (Files.exists(built)) {
      assertThat(Files.readString(built, StandardCharsets.UTF_8).strip())
          .isEqualTo(generated.strip());
    }
  }

  @Test
  void should_pass_qunomon_rules_and_declare_every_measure_when_built() {
    var manifest = new AnswerAccuracyAit().manifest();
    var result = ManifestValidator.validate(ManifestJson.toTree(manifest));
    assertThat(result.errors()).isEmpty();
    assertThat(manifest.name()).isEqualTo("eval_llm_mlflow_answer_accuracy");
    assertThat(manifest.version()).isEqualTo("0.1");
    assertThat(manifest.quality()).endsWith("C-1機械学習モデルの正確性");
    assertThat(manifest.measures()).extracting(m -> m.name())
        .contains("exact_match", "exact_match_ci_lower", "exact_match_ci_upper", "token_f1",
            "rouge_l", "token_f1_ja", "rouge_l_ja", "char_f1", "judge_score_mean",
            "rouge_l_diff", "exact_match_diff_p_value", "rows_scored", "null_predictions");
    assertThat(manifest.parameters()).extracting(p -> p.name() + "=" + p.defaultVal())
        .containsExactly("prediction_column=outputs", "target_column=ground_truth",
            "category_column=category", "judge_column=judge_score", "language=auto",
            "normalization=exact", "confidence_level=0.95", "bootstrap_samples=1000", "seed=42",
            "write_back=true");
  }
}
