package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code infra/mlflow-server.env} is the one place for the MLflow version and server options:
 * the AWS hosts' user data and the local {@code stack.sh} must both take them from it. Each test
 * changes or reads the file and checks that the side under test follows.
 */
class MlflowServerConfTest {

    private static final Path FILE = Path.of("..", "mlflow-server.env");
    private static final Path LOCAL = Path.of("..", "local");

    private static String fileText() throws IOException {
        return Files.readString(FILE);
    }

    @Test
    void should_load_the_repository_file_when_synthesizing() throws IOException {
        assertThat(MlflowServerConf.load()).isEqualTo(MlflowServerConf.parse(fileText()));
        assertThat(TestbedConfig.MLFLOW_VERSION).isEqualTo(MlflowServerConf.parse(fileText())
                .version());
    }

    @Test
    void should_put_the_shared_version_flags_and_workers_in_user_data_when_synthesized()
            throws IOException {
        MlflowServerConf conf = MlflowServerConf.parse(fileText());
        String script = Cfn.userData(Synth.defaults().mlflow()).get(0);
        assertThat(script)
                .contains("MLFLOW_VERSION='" + conf.version() + "'")
                .contains("exec /opt/mlflow/venv/bin/mlflow server " + conf.awsServerFlags()
                        + "\n")
                .contains("TESTBED_MLFLOW_WORKERS=" + conf.workersAws() + "\n")
                .contains("TESTBED_BACKEND_SCHEME=" + conf.backendScheme() + "\n")
                .contains("MLFLOW_SERVER_ENABLE_JOB_EXECUTION=" + conf.enableJobExecution())
                .contains("MLFLOW_SERVER_ALLOWED_HOSTS=" + String.join(",", conf.allowedHosts()));
        assertThat(conf.awsServerFlags()).isEqualTo("--serve-artifacts --artifacts-destination"
                + " \"$MLFLOW_ARTIFACTS_DESTINATION\" --host \"$TESTBED_MLFLOW_BIND\" --port"
                + " \"$TESTBED_MLFLOW_PORT\" --workers \"$TESTBED_MLFLOW_WORKERS\" --allowed-hosts"
                + " \"$MLFLOW_SERVER_ALLOWED_HOSTS\" --app-name basic-auth");
    }

    @Test
    void should_follow_an_edited_file_when_the_user_data_is_rendered() throws IOException {
        String edited = fileText()
                .replace("MLFLOW_WORKERS_AWS=4", "MLFLOW_WORKERS_AWS=7")
                .replace("--workers {workers}", "--workers {workers} --x-frame-options DENY")
                .replace("MLFLOW_ALLOWED_HOSTS=localhost,", "MLFLOW_ALLOWED_HOSTS=mlflow.lan,localhost,");
        var app = Testbed.newApp(Map.of());
        Testbed tb = Testbed.build(app, TestbedConfig.defaultConfig(), MlflowServerConf.parse(edited));
        String script = Cfn.userData(software.amazon.awscdk.assertions.Template.fromStack(
                tb.mlflow())).get(0);
        assertThat(script)
                .contains("TESTBED_MLFLOW_WORKERS=7\n")
                .contains("--workers \"$TESTBED_MLFLOW_WORKERS\" --x-frame-options DENY")
                .contains("MLFLOW_SERVER_ALLOWED_HOSTS=mlflow.lan,localhost,");
    }

    @Test
    void should_name_key_rule_and_fix_when_the_file_is_broken() throws IOException {
        assertThatThrownBy(() -> MlflowServerConf.parse(fileText()
                .replace("MLFLOW_VERSION=3.17.2", "MLFLOW_VERSION=2.9.2")))
                .hasMessageContaining("MLFLOW_VERSION must be a release x.y.z at least 3.11.0")
                .hasMessageContaining("found '2.9.2'")
                .hasMessageContaining("fix: correct the line(s) in infra/mlflow-server.env");
        assertThatThrownBy(() -> MlflowServerConf.parse(fileText()
                .replace("--port {port}", "--port {prot}")))
                .hasMessageContaining("MLFLOW_SERVER_FLAGS has slot {prot} that the AWS hosts"
                        + " do not fill");
        assertThatThrownBy(() -> MlflowServerConf.parse("export MLFLOW_VERSION=3.17.2\n"))
                .hasMessage("infra/mlflow-server.env line 1 must be KEY=VALUE with an upper-case"
                        + " KEY or a # comment, found 'export MLFLOW_VERSION=3.17.2'; fix the"
                        + " line (no quotes, no 'export')");
    }

    @Test
    void should_pin_the_shared_version_in_the_local_requirements_and_python_project()
            throws IOException {
        String version = MlflowServerConf.parse(fileText()).version();
        assertThat(Files.readAllLines(LOCAL.resolve("requirements-server.txt")))
                .contains("mlflow==" + version);
        Path pyproject = Path.of("..", "mlflow", "pyproject.toml");
        assertThat(Files.readString(pyproject)).contains("mlflow==" + version);
    }

    @Test
    void should_keep_no_copy_of_the_server_flags_in_stack_sh() throws IOException {
        String stack = Files.readString(LOCAL.resolve("stack.sh"));
        assertThat(stack).contains("infra/mlflow-server.env")
                .doesNotContain("--serve-artifacts")
                .doesNotContain("--artifacts-destination")
                .doesNotContain("--allowed-hosts")
                .doesNotContain("3.17.2");
    }

    @Test
    void should_pass_the_file_flags_when_stack_sh_builds_the_server_command(@TempDir Path tmp)
            throws IOException, InterruptedException {
        String text = fileText();
        MlflowServerConf conf = MlflowServerConf.parse(text);
        List<String> expected = new ArrayList<>();
        for (String word : conf.flagsTemplate().split(" ")) {
            expected.add(word
                    .replace("{artifacts_destination}", conf.artifactsDestination("mlflow-artifacts"))
                    .replace("{host}", "127.0.0.1").replace("{port}", "5055")
                    .replace("{workers}", "2")
                    .replace("{allowed_hosts}", String.join(",", conf.allowedHosts())));
        }
        assertThat(stackServerFlags(tmp, null)).containsExactlyElementsOf(expected);

        Path edited = tmp.resolve("edited.env");
        Files.writeString(edited, text.replace("MLFLOW_WORKERS_LOCAL=2", "MLFLOW_WORKERS_LOCAL=3")
                .replace("--workers {workers}", "--workers {workers} --x-frame-options DENY"));
        assertThat(stackServerFlags(tmp, edited)).containsSubsequence("--workers", "3",
                "--x-frame-options", "DENY");
    }

    private static List<String> stackServerFlags(Path home, Path serverEnv)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", LOCAL.resolve("stack.sh").toString(),
                "server-flags").redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("TESTBED_"));
        env.put("TESTBED_HOME", home.resolve("home").toString());
        if (serverEnv != null) {
            env.put("TESTBED_MLFLOW_SERVER_ENV", serverEnv.toString());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }
}
