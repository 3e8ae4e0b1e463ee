package io.llmtestbed.aits.safe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One input row of {@code batch}: a JSONL object with {@code id} (string or integer; the line
 * number when absent), {@code prompt} (string) and {@code response} (string; null is read as an
 * empty response, which has no facts).
 */
record BatchRow(String id, String prompt, String response) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static List<BatchRow> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new SafeCli.InputException("batch input " + file + " does not exist or is not a "
          + "file: pass a JSONL file with one {\"id\", \"prompt\", \"response\"} object per line");
    }
    List<BatchRow> rows = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        BatchRow row = parse(file, number, line);
        if (!ids.add(row.id())) {
          throw bad(file, number, "id '" + row.id() + "' is used by an earlier line; ids must "
              + "be unique");
        }
        rows.add(row);
      }
    } catch (IOException e) {
      throw new SafeCli.InputException("cannot read batch input " + file + " as UTF-8: "
          + e.getMessage(), e);
    }
    return rows;
  }

  private static BatchRow parse(Path file, int number, String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw bad(file, number, "the line is not JSON (" + e.getOriginalMessage() + ")");
    }
    if (!node.isObject()) {
      throw bad(file, number, "the line must be a JSON object, got " + node.getNodeType());
    }
    JsonNode id = node.get("id");
    String idText;
    if (id == null || id.isNull()) {
      idText = String.valueOf(number);
    } else if (id.isTextual() || id.isIntegralNumber()) {
      idText = id.asText();
    } else {
      throw bad(file, number, "field 'id' must be a string or an integer, got "
          + id.getNodeType());
    }
    JsonNode prompt = node.get("prompt");
    if (prompt == null || !prompt.isTextual()) {
      throw bad(file, number, "field 'prompt' must be a string, got "
          + (prompt == null ? "nothing" : prompt.getNodeType()));
    }
    JsonNode response = node.get("response");
    if (response == null) {
      throw bad(file, number, "field 'response' is missing (null is allowed and means an "
          + "empty response)");
    }
    if (!response.isNull() && !response.isTextual()) {
      throw bad(file, number, "field 'response' must be a string or null, got "
          + response.getNodeType());
    }
    return new BatchRow(idText, prompt.asText(), response.isNull() ? "" : response.asText());
  }

  private static SafeCli.InputException bad(Path file, int number, String rule) {
    return new SafeCli.InputException("batch input " + file + " line " + number + ": " + rule);
  }
}
