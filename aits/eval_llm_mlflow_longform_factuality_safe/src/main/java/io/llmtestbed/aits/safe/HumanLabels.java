package io.llmtestbed.aits.safe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbed.aits.safe.pipeline.F1AtK;
import java.util.ArrayList;
import java.util.List;

/**
 * The FActScore human annotations of one response (the {@code annotations} column: a JSON list
 * of sentences, each with {@code text}, {@code is-relevant} and {@code human-atomic-facts} =
 * [{@code text}, {@code label} in S/NS/IR], or null for a sentence without facts).
 *
 * <p>Human precision follows FActScore's convention: facts labelled IR (irrelevant) are left
 * out of numerator and denominator, so precision = S / (S + NS); it is undefined (NaN) for a
 * response whose facts are all IR. A null cell means the model abstained (no annotation).
 *
 * @param sentences the annotated sentences, in order
 * @param facts the human atomic facts per sentence (parallel to {@code sentences})
 * @param labels the human label of each fact (parallel to {@code facts})
 */
public record HumanLabels(List<String> sentences, List<List<String>> facts,
    List<List<String>> labels) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Parses one cell; null for an abstention (null or blank cell).
   *
   * @throws IllegalArgumentException naming the problem when the JSON is not in the format
   */
  public static HumanLabels parse(String cell) {
    if (cell == null || cell.isBlank() || cell.strip().equals("null")) {
      return null;
    }
    JsonNode root;
    try {
      root = JSON.readTree(cell);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("annotations cell is not JSON: " + e.getOriginalMessage()
          + " (expected FActScore's list of {text, is-relevant, human-atomic-facts})", e);
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException("annotations cell is a JSON " + root.getNodeType()
          + ", not a list of sentences {text, is-relevant, human-atomic-facts}");
    }
    List<String> sentences = new ArrayList<>();
    List<List<String>> facts = new ArrayList<>();
    List<List<String>> labels = new ArrayList<>();
    for (JsonNode s : root) {
      sentences.add(s.path("text").asText(""));
      List<String> f = new ArrayList<>();
      List<String> l = new ArrayList<>();
      JsonNode human = s.get("human-atomic-facts");
      if (human != null && human.isArray()) {
        for (JsonNode fact : human) {
          String label = fact.path("label").asText("");
          if (!label.equals("S") && !label.equals("NS") && !label.equals("IR")) {
            throw new IllegalArgumentException("human atomic fact '" + fact.path("text").asText()
                + "' has label '" + label + "'; FActScore labels are S, NS and IR");
          }
          f.add(fact.path("text").asText(""));
          l.add(label);
        }
      }
      facts.add(f);
      labels.add(l);
    }
    return new HumanLabels(sentences, facts, labels);
  }

  /** Facts with this label (S, NS or IR). */
  public long count(String label) {
    return labels.stream().flatMap(List::stream).filter(label::equals).count();
  }

  /** All facts. */
  public long total() {
    return labels.stream().mapToLong(List::size).sum();
  }

  /** S / (S + NS), IR excluded; NaN when S + NS = 0. */
  public double precision() {
    return F1AtK.precision(count("S"), count("NS"));
  }
}
