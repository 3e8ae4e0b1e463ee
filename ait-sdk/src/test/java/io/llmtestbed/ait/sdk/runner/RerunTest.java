package io.llmtestbed.ait.sdk.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.provenance.Digests;
import io.llmtestbed.ait.sdk.testait.SampleAit;
import io.llmtestbed.ait.sdk.testait.ShiftedSampleAit;
import io.llmtestbed.ait.sdk.testait.TableRefAit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Re-running a recorded run: identical results, changed inputs, changed code. */
class RerunTest {

    @TempDir
    Path tmp;

    private LocalRun original(String mainClass, String inventory, Path file,
            Map<String, String> params) throws Exception {
        LocalRun run = LocalRunner.run(LocalRunner.Request.mainClass(mainClass,
                Map.of(inventory, List.of(file)), params, tmp.resolve("qai")));
        assertThat(run.succeeded()).as(run.stderr()).isTrue();
        return run;
    }

    private static Path provenance(LocalRun run) {
        return run.outputFile().resolveSibling("downloads/Provenance/provenance.json");
    }

    private Rerun.Options options() {
        return Rerun.Options.under(tmp.resolve("rerun"));
    }

    @Test
    void should_reproduce_every_measure_when_inputs_are_unchanged() throws Exception {
        LocalRun run = original(SampleAit.class.getName(), "answers",
                SampleAit.writeSampleCsv(tmp.resolve("data")), Map.of("threshold", "0.7"));

        Rerun.Result r = Rerun.rerun(provenance(run), options());

        assertThat(r.exitStatus()).isEqualTo(Rerun.EXIT_IDENTICAL).isZero();
        assertThat(r.changes()).isEmpty();
        assertThat(r.rows()).extracting(Rerun.Row::measure)
                .containsExactly("(result)", "accuracy", "passed", "row_correct");
        assertThat(r.rows()).allMatch(Rerun.Row::identical);
        assertThat(r.rows().get(1).rerun()).isEqualTo("0.75");
        assertThat(r.run().outputFile()).startsWith(tmp.resolve("rerun"));
        assertThat(Files.readString(r.run().inputDir().resolve("ait.input.json")))
                .as("parameters after defaults are passed explicitly")
                .contains("\"threshold\"").contains("\"0.7\"").contains("\"fail_with\"");
    }

    @Test
    void should_report_changed_digest_and_not_run_when_one_inventory_byte_changes()
            throws Exception {
        LocalRun run = original(SampleAit.class.getName(), "answers",
                SampleAit.writeSampleCsv(tmp.resolve("data")), Map.of());
        Path copy = tmp.resolve("qai/inventory/1/1/answers/answers.csv");
        String before = Digests.sha256(copy);
        byte[] bytes = Files.readAllBytes(copy);
        bytes[bytes.length - 2] = 'x'; // "bird,cat" -> "bird,cax"
        Files.write(copy, bytes);

        Rerun.Result r = Rerun.rerun(provenance(run), options());

        assertThat(r.exitStatus()).isEqualTo(Rerun.EXIT_INPUT_CHANGED).isEqualTo(5);
        assertThat(r.changes()).singleElement().extracting(Rerun.Change::line)
                .isEqualTo("input changed: answers " + before + " -> " + Digests.sha256(copy));
        assertThat(r.run()).as("a changed input is not re-run").isNull();
        assertThat(r.rows()).isEmpty();
    }

    @Test
    void should_report_changed_table_when_inventory_only_names_it() throws Exception {
        Path ref = TableRefAit.writeFixture(tmp.resolve("data"));
        LocalRun run = original(TableRefAit.class.getName(), "table_ref", ref, Map.of());
        Path table = tmp.resolve("data/eval_results_table.json");
        String before = Digests.sha256(table);
        Files.writeString(table, Files.readString(table).replace("大阪", "東京"));

        Rerun.Result r = Rerun.rerun(provenance(run), options());

        assertThat(r.exitStatus()).isEqualTo(Rerun.EXIT_INPUT_CHANGED);
        assertThat(r.changes()).extracting(Rerun.Change::line).containsExactly(
                "input changed: table of run eval_results_table " + before + " -> "
                        + Digests.sha256(table));
        assertThat(r.rows()).filteredOn(x -> x.measure().equals("matches"))
                .singleElement().extracting(Rerun.Row::original, Rerun.Row::rerun)
                .containsExactly("1", "2");
    }

    @Test
    void should_list_differing_measures_and_exit_four_when_code_changes() throws Exception {
        LocalRun run = original(SampleAit.class.getName(), "answers",
                SampleAit.writeSampleCsv(tmp.resolve("data")), Map.of());
        Rerun.Options shifted = new Rerun.Options(null, ShiftedSampleAit.class.getName(), null,
                Map.of(), Map.of(), tmp.resolve("rerun"), null);

        Rerun.Result r = Rerun.rerun(provenance(run), shifted);

        assertThat(r.exitStatus()).isEqualTo(Rerun.EXIT_DIFFERENT).isEqualTo(4);
        assertThat(r.rows()).filteredOn(x -> !x.identical()).extracting(Rerun.Row::measure)
                .containsExactly("accuracy", "row_correct");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Rerun.print(r, provenance(run), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .containsPattern("accuracy +0\\.75 +0\\.6666666666666666 +NO")
                .containsPattern("passed +1 +1 +yes")
                .contains("Different: 2 of 4 values differ (exit status 4)");
    }

    @Test
    void should_print_table_and_exit_zero_when_cli_reruns_identical_run() throws Exception {
        LocalRun run = original(SampleAit.class.getName(), "answers",
                SampleAit.writeSampleCsv(tmp.resolve("data")), Map.of());
        String[] args = {"--rerun", provenance(run).toString(), "--out",
            tmp.resolve("rerun").toString()};
        PrintStream stdout = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            status = new CommandLine(new LocalRunner()).execute(args);
        } finally {
            System.setOut(stdout);
        }

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        assertThat(printed).contains("Re-run of eval_sample_csv_accuracy 0.1 from "
                + provenance(run)).containsPattern("MEASURE +ORIGINAL +RE-RUN +IDENTICAL")
                .containsPattern("\\(result\\) +Result +Result +yes")
                .containsPattern("row_correct +1,1,1,0 +1,1,1,0 +yes")
                .contains("Identical: all 3 measures and the result status (exit status 0)");
    }

