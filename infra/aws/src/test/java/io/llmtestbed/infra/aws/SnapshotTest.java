package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The synthesized templates must equal the committed snapshots under
 * {@code src/test/resources/snapshots}, so that every change to the infrastructure shows up in
 * review as a diff of those files. After an intended change, rewrite them with
 * {@code mvn verify -Dtestbed.snapshot.update=true} and commit the diff.
 */
class SnapshotTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final Path DIR = Path.of("src", "test", "resources", "snapshots");

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on"})
    void should_match_the_committed_template_snapshot(String variant) throws IOException {
        Synth.Result r = variant.equals("defaults") ? Synth.defaults() : Synth.allOn();
        boolean update = Boolean.getBoolean("testbed.snapshot.update");
        for (Map.Entry<String, software.amazon.awscdk.assertions.Template> e
                : r.templates().entrySet()) {
            Path file = DIR.resolve(variant).resolve(e.getKey() + ".template.json");
            JsonNode actual = JSON.valueToTree(e.getValue().toJSON());
            if (update) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, JSON.writeValueAsString(
                        JSON.treeToValue(actual, Object.class)) + "\n");
                continue;
            }
            assertThat(file).as("snapshot %s; create it with -Dtestbed.snapshot.update=true",
                    file).exists();
            assertThat(actual).as("template %s/%s differs from %s: review the change, then"
                            + " run mvn verify -Dtestbed.snapshot.update=true and commit it",
                    variant, e.getKey(), file)
                    .isEqualTo(JSON.readTree(file.toFile()));
        }
    }
}
