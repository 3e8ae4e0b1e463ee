package io.llmtestbed.aits.safe;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the SAFE AIT in-process in the platform layout and reads what it wrote. */
final class AitHarness {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path DEMO_DATA = Path.of("../../demo/data/factscore-bios");

  record Result(String stderr, JsonNode output, Path outputDir) {
    String errorCode() {
      return output.path("ExecuteInfo").path("Error").path("Code").asText(null);
    }

    String errorDetail() {
      return output.path("ExecuteInfo").path("Error").path("Detail").asText(null);
    }

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

    Path resource(String fileName) {
      return outputDir.resolve("resources");
    }

    /** The first file with this name anywhere under the output directory. */
    Path file(String fileName) throws IOException {
      try (var s = Files.walk(outputDir)) {
        return s.filter(p -> p.getFileName().toString().equals(fileName)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + fileName + " under " + outputDir));
      }
    }

    String log() throws IOException {
      return Files.readString(outputDir.resolve("downloads/Log/ait.log"));
    }
  }

  private AitHarness() {}

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
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream p = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      AitMain.execute(new SafeAit(), new String[] {inputDir.toString()}, p);
    }
    Path outputDir = root.resolve("mnt/ip/job_result/1/1");
    Path file = outputDir.resolve("ait.output.json");
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("no ait.output.json at " + file + "; stderr: " + err);
    }
    return new Result(err.toString(StandardCharsets.UTF_8), JSON.readTree(file.toFile()),
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

  /**
   * The demo's FActScore table of one system, as {@code llm_testbed.demo_data} logs it:
   * question_id, inputs, outputs, topic, cat, annotations (JSON text, null when abstained).
   */
  static List<List<Object>> factscoreRows(String system) throws IOException {
    List<List<Object>> rows = new ArrayList<>();
    int i = 1;
    for (String line : Files.readAllLines(DEMO_DATA.resolve(system + ".jsonl"))) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode r = JSON.readTree(line);
      JsonNode annotations = r.get("annotations");
      List<Object> row = new ArrayList<>();
      row.add(String.valueOf(i++));
      row.add(r.path("input").asText());
      row.add(r.path("output").isNull() ? null : r.path("output").asText());
      row.add(r.path("topic").asText());
      row.add(JSON.writeValueAsString(r.get("cat")));
      row.add(annotations == null || annotations.isNull() ? null
          : JSON.writeValueAsString(annotations));
      rows.add(row);
    }
    return rows;
  }

  static final List<String> FACTSCORE_COLUMNS = List.of("question_id", "inputs", "outputs",
      "topic", "cat", "annotations");

  /** Reads a CSV written by the SDK's CsvWriter (RFC 4180 quoting) into header-keyed rows. */
  static List<Map<String, String>> csv(Path file) throws IOException {
    String text = Files.readString(file);
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new ArrayList<>();
      } else {
        field.append(c);
      }
    }
    if (field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
    }
    List<String> header = records.get(0);
    List<Map<String, String>> out = new ArrayList<>();
    for (List<String> r : records.subList(1, records.size())) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        m.put(header.get(i), i < r.size() ? r.get(i) : "");
      }
      out.add(m);
    }
    return out;
  }
}
