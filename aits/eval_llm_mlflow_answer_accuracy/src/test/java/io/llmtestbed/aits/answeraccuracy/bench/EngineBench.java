package io.llmtestbed.aits.answeraccuracy.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.llmtestbed.aits.answeraccuracy.metrics.ExactMatchMode;
import io.llmtestbed.aits.answeraccuracy.metrics.Language;
import io.llmtestbed.aits.answeraccuracy.metrics.MetricEngine;
import io.llmtestbed.aits.answeraccuracy.metrics.RowScores;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Benchmark driver (run by {@code bench/bench.sh}, not a test): streams a JSONL file of
 * {@code {"id","prediction","reference"}} rows through the metric engine and prints one line,
 * {@code java-engine rows=N seconds=S rows_per_s=R mean_rouge_l=M}.
 *
 * <p>Arguments: {@code INPUT.jsonl [auto|en|ja]}. With {@code en} it computes what the Python
 * side computes (rouge-score ROUGE-L, token F1, exact match) and nothing Japanese.
 */
public final class EngineBench {
  private EngineBench() {}

  public static void main(String[] args) throws Exception {
    Language language = Language.parse(args.length > 1 ? args[1] : "auto");
    MetricEngine engine = new MetricEngine(language, ExactMatchMode.EXACT);
    JsonFactory json = new JsonFactory();
    long rows = 0;
    double rougeSum = 0;
    double rougeJaSum = 0;
    long started = System.nanoTime();
    try (BufferedReader lines = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null) {
        String prediction = null;
        String reference = null;
        try (JsonParser parser = json.createParser(line)) {
          while (parser.nextToken() != null) {
            if (parser.currentToken() == JsonToken.FIELD_NAME) {
              String name = parser.currentName();
              parser.nextToken();
              if ("prediction".equals(name)) {
                prediction = parser.getValueAsString();
              } else if ("reference".equals(name)) {
                reference = parser.getValueAsString();
              }
            }
          }
        }
        RowScores scores = engine.score(prediction, reference);
        rougeSum += scores.rougeL();
        rougeJaSum += scores.rougeLJa();
        rows++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("java-engine language=%s rows=%d seconds=%.3f rows_per_s=%.0f "
            + "mean_rouge_l=%.6f mean_rouge_l_ja=%.6f%n", language.parameterValue(), rows, seconds,
        rows / seconds, rougeSum / rows, rougeJaSum / rows);
  }
}
