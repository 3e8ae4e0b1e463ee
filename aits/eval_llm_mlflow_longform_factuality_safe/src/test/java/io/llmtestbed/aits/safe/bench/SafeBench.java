package io.llmtestbed.aits.safe.bench;

import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmClients;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import io.llmtestbed.aits.safe.ResponseResult;
import io.llmtestbed.aits.safe.SafeEvaluator;
import io.llmtestbed.aits.safe.SafeSettings;
import io.llmtestbed.aits.safe.SafeWorld;
import io.llmtestbed.aits.safe.pipeline.Rating;
import io.llmtestbed.aits.safe.search.SearchResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark of the SAFE engine against a configuration that mimics the original
 * (google-deepmind/long-form-factuality): the scripted LLM answers every request after a fixed
 * latency (default 300 ms), the search backend is in memory. Prints one table row per
 * configuration. Run through {@code bench/bench.sh}.
 *
 * <p>Data: {@code RESPONSES} synthetic biographies (default 100), each 4 sentences of 3 facts;
 * per response 11 relevant facts (70% settled by the first search, 10% needing a second search,
 * 20% not supported) and 1 irrelevant one. Both configurations get the same scripted answers.
 */
public final class SafeBench {
  private SafeBench() {}

  record Row(String name, double wallSeconds, long llmRequests, long relevantFacts, long facts,
      long searches, long unrated) {}

  public static void main(String[] args) throws Exception {
    int responses = Integer.parseInt(System.getenv().getOrDefault("RESPONSES", "100"));
    int latencyMs = Integer.parseInt(System.getenv().getOrDefault("LATENCY_MS", "300"));
    int cap = Integer.parseInt(System.getenv().getOrDefault("CONCURRENCY", "25"));
    List<String[]> data = new ArrayList<>();
    try (SafeWorld world = new SafeWorld()) {
      world.latency = Duration.ofMillis(latencyMs);
      for (int r = 0; r < responses; r++) {
        StringBuilder response = new StringBuilder();
        for (int s = 0; s < 4; s++) {
          String sentence = "Person " + r + " did thing " + s + " in city " + s + " in year "
              + (1900 + s) + ".";
          List<String> facts = new ArrayList<>();
          for (int f = 0; f < 3; f++) {
            String fact = "Person " + r + " fact " + s + "." + f + ".";
            facts.add(fact);
            int n = s * 3 + f;
            if (n == 11) {
              world.irrelevant.add(fact);
            } else if (n < 8) {
              world.verdicts.put(fact, "S");
              world.documents.put(fact, List.of(new SearchResult("Person " + r,
                  fact + " is recorded.", "doc-" + r, 1.0)));
            } else if (n == 8) {
              world.verdicts.put(fact, "MORE " + fact + " archive");
            }
          }
          world.splits.put(sentence, facts);
          response.append(sentence).append(' ');
        }
        data.add(new String[] {"Tell me a bio of Person " + r + ".", response.toString()});
      }
      Path cache = Files.createTempDirectory("safe-bench-cache");
      List<Row> rows = new ArrayList<>();
      rows.add(run("original-like: 5 searches, no early stop, per-fact calls, no cache",
          world, SafeSettings.builder().likeOriginal().concurrency(cap).build(), cap, cap, null,
          data));
      world.server.resetRecording();
      rows.add(run("this AIT (defaults: early stop, batched revision, cache)", world,
          SafeSettings.builder().concurrency(cap).build(), cap, 2 * cap, cache, data));
      rows.add(run("this AIT, second run (cache filled)", world,
          SafeSettings.builder().concurrency(cap).build(), cap, 2 * cap, cache, data));
      print(rows, responses, latencyMs, cap);
    }
  }

  private static Row run(String name, SafeWorld world, SafeSettings settings, int cap,
      int responseWorkers, Path cache, List<String[]> data) throws Exception {
    int searchesBefore = world.searches.get();
    LlmSettings llmSettings = LlmSettings.builder().backend("openai")
        .baseUrl(world.server.baseUrl()).model("scripted-model").maxConcurrency(cap)
        .timeout(Duration.ofSeconds(30)).cacheDir(cache).build();
    world.install();
    try (LlmClient llm = LlmClients.create(llmSettings);
        SafeEvaluator safe = new SafeEvaluator(settings, llm, world.search())) {
      ExecutorService pool = Executors.newFixedThreadPool(responseWorkers);
      long start = System.nanoTime();
      List<Future<ResponseResult>> futures = new ArrayList<>();
      for (String[] d : data) {
        futures.add(pool.submit(() -> safe.evaluate(d[0], d[1])));
      }
      long requests = 0;
      long relevant = 0;
      long facts = 0;
      long unrated = 0;
      for (Future<ResponseResult> f : futures) {
        ResponseResult r = f.get();
        requests += r.llmRequests();
        facts += r.facts().size();
        relevant += r.facts().size() - r.irrelevant();
        unrated += r.unrated();
      }
      double wall = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      long llmCalls = llm.accounting().calls();
      return new Row(name + " [" + llmCalls + " LLM calls sent]", wall, requests, relevant,
          facts, world.searches.get() - searchesBefore, unrated);
    }
  }

  private static void print(List<Row> rows, int responses, int latencyMs, int cap) {
    System.out.printf(Locale.ROOT, "SAFE benchmark: %d responses, scripted LLM at %d ms per "
        + "request, concurrency cap %d (LLM client and workers), in-memory search%n%n",
        responses, latencyMs, cap);
    System.out.println("| configuration | LLM requests / relevant fact | search calls / fact "
        + "| wall s (" + responses + " responses) | responses / s | unrated |");
    System.out.println("|---|---|---|---|---|---|");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.2f | %d |%n", r.name(),
          (double) r.llmRequests() / r.relevantFacts(), (double) r.searches() / r.facts(),
          r.wallSeconds(), responses / r.wallSeconds(), r.unrated());
    }
    Row base = rows.get(0);
    Row ours = rows.get(1);
    System.out.printf(Locale.ROOT, "%nLLM requests per relevant fact: %.2fx fewer (goal >= 2x); "
        + "throughput: %.1fx (goal >= 4x)%n",
        ((double) base.llmRequests() / base.relevantFacts())
            / ((double) ours.llmRequests() / ours.relevantFacts()),
        base.wallSeconds() / ours.wallSeconds());
  }
}
