package io.llmtestbed.aits.robustness;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmClients;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import io.llmtestbed.ait.sdk.testing.AitHarness;
import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer;
import io.llmtestbed.aits.robustness.perturb.Outcome;
import io.llmtestbed.aits.robustness.perturb.Perturbation;
import io.llmtestbed.aits.robustness.perturb.PerturbationInput;
import io.llmtestbed.aits.robustness.perturb.Perturbations;
import io.llmtestbed.aits.robustness.perturb.Perturber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The benchmark bench/bench.sh runs (not a test): requests per second of active mode against
 * the scripted server at a fixed latency for several concurrencies, and perturbation throughput
 * on Japanese prompts. Arguments: repo root, prompts, latency ms, concurrencies (comma list).
 */
public final class RobustnessBench {
  private RobustnessBench() {}

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[0]);
    int prompts = Integer.parseInt(args[1]);
    int latency = Integer.parseInt(args[2]);
    List<OriginalRow> rows = japanese(repo, prompts);
    System.out.printf("%nActive mode against ScriptedLlmServer (scripted answers, not a model), "
        + "%d ms latency per request, perturbation width on MT-Bench prompts%n", latency);
    System.out.printf("%-12s %8s %10s %14s%n", "concurrency", "requests", "wall_s", "requests/s");
    for (String c : args[3].split(",")) {
      int concurrency = Integer.parseInt(c.strip());
      int n = Math.max(20, 20 * concurrency);
      try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
        server.otherwise().latency(Duration.ofMillis(latency)).reply("scripted answer");
        LlmSettings settings = LlmSettings.builder().baseUrl(server.baseUrl()).model("bench")
            .maxConcurrency(concurrency).maxRetries(0).build();
        Settings s = settings(concurrency, settings);
        try (LlmClient client = LlmClients.create(settings)) {
          ActiveRunner runner = new ActiveRunner(s, client, LoggerFactory.getLogger("bench"));
          List<OriginalRow> subset = rows.subList(0, n);
          long t0 = System.nanoTime();
          List<RowResult> out = runner.perturbed(subset, Perturbations.ruleBased("width"));
          double wall = (System.nanoTime() - t0) / 1e9;
          long asked = out.stream().filter(r -> r.outcome() == Outcome.APPLIED).count();
          System.out.printf("%-12d %8d %10.2f %14.1f%n", concurrency, asked, wall, asked / wall);
        }
      }
    }
    System.out.printf("%nPerturbation throughput: %,d Japanese prompts (MT-Bench turn 1 "
        + "questions repeated with ids), one thread, meaning guard included%n", rows.size());
    System.out.printf("%-20s %10s %12s %10s %10s%n", "perturbation", "wall_s", "prompts/s",
        "applied", "flagged");
    Perturber perturber = new Perturber(42);
    for (Perturbation p : Perturbations.ruleBased()) {
      long applied = 0;
      long flagged = 0;
      long t0 = System.nanoTime();
      for (OriginalRow r : rows) {
        Outcome o = perturber.perturb(p, new PerturbationInput(r.key(), r.input(), r.gold()),
            0.5).outcome();
        applied += o == Outcome.APPLIED ? 1 : 0;
        flagged += o == Outcome.FLAGGED ? 1 : 0;
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      System.out.printf("%-20s %10.2f %12.0f %10d %10d%n", p.name(), wall, rows.size() / wall,
          applied, flagged);
    }
  }

  private static Settings settings(int concurrency, LlmSettings llm) {
    return new Settings(Mode.ACTIVE, List.of("width"), 0.5, 42, "inputs", "outputs",
        "ground_truth", Equivalence.NORMALIZED, 0.9, concurrency, false, llm, 0.0, 64, 0.7,
        0.95, 1000, false);
  }

  /** {@code n} prompts: the 80 turn-1 questions repeated, ids q<k>-<i>. */
  static List<OriginalRow> japanese(Path repo, int n) throws Exception {
    List<String> questions = new ArrayList<>();
    for (String line : Files.readAllLines(repo.resolve(
        "demo/data/japanese-mt-bench/question.jsonl"))) {
      JsonNode q = AitHarness.JSON.readTree(line);
      questions.add(q.path("turns").get(0).asText());
    }
    List<OriginalRow> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(new OriginalRow(i, "q" + (i % questions.size()) + "-" + i, true, null,
          questions.get(i % questions.size()), null, null));
    }
    return rows;
  }

}
