package io.llmtestbed.aits.safe;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inputs and outputs of the SAFE tests: the demo's FActScore tables and a reader for the CSVs
 * the AIT writes. The AIT itself runs through the SDK's {@link AitHarness}.
 */
final class SafeFixtures {
  static final Path DEMO_DATA = Path.of("../../demo/data/factscore-bios");
  /** The columns of {@link #factscoreRows}. */
  static final List<String> FACTSCORE_COLUMNS = List.of("question_id", "inputs", "outputs",
      "topic", "cat", "annotations");

  private SafeFixtures() {}

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
      JsonNode r = AitHarness.JSON.readTree(line);
      JsonNode annotations = r.get("annotations");
      List<Object> row = new ArrayList<>();
      row.add(String.valueOf(i++));
      row.add(r.path("input").asText());
      row.add(r.path("output").isNull() ? null : r.path("output").asText());
      row.add(r.path("topic").asText());
      row.add(AitHarness.JSON.writeValueAsString(r.get("cat")));
      row.add(annotations == null || annotations.isNull() ? null
          : AitHarness.JSON.writeValueAsString(annotations));
      rows.add(row);
    }
    return rows;
  }

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
