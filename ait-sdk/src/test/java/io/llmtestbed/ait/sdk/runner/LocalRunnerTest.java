package io.llmtestbed.ait.sdk.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.output.OutputEntry;
import io.llmtestbed.ait.sdk.testait.SampleAit;
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

/** Runs {@link SampleAit} in a new JVM, as the platform would, through the local runner. */
class LocalRunnerTest {

    @TempDir
    Path tmp;

    private Path csv() throws Exception {
        return SampleAit.writeSampleCsv(tmp.resolve("data"));
    }

    private LocalRun run(Map<String, String> params, Path root) throws Exception {
        return LocalRunner.run(LocalRunner.Request.mainClass(SampleAit.class.getName(),
                Map.of("answers", List.of(csv())), params, root));
    }

    @Test
    void should_lay_out_run_and_read_output_when_ait_succeeds() throws Exception {
        Path root = tmp.resolve("qai");

        LocalRun r = run(Map.of("threshold", "0.7"), root);

        assertThat(r.exitStatus()).isZero();
        assertThat(r.succeeded()).as(r.stderr()).isTrue();
        assertThat(r.measures()).containsExactly(new OutputEntry("accuracy", "0.75"),
                new OutputEntry("passed", "1"), new OutputEntry("row_correct", "1,1,1,0"));
        assertThat(root.resolve("inventory/1/1/answers/answers.csv")).hasSameTextualContentAs(csv());
        assertThat(r.inputDir()).isEqualTo(root.resolve("mnt/ip/job_args/1/1"));
        assertThat(Files.readString(r.inputDir().resolve("ait.input.json")))
                .contains("\"testbed_mount_volume_path\": \"" + root.resolve("mnt") + "\"")
                .contains("\"Value\": \"" + root.resolve("inventory/1/1/answers/answers.csv") + "\"");
        assertThat(r.downloads()).extracting(OutputEntry::name).containsExactly("rows", "Log",
                "Provenance", "EgressAudit");
        assertThat(r.resources()).singleElement().extracting(OutputEntry::value)
                .isEqualTo(root.resolve("mnt/ip/job_result/1/1/resources/summary_table/"
                        + "summary.csv").toString());
        assertThat(r.stderr()).hasLineCount(1).contains("OK: 3 measures");
    }

    @Test
    void should_count_up_job_and_run_when_root_reused() throws Exception {
        Path root = tmp.resolve("qai");

        LocalRun first = run(Map.of(), root);
        LocalRun second = run(Map.of(), root);

        assertThat(List.of(first.jobId(), first.runId())).containsExactly(1, 1);
        assertThat(List.of(second.jobId(), second.runId())).containsExactly(2, 2);
        assertThat(second.outputFile()).isEqualTo(root.resolve(
                "mnt/ip/job_result/2/2/ait.output.json"));
    }

    @Test
    void should_exit_zero_with_one_stderr_line_when_ait_fails_in_subprocess() throws Exception {
        LocalRun r = run(Map.of("fail_with", "e999"), tmp.resolve("qai"));

        assertThat(r.exitStatus()).as("the contract: exit status 0 on failure too").isZero();
        assertThat(r.errorCode()).hasValue("E999");
        assertThat(r.errorDetail()).get().asString()
                .contains("java.lang.OutOfMemoryError: simulated: Java heap space");
        assertThat(r.stderr()).hasLineCount(1).contains("failed with E999");
    }

    @Test
    void should_mount_each_file_under_an_index_when_inventory_has_several() throws Exception {
        Path root = tmp.resolve("qai");
        Path a = csv();
        Path b = Files.writeString(Files.createDirectories(tmp.resolve("more")).resolve("b.csv"),
                "label,prediction\nx,y\n");

        LocalRun r = LocalRunner.run(LocalRunner.Request.mainClass(SampleAit.class.getName(),
                Map.of("answers", List.of(a, b)), Map.of(), root));

        assertThat(root.resolve("inventory/1/1/answers/0/answers.csv")).exists();
        assertThat(root.resolve("inventory/1/1/answers/1/b.csv")).exists();
        assertThat(r.errorCode()).hasValue("E102");
        assertThat(r.errorDetail()).get().asString()
                .contains("inventory 'answers' has 2 files");
    }

    @Test
    void should_print_table_and_exit_one_when_cli_sees_ait_error() throws Exception {
        Path root = tmp.resolve("qai");
        String[] ok = {"--main-class", SampleAit.class.getName(), "--inventory",
            "answers=" + csv(), "--root", root.toString(), "--classpath",
            System.getProperty("java.class.path")};
        String[] bad = {"--main-class", SampleAit.class.getName(), "--inventory",
            "answers=" + csv(), "--param", "threshold=2", "--root", root.toString()};
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int okStatus;
        int badStatus;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            okStatus = new CommandLine(new LocalRunner()).execute(ok);
            badStatus = new CommandLine(new LocalRunner()).execute(bad);
        } finally {
            System.setOut(original);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(okStatus).isZero();
        assertThat(badStatus).isEqualTo(LocalRunner.EXIT_AIT_ERROR);
        assertThat(printed).contains("AIT eval_sample_csv_accuracy 0.1 (job 1, run 1): OK")
                .containsPattern("  accuracy     0\\.75")
                .contains("Output: " + root.resolve("mnt/ip/job_result/1/1/ait.output.json"))
                .contains("(job 2, run 2): ERROR E102 (inventory or parameter error)")
                .contains("above its max '1'");
    }

    @Test
    void should_print_one_line_and_exit_two_when_inventory_path_does_not_exist() {
        Path missing = tmp.resolve("no-such-runs.json");
        Path root = tmp.resolve("qai");
        String[] args = {"--main-class", SampleAit.class.getName(), "--inventory",
            "answers=" + missing, "--root", root.toString()};
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new LocalRunner());
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));

        int status = cli.execute(args);

        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(status).isEqualTo(LocalRunner.EXIT_USAGE).isEqualTo(2);
        assertThat(printed.lines()).hasSize(1);
        assertThat(printed).contains("--inventory answers=" + missing)
                .contains("no such file or directory").contains("inventory 'answers'")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(root.resolve("mnt")).as("nothing is laid out").doesNotExist();
    }

    @Test
    void should_run_jar_as_subprocess_when_jar_given() throws Exception {
        Path jar = tmp.resolve("sample-ait.jar");
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS,
                SampleAit.class.getName());
        // a thin jar whose Class-Path points at this JVM's classpath (test classes included)
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH,
                String.join(" ", java.util.Arrays.stream(System.getProperty("java.class.path")
                        .split(java.io.File.pathSeparator)).map(e -> Path.of(e).toUri()
                        .toString()).toList()));
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.flush();
        }

        LocalRun r = LocalRunner.run(new LocalRunner.Request(jar, null, null,
                Map.of("answers", List.of(csv())), Map.of(), tmp.resolve("qai"), 4, 9, null));

        assertThat(r.succeeded()).as(r.stderr()).isTrue();
        assertThat(r.outputFile()).isEqualTo(tmp.resolve("qai/mnt/ip/job_result/4/9/"
                + "ait.output.json"));
        assertThat(r.measures()).extracting(OutputEntry::name).contains("accuracy");
    }

    @Test
    void should_reject_usage_when_neither_jar_nor_main_class_given() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new LocalRunner());
        cli.setErr(new java.io.PrintWriter(bytes, true, StandardCharsets.UTF_8));

        int status = cli.execute("--root", tmp.toString());

        assertThat(status).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("give exactly one of --jar and --main-class; got neither");
    }
}
