package io.llmtestbed.ait.sdk.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportedRunDirectoryTest {

  @TempDir
  Path dir;

  @Test
  void should_read_run_metadata_when_run_json_is_a_runs_get_response() throws IOException {
    ExportedRunDirectory run = ExportedRunDirectory.open(ExportedRunFixtures.exportedRun(dir,
        ExportedRunFixtures.RUN_ID, "gpt-4o"));

    assertThat(run.run()).isEqualTo(new RunInfo(ExportedRunFixtures.RUN_ID, "gpt-4o", "7",
        "FINISHED", "mlflow-artifacts:/7/" + ExportedRunFixtures.RUN_ID + "/artifacts",
        Instant.ofEpochMilli(1764763200000L), Instant.ofEpochMilli(1764763260000L), "tester"));
    assertThat(run.metrics()).containsEntry("exact_match/v1", 0.5);
    assertThat(run.metrics().get("toxicity/v1/mean")).isNaN();
    assertThat(run.params()).containsExactly(entry("judge", "gpt-4"));
    assertThat(run.tags()).containsEntry("testbed.dataset", "japanese-mt-bench");
    assertThat(run.trackingServer()).isEmpty();
  }

  @Test
  void should_list_and_stream_artifacts() throws IOException {
    ExportedRunDirectory run = ExportedRunDirectory.open(ExportedRunFixtures.exportedRun(dir,
        ExportedRunFixtures.RUN_ID, "m"));

    assertThat(run.listArtifacts("")).containsExactly(
        new ArtifactEntry("eval_results_table.json", false, 74),
        new ArtifactEntry("plots", true, -1));
    assertThat(run.listAllArtifacts()).extracting(ArtifactEntry::path)
        .containsExactly("eval_results_table.json", "plots/a.png");
    try (InputStream in = run.openArtifact("plots/a.png")) {
      assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
    }
    try (EvalTable t = run.evalTable()) {
      assertThat(t.rows().map(r -> r.string("outputs")).toList()).containsExactly("東京", null);
    }
  }

  @Test
  void should_list_what_the_run_has_when_artifact_is_missing() throws IOException {
    ExportedRunDirectory run = ExportedRunDirectory.open(ExportedRunFixtures.exportedRun(dir,
        ExportedRunFixtures.RUN_ID, "m"));

    assertThatThrownBy(() -> run.openArtifact("eval_table.json"))
        .isInstanceOf(MlflowRunException.class)
        .hasMessage("exported run " + ExportedRunFixtures.RUN_ID + " 'm' in " + dir + " has no "
            + "artifact 'eval_table.json'; the run has: eval_results_table.json, plots/a.png. "
            + "Fix: check the artifact name (mlflow.evaluate logs eval_results_table.json unless "
            + "a metric_prefix is set) or select another run")
        .extracting(e -> ((MlflowRunException) e).kind())
        .isEqualTo(MlflowRunException.Kind.ARTIFACT_NOT_FOUND);
  }

  @Test
  void should_refuse_paths_that_leave_the_artifact_root() throws IOException {
    ExportedRunDirectory run = ExportedRunDirectory.open(ExportedRunFixtures.exportedRun(dir,
        ExportedRunFixtures.RUN_ID, "m"));

    assertThatThrownBy(() -> run.openArtifact("../run.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("artifact path must stay inside the run's artifact root, got '../run.json' "
            + "with a '..' segment");
  }

  @Test
  void should_say_how_to_export_when_run_json_is_missing() {
    assertThatThrownBy(() -> ExportedRunDirectory.open(dir))
        .isInstanceOf(MlflowRunException.class)
        .hasMessage("exported run directory " + dir + " has no run.json. Fix: create it with "
            + "'export-run --tracking-uri <uri> --run-id <id> --out " + dir + "'");
  }
}
