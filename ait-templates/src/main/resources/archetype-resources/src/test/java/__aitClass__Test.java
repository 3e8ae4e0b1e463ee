package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.manifest.ManifestJson;
import io.llmtestbed.ait.sdk.manifest.ManifestValidator;
import io.llmtestbed.ait.sdk.output.OutputEntry;
import io.llmtestbed.ait.sdk.runner.LocalRun;
import io.llmtestbed.ait.sdk.runner.LocalRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the AIT the way the platform does (its own JVM, ait.input.json, the mount layout) with
 * the SDK's LocalRunner on the sample eval table in deploy/test: 5 rows, of which q2 has a blank
 * and q4 a null prediction, so 3 of 5 are answered.
 */
class ${aitClass}Test {

    private static final Path SAMPLE =
            Path.of("deploy/test/inventory/evaluation_runs/eval_results_table.json");

    @TempDir
    Path root;

    private LocalRun run(Map<String, String> params) throws Exception {
        return LocalRunner.run(LocalRunner.Request.mainClass(${aitClass}.class.getName(),
                Map.of("evaluation_runs", List.of(SAMPLE)), params, root));
    }

    @Test
    void should_measure_answered_rate_when_given_the_sample_table() throws Exception {
        LocalRun run = run(Map.of());

        assertThat(run.succeeded()).as("stderr: %s", run.stderr()).isTrue();
        assertThat(run.measures()).extracting(OutputEntry::name, OutputEntry::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("answered_rate", "0.6"));
        assertThat(run.resources()).extracting(OutputEntry::name).containsExactly("answered_table");
        assertThat(run.downloads()).extracting(OutputEntry::name)
                .containsExactlyInAnyOrder("row_flags", "Log", "Provenance", "EgressAudit");
        Path result = run.outputFile().getParent();
        assertThat(Files.readAllLines(result.resolve("resources/answered_table/answered_rate.csv"),
                StandardCharsets.UTF_8)).hasSize(2).last().asString().endsWith(",5,3,0.6");
        assertThat(Files.readAllLines(result.resolve("downloads/row_flags/row_flags.csv"),
                StandardCharsets.UTF_8)).hasSize(6).filteredOn(l -> l.endsWith(",0")).hasSize(2);
    }

    @Test
    void should_fail_with_e102_naming_the_parameter_when_the_column_is_missing()
            throws Exception {
        LocalRun run = run(Map.of("prediction_column", "answer"));

        assertThat(run.errorCode()).contains("E102");
        assertThat(run.errorDetail()).get().asString()
                .contains("answer").contains("prediction_column");
    }

    @Test
    void should_pass_qunomon_manifest_rules_when_built() {
        var result = ManifestValidator.validate(ManifestJson.toTree(new ${aitClass}().manifest()));

        assertThat(result.errors()).isEmpty();
    }
}
