package io.llmtestbed.ait.sdk.mlflow;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Not a test: a timing/memory check of {@link EvalTable} on a large generated table, run by hand
 * with a small heap, e.g.
 *
 * <pre>
 * java -Xmx512m -cp target/test-classes:target/classes:&lt;deps&gt; \
 *     io.llmtestbed.ait.sdk.mlflow.EvalTableBenchmark 1000000 /tmp/big_eval_table.json
 * </pre>
 *
 * <p>Each row has the columns the demo guarantees, Japanese text of about 150 characters in
 * {@code inputs}/{@code outputs}, a score that is null every 10th row, and a nested JSON cell.
 */
public final class EvalTableBenchmark {

  private EvalTableBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path file = Path.of(args.length > 1 ? args[1] : "/tmp/big_eval_table.json");
    long t0 = System.nanoTime();
    if (!Files.exists(file) || Boolean.getBoolean("regenerate")) {
      generate(file, rows);
    }
    long t1 = System.nanoTime();
    long count = 0;
    long nulls = 0;
    double sum = 0;
    long chars = 0;
    try (EvalTable table = EvalTable.open(file)) {
      table.requireColumns("question_id", "category", "inputs", "ground_truth", "outputs",
          "judge_score");
      for (EvalRow row : table) {
        Double score = row.number("judge_score");
        if (score == null) {
          nulls++;
        } else {
          sum += score;
        }
        chars += row.string("outputs").length() + row.string("annotations").length();
        count++;
      }
    }
    long t2 = System.nanoTime();
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(Locale.ROOT, "file %s: %,d bytes%n", file, Files.size(file));
    System.out.printf(Locale.ROOT, "generate: %.1f s%n", (t1 - t0) / 1e9);
    System.out.printf(Locale.ROOT, "parse: %,d rows in %.2f s (%.0f rows/s), %d null scores, "
        + "mean score %.4f, %,d chars read%n", count, (t2 - t1) / 1e9, count / ((t2 - t1) / 1e9),
        nulls, sum / (count - nulls), chars);
    System.out.printf(Locale.ROOT, "max heap %d MB, peak heap used (sum of pools) %d MB%n",
        Runtime.getRuntime().maxMemory() >> 20, peak >> 20);
  }

  static void generate(Path file, int rows) throws Exception {
    String question = "次の文章を読んで、登場人物の気持ちを説明してください。物語の舞台は雪の降る小さな町で、"
        + "主人公は古い時計店を営む老人です。";
    String answer = "主人公の老人は、長年連れ添った妻を亡くした寂しさを抱えながらも、町の人々との"
        + "交流を通じて少しずつ心を開いていきます。特に、時計を修理しに来た少女との会話が転機になります。";
    String[] categories = {"writing", "roleplay", "reasoning", "math", "coding", "extraction",
        "stem", "humanities"};
    try (OutputStream out = Files.newOutputStream(file);
        JsonGenerator g = EvalTable.JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("columns");
      for (String c : new String[] {"question_id", "category", "inputs", "ground_truth",
          "outputs", "judge_score", "annotations"}) {
        g.writeString(c);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("data");
      for (int i = 0; i < rows; i++) {
        g.writeStartArray();
        g.writeString("q" + i);
        g.writeString(categories[i % categories.length]);
        g.writeString(question + i);
        g.writeString(answer);
        g.writeString(answer + "（" + i + "）");
        if (i % 10 == 0) {
          g.writeNull();
        } else {
          g.writeNumber((i % 10) + 0.5);
        }
        g.writeRawValue("[{\"text\":\"事実" + i + "\",\"is-supported\":true}]");
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }
}
