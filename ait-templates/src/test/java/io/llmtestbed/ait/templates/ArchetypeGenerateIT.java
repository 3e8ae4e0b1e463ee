package io.llmtestbed.ait.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What a new author does: {@code mvn archetype:generate} from this build's archetype, offline,
 * then {@code mvn verify} on the generated project, which compiles the AIT, writes its manifest,
 * runs it through the local runner on the sample table, builds the package zip and checks it.
 * The parent pom, ait-sdk and the archetype are installed into the local repository by this
 * module's pre-integration-test phase.
 */
class ArchetypeGenerateIT {

    private static final String AIT = "eval_llm_mlflow_answered_rate";
    private static final Path IT_DIR = Path.of(System.getProperty("it.dir", "target/it"));
    private static final String REPO = System.getProperty("maven.repo.local");

    @Test
    void should_generate_a_project_that_verifies_when_generated_offline() throws Exception {
        Path aits = IT_DIR.resolve("aits");
        deleteTree(IT_DIR);
        Files.createDirectories(aits);

        long t0 = System.nanoTime();
        Result generate = mvn(aits, true, "org.apache.maven.plugins:maven-archetype-plugin:"
                + System.getProperty("archetype.plugin.version") + ":generate",
                "-DarchetypeGroupId=io.llmtestbed", "-DarchetypeArtifactId=ait-templates",
                "-DarchetypeVersion=" + System.getProperty("archetype.version"),
                "-DgroupId=io.llmtestbed.aits", "-DartifactId=" + AIT,
                "-Dpackage=io.llmtestbed.aits.answeredrate", "-DarchetypeCatalog=local",
                "-DinteractiveMode=false");
        long generated = System.nanoTime();
        assertThat(generate.status).as("archetype:generate output:%n%s", generate.output)
                .isZero();
        Path project = aits.resolve(AIT);
        assertThat(project.resolve("src/main/java/io/llmtestbed/aits/answeredrate/"
                + "AnsweredRateAit.java")).isRegularFile();
        assertThat(project.resolve("deploy/container/dockerfile")).isRegularFile();

        Result verify = mvn(project, true, "verify");
        if (verify.status != 0 && verify.output.contains("offline mode")) {
            // A plugin the generated build uses was never downloaded (e.g. -pl ait-templates on a
            // fresh machine): retry once online and say so.
            System.out.println("ArchetypeGenerateIT: offline verify lacked an artifact; retrying"
                    + " online");
            verify = mvn(project, false, "verify");
        }
        long verified = System.nanoTime();
        assertThat(verify.status).as("mvn verify output:%n%s", verify.output).isZero();
        System.out.printf("ArchetypeGenerateIT: generate %.1f s, verify %.1f s%n",
                (generated - t0) / 1e9, (verified - generated) / 1e9);

        assertThat(Files.readString(project.resolve("target/ait.manifest.json")))
                .contains("\"name\": \"" + AIT + "\"").contains("\"answered_rate\"");
        assertThat(report(project, "surefire-reports"))
                .contains("Tests run: 3, Failures: 0, Errors: 0, Skipped: 0");
        assertThat(report(project, "failsafe-reports"))
                .contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0");
        Path zip = project.resolve("target/" + AIT + "-ait.zip");
        assertThat(Files.size(zip)).isLessThanOrEqualTo(5L * 1024 * 1024);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(z.stream().map(e -> e.getName()).toList()).contains("dockerfile",
                    "repository/ait.manifest.json", "repository/my_ait.py",
                    "repository/requirements.txt", "repository/ait.jar",
                    "repository/ait-dependencies.txt");
        }
    }

    private record Result(int status, String output) {
    }

    private static Result mvn(Path dir, boolean offline, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-ntp"));
        if (offline) {
            cmd.add("-o");
        }
        if (REPO != null) {
            cmd.add("-Dmaven.repo.local=" + REPO);
        }
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(IT_DIR, "mvn", ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " in " + dir
                    + " ran over 10 minutes; see " + log);
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String report(Path project, String dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(project.resolve("target").resolve(dir))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".txt")).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
