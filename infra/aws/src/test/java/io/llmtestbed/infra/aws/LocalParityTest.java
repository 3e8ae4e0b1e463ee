package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The AWS hosts and the local twin ({@code infra/local}) must run the same MLflow release and
 * the same server options; this test reads the local stack's files and compares.
 */
class LocalParityTest {

    private static final Path LOCAL = Path.of("..", "local");

    @Test
    void should_pin_the_same_mlflow_release_as_the_local_stack() throws IOException {
        Path requirements = LOCAL.resolve("requirements-server.txt");
        assumeTrue(Files.exists(requirements), "infra/local not present");
        assertThat(Files.readAllLines(requirements))
                .contains("mlflow==" + TestbedConfig.MLFLOW_VERSION);
    }

    @Test
    void should_use_the_same_artifact_flags_as_the_local_stack() throws IOException {
        Path stack = LOCAL.resolve("stack.sh");
        assumeTrue(Files.exists(stack), "infra/local not present");
        String local = Files.readString(stack);
        assertThat(local).contains("--serve-artifacts").contains("--artifacts-destination");
        assertThat(MlflowStack.SERVER_FLAGS).contains("--serve-artifacts")
                .anySatisfy(f -> assertThat(f).startsWith("--artifacts-destination"));
    }
}