    @Test
    void should_exit_two_with_one_line_when_file_is_not_a_provenance() throws Exception {
        Path bogus = Files.writeString(tmp.resolve("ait.output.json"), "{\"AIT\": {}}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new LocalRunner());
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));

        int status = cli.execute("--rerun", bogus.toString());

        assertThat(status).isEqualTo(LocalRunner.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("ait-local-run --rerun: "
                + bogus + " is not a provenance.json: key 'format' must be \""
                + "llm-testbed-provenance/1\", found no key 'format'\n");
    }

    @Test
    void should_say_what_was_found_when_file_is_empty_or_not_an_object() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty.json"), "");
        Path array = Files.writeString(tmp.resolve("array.json"), "[1, 2]");
        Path other = Files.writeString(tmp.resolve("other.json"), "{\"format\": \"x/2\"}");

        assertThatThrownBy(() -> Rerun.rerun(empty, options()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("found an empty file");
        assertThatThrownBy(() -> Rerun.rerun(array, options()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("found a JSON array, not an object");
        assertThatThrownBy(() -> Rerun.rerun(other, options()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("found \"x/2\"");
    }

    @Test
    void should_refuse_with_usage_error_not_report_change_when_inventory_was_and_is_missing()
            throws Exception {
        LocalRun run = original(SampleAit.class.getName(), "answers",
                SampleAit.writeSampleCsv(tmp.resolve("data")), Map.of());
        // a platform run whose inventory did not exist: recorded as missing, sha256 null
        com.fasterxml.jackson.databind.node.ObjectNode prov =
                (com.fasterxml.jackson.databind.node.ObjectNode) io.llmtestbed.ait.sdk.manifest
                        .JsonFormat.MAPPER.readTree(provenance(run).toFile());
        Path gone = tmp.resolve("gone/answers.csv");
        ((com.fasterxml.jackson.databind.node.ObjectNode) prov.path("inventories").get(0)
                .path("files").get(0)).put("path", gone.toString()).put("kind", "missing")
                .putNull("sha256");
        ((com.fasterxml.jackson.databind.node.ObjectNode) prov.path("result"))
                .put("status", "Error").put("error_code", "E102");
        Path file = tmp.resolve("failed-provenance.json");
        Files.writeString(file, prov.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new LocalRunner());
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        PrintStream stdout = System.out;
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            status = cli.execute("--rerun", file.toString(), "--out",
                    tmp.resolve("rerun").toString());
        } finally {
            System.setOut(stdout);
        }

        assertThat(status).isEqualTo(LocalRunner.EXIT_USAGE);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("input changed");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("ait-local-run --rerun:"
                + " inventory 'answers' file " + gone + " was missing in the original run (its"
                + " result: Error E102) and is missing now; nothing changed, and a re-run needs"
                + " the file: give --inventory answers=PATH\n");
    }

    @Test
    void should_note_why_the_rerun_failed_when_original_succeeded() throws Exception {
        LocalRun run = original(SampleAit.class.getName(), "answers",
                SampleAit.writeSampleCsv(tmp.resolve("data")), Map.of());
        Rerun.Options failing = new Rerun.Options(null, null, null, Map.of(),
                Map.of("fail_with", "e901"), tmp.resolve("rerun"), null);

        Rerun.Result r = Rerun.rerun(provenance(run), failing);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Rerun.print(r, provenance(run), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(r.exitStatus()).isEqualTo(Rerun.EXIT_DIFFERENT);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n)
                .startsWith("the re-run failed with E901: "));
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("note: the re-run failed with E901: ");
    }

    @Test
    void should_say_no_measures_when_failed_run_fails_the_same_way_again() throws Exception {
        LocalRun run = LocalRunner.run(LocalRunner.Request.mainClass(SampleAit.class.getName(),
                Map.of("answers", List.of(SampleAit.writeSampleCsv(tmp.resolve("data")))),
                Map.of("fail_with", "e901"), tmp.resolve("qai")));
        assertThat(run.succeeded()).isFalse();

        Rerun.Result r = Rerun.rerun(provenance(run), options());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Rerun.print(r, provenance(run), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(r.exitStatus()).isEqualTo(Rerun.EXIT_IDENTICAL);
        assertThat(r.rows()).singleElement().extracting(Rerun.Row::original)
                .isEqualTo("Error E901");
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .doesNotContain("all 0 measures")
                .contains("Identical: no measures in either run; the result status Error E901"
                        + " is the same (exit status 0)");
    }

    @Test
    void should_refuse_out_dir_when_it_holds_the_recorded_inventories() throws Exception {
        LocalRun run = original(SampleAit.class.getName(), "answers",
                SampleAit.writeSampleCsv(tmp.resolve("data")), Map.of());

        assertThatThrownBy(() -> Rerun.rerun(provenance(run),
                Rerun.Options.under(tmp.resolve("qai"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lies under the re-run's layout")
                .hasMessageEndingWith("give another --out");
    }
}
