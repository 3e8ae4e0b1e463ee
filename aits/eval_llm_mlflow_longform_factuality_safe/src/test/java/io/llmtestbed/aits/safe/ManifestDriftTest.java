package io.llmtestbed.aits.safe;

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
    String generated = ManifestJson.toJson(new SafeAit().manifest());
    Path checkedIn = MODULE.resolve("ait.manifest.json");
    assertThat(Files.readString(checkedIn, StandardCharsets.UTF_8).strip())
        .as("%s drifted from SafeAit.manifest(); copy target/ait.manifest.json over it "
            + "(mvn process-classes writes it)", checkedIn)
        .isEqualTo(generated.strip());
  }

  @Test
  void should_pass_qunomon_rules_and_declare_the_safe_measures_when_built() {
    var manifest = new SafeAit().manifest();
    var result = ManifestValidator.validate(ManifestJson.toTree(manifest));
    assertThat(result.errors()).isEmpty();
    assertThat(manifest.name()).isEqualTo("eval_llm_mlflow_longform_factuality_safe");
    assertThat(manifest.quality()).endsWith("C-1機械学習モデルの正確性");
    assertThat(manifest.measures()).extracting(m -> m.name()).contains("precision",
        "precision_ci_lower", "recall_at_k", "f1_at_k", "f1_at_k2_ci_upper", "human_precision",
        "agreement", "facts_per_response", "unrated_share", "llm_calls_per_fact",
        "search_calls_per_fact");
    assertThat(manifest.parameters()).extracting(p -> p.name() + "=" + p.defaultVal())
        .contains("k=64", "k2=178", "max_steps=5", "early_stop=true", "temperature=0.0",
            "max_unrated_share=0.1", "mode=auto", "search_backend=lucene");
  }
}
