package io.llmtestbed.aits.answeraccuracy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.testing.AitHarness.Result;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the whole {@code ait.output.json} for the fixed table of {@link AnswerAccuracyAitTest}
 * (every measure, interval, resource and download), so any change of a value, a name or the
 * layout shows up in review. Times and MachineInfo vary per machine and are blanked; paths are
 * made relative to the output directory.
 *
 * <p>After an intended change, regenerate with {@code -Dgolden.update=true} and review the diff.
 */
class GoldenOutputTest {
  private static final Path GOLDEN = Path.of(System.getProperty("user.dir"))
      .resolve("src/test/resources/golden/ait.output.json");

  @TempDir Path root;

  @Test
  void should_write_the_pinned_output_when_table_is_the_fixed_one() throws IOException {
    Path table = AitHarness.table(root.resolve("in/eval_results_table.json"),
        AccuracyFixtures.DEMO_COLUMNS, AnswerAccuracyAitTest.fixedRows());
    Result r = AccuracyFixtures.runTable(root, table);
    String actual = AitHarness.JSON.writerWithDefaultPrettyPrinter()
        .writeValueAsString(stable(r)) + "\n";

    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).as("ait.output.json against %s (regenerate with -Dgolden.update=true)",
        GOLDEN).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
  }

  private static JsonNode stable(Result r) {
    ObjectNode out = r.output().deepCopy();
    ObjectNode info = (ObjectNode) out.path("ExecuteInfo");
    info.put("StartDateTime", "<time>");
    info.put("EndDateTime", "<time>");
    ObjectNode machine = (ObjectNode) info.path("MachineInfo");
    java.util.List<String> keys = new java.util.ArrayList<>();
    machine.fieldNames().forEachRemaining(keys::add);
    keys.forEach(k -> machine.put(k, "<machine>"));
    String prefix = r.outputDir().toString() + "/";
    for (String section : new String[] {"Resources", "Downloads"}) {
      for (JsonNode entry : out.path("Result").path(section)) {
        String path = entry.path("Path").asText();
        ((ObjectNode) entry).put("Path", path.startsWith(prefix)
            ? path.substring(prefix.length()) : path);
      }
    }
    return out;
  }
}
