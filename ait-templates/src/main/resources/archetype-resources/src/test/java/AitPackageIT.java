package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.manifest.ManifestValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The package zip (built in the package phase) passes what Qunomon's local install checks: at
 * most 5 MB; dockerfile at the root; repository/ait.manifest.json, my_ait.py and
 * requirements.txt present; the manifest valid.
 */
class AitPackageIT {

    private static final Path ZIP = Path.of("target/${artifactId}-ait.zip");
    private static final long LIMIT_BYTES = 5L * 1024 * 1024;

    @Test
    void should_pass_the_local_install_check_when_packaged() throws Exception {
        assertThat(ZIP).as("run mvn package first").isRegularFile();
        assertThat(Files.size(ZIP)).as("Qunomon's 5 MB limit").isLessThanOrEqualTo(LIMIT_BYTES);
        try (ZipFile zip = new ZipFile(ZIP.toFile(), StandardCharsets.UTF_8)) {
            assertThat(zip.getEntry("dockerfile")).as("dockerfile at the zip root").isNotNull();
            for (String required : new String[] {"repository/ait.manifest.json",
                    "repository/my_ait.py", "repository/requirements.txt", "repository/ait.jar"}) {
                assertThat(zip.getEntry(required)).as(required).isNotNull();
            }
            ZipEntry manifest = zip.getEntry("repository/ait.manifest.json");
            String json = new String(zip.getInputStream(manifest).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(ManifestValidator.validate(json).errors()).isEmpty();
            String dockerfile = new String(zip.getInputStream(zip.getEntry("dockerfile"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertThat(dockerfile).contains("WORKDIR /usr/local/qai")
                    .contains("/usr/local/qai/ait.jar");
        }
    }
}
