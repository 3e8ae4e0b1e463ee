package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code scripts/smoke-start-script.sh}: the MLflow host's real start script against a
 * throw-away TLS-only PostgreSQL and a real MLflow server. Needs {@code MLFLOW_VENV} (a venv
 * with {@code mlflow[auth]==3.17.2}, e.g. built from the wheelhouse) and PostgreSQL server
 * binaries; skipped when either is missing.
 */
class StartScriptSmokeIT {

    @Test
    void should_serve_with_basic_auth_allowed_hosts_and_tls_when_start_script_runs()
            throws IOException, InterruptedException {
        String venv = System.getenv("MLFLOW_VENV");
        assumeTrue(venv != null && Files.isExecutable(Path.of(venv, "bin", "mlflow")),
                "MLFLOW_VENV is not set to a venv with mlflow[auth]==3.17.2");
        assumeTrue(Files.isDirectory(Path.of("/usr/lib/postgresql")),
                "PostgreSQL server binaries are not installed");
        Process p = new ProcessBuilder("bash", "scripts/smoke-start-script.sh")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished within 5 minutes").isTrue();
        assertThat(out).as(out)
                .contains("ok   no credentials (401)")
                .contains("ok   admin credentials (200)")
                .contains("ok   foreign Host header (403)")
                .contains("ok   ALB name in lower case (200)")
                .contains("ok   auth database created (mlflow_auth)")
                .contains("ok   non-TLS connections of mlflow (0)")
                .contains("ok   artifact through the proxy (1)")
                .contains("ok   password not in process arguments (0)")
                .contains("ok   db-upgrade mode exit status (0)")
                .doesNotContain("FAIL");
        assertThat(p.exitValue()).isZero();
    }
}
