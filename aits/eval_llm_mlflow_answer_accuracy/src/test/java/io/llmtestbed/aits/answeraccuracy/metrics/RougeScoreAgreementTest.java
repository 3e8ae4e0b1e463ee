package io.llmtestbed.aits.answeraccuracy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The English measures agree with the Python {@code rouge-score} package to 1e-9, on 430 pairs
 * from the demo data (FActScore ChatGPT vs InstructGPT biographies, MT-Bench answers vs GPT-4
 * references) plus tokenizer corner cases.
 *
 * <p>{@code english_golden.jsonl} holds the package's own numbers, produced by
 * {@code src/test/python/rouge_reference.py} with rouge-score 0.1.2; the second test re-runs
 * that script through {@code $TESTBED_PYTHON} when it is set, so the golden file cannot go stale
 * unnoticed.
 */
class RougeScoreAgreementTest {
  private static final Path MODULE = Path.of(System.getProperty("user.dir"));
  private static final Path PAIRS =
      MODULE.resolve("src/test/resources/rouge_reference/english_pairs.jsonl");
  private static final Path GOLDEN =
      MODULE.resolve("src/test/resources/rouge_reference/english_golden.jsonl");
  private static final Path SCRIPT = MODULE.resolve("src/test/python/rouge_reference.py");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void should_agree_with_rouge_score_golden_values_to_1e9_when_rows_are_english() throws IOException {
    assertAgreement(read(GOLDEN));
  }

  @Test
  void should_agree_with_live_rouge_score_to_1e9_when_testbed_python_is_set(@TempDir Path tmp)
      throws Exception {
    String python = System.getenv("TESTBED_PYTHON");
    assumeThat(python)
        .as("TESTBED_PYTHON is unset: skipping the live rouge-score run (the golden-file test "
            + "still ran). Set it to a Python with rouge-score, e.g. from `infra/local/stack.sh env`.")
        .isNotBlank();
    Path out = tmp.resolve("live.jsonl");
    Process process = new ProcessBuilder(python, SCRIPT.toString(), PAIRS.toString(),
        out.toString()).redirectErrorStream(true).start();
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("rouge_reference.py output: %s", log).isZero();
    Map<String, JsonNode> live = read(out);
    assertAgreement(live);
    assertThat(live.keySet()).containsExactlyElementsOf(read(GOLDEN).keySet());
  }

  private static void assertAgreement(Map<String, JsonNode> expected) throws IOException {
    MetricEngine engine = new MetricEngine(Language.EN, ExactMatchMode.EXACT);
    List<String> disagreements = new ArrayList<>();
    int nonZero = 0;
    int rows = 0;
    for (String line : Files.readAllLines(PAIRS, StandardCharsets.UTF_8)) {
      JsonNode pair = JSON.readTree(line);
      String id = pair.get("id").asText();
      JsonNode want = expected.get(id);
      assertThat(want).as("reference row for %s", id).isNotNull();
      RowScores got = engine.score(pair.get("prediction").asText(), pair.get("reference").asText());
      check(disagreements, id, "rouge_l", got.rougeL(), want.get("rouge_l").asDouble());
      check(disagreements, id, "token_f1", got.tokenF1(), want.get("token_f1").asDouble());
      check(disagreements, id, "exact_match", got.exactMatch(), want.get("exact_match").asDouble());
      nonZero += got.rougeL() > 0 ? 1 : 0;
      rows++;
    }
    assertThat(disagreements).as("rows where Java and rouge-score differ by more than 1e-9")
        .isEmpty();
    assertThat(rows).isEqualTo(expected.size()).isGreaterThanOrEqualTo(400);
    assertThat(nonZero).as("rows with a non-zero ROUGE-L (the comparison is not vacuous)")
        .isGreaterThan(300);
  }

  private static void check(List<String> out, String id, String measure, double got, double want) {
    if (Math.abs(got - want) > 1e-9) {
      out.add(id + " " + measure + ": java=" + got + " rouge-score=" + want);
    }
  }

  private static Map<String, JsonNode> read(Path jsonl) throws IOException {
    Map<String, JsonNode> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
      JsonNode row = JSON.readTree(line);
      rows.put(row.get("id").asText(), row);
    }
    return rows;
  }
}
