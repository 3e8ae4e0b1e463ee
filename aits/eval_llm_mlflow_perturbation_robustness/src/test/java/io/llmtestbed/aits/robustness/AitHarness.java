package io.llmtestbed.aits.robustness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.runtime.AitMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the AIT in-process through the SDK's {@link AitMain#execute} harness, in the platform
 * layout under a temporary root, and reads what it wrote. Also builds eval tables and exported
 * runs for the tests.
 */
final class AitHarness {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> DEMO_COLUMNS = List.of("question_id", "category", "inputs",
      "ground_truth", "outputs");

  /** What one run of the AIT produced. */
  record Result(int exitStatus, String stderr, JsonNode output, Path outputDir) {
    String errorCode() {
      return output.path("ExecuteInfo").path("Error").path("Code").asText(null);
    }

    String errorDetail() {
      return output.path("ExecuteInfo").path("Error").path("Detail").asText(null);
    }

    /** A measure's value text, or null when absent. */
    String measure(String name) {
      for (JsonNode m : output.path("Result").path("Measures")) {
        if (name.equals(m.path("Name").asText())) {
          return m.path("Value").asText();
        }
      }
      return null;
    }

    double[] sequence(String name) {
      String text = measure(name);
      if (text == null) {
        throw new AssertionError("measure " + name + " absent; output: " + output);
      }
      return Arrays.stream(text.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    List<Path> files(String section, String name) {
      return java.util.stream.StreamSupport.stream(output.path("Result").path(section)
              .spliterator(), false)
          .filter(n -> name.equals(n.path("Name").asText()))
          .map(n -> Path.of(n.path("Path").asText())).toList();
    }

    String log() throws IOException {
      return Files.readString(outputDir.resolve("downloads/Log/ait.log"));
    }
  }

  private AitHarness() {}

  /** Writes {@code ait.input.json} and runs the AIT. */
  static Result run(Path root, Map<String, String> inventories, Map<String, String> params)
      throws IOException {
    Path inputDir = root.resolve("mnt/ip/job_args/1/1");
    Files.createDirectories(inputDir);
    ObjectNode in = JSON.createObjectNode();
    in.put("testbed_mount_volume_path", root.resolve("mnt").toString());
    in.put("run_id", 1);
    in.put("job_id", 1);
    ArrayNode inv = in.putArray("Inventories");
    inventories.forEach((k, v) -> inv.addObject().put("Name", k).put("Value", v));
    ArrayNode ps = in.putArray("MethodParams");
    params.forEach((k, v) -> ps.addObject().put("Name", k).put("Value", v));
    Files.writeString(inputDir.resolve("ait.input.json"), JSON.writeValueAsString(in));
    return runIn(root, inputDir);
  }

  /** Runs the AIT on an input directory that already holds (or lacks) ait.input.json. */
  static Result runIn(Path root, Path inputDir) throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = AitMain.execute(new RobustnessAit(), new String[] {inputDir.toString()}, ps);
    }
    Path outputDir = root.resolve("mnt/ip/job_result/1/1");
    Path file = outputDir.resolve("ait.output.json");
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("no ait.output.json at " + file + "; stderr: " + err);
    }
    return new Result(status, err.toString(StandardCharsets.UTF_8), JSON.readTree(file.toFile()),
        outputDir);
  }

  /** Writes a pandas split table. */
  static Path table(Path file, List<String> columns, List<List<Object>> rows) throws IOException {
    ObjectNode t = JSON.createObjectNode();
    t.set("columns", JSON.valueToTree(columns));
    t.set("data", JSON.valueToTree(rows));
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writeValueAsString(t));
    return file;
  }

  /** A row of the demo layout. */
  static List<Object> row(String id, String category, String input, String target,
      String output) {
    return Arrays.asList(id, category, input, target, output);
  }
}
