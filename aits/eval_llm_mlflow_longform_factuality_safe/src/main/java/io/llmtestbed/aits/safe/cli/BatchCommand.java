package io.llmtestbed.aits.safe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmClients;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import io.llmtestbed.aits.safe.ResponseResult;
import io.llmtestbed.aits.safe.SafeEvaluator;
import io.llmtestbed.aits.safe.SafeSettings;
import io.llmtestbed.aits.safe.pipeline.FactResult;
import io.llmtestbed.aits.safe.pipeline.Rating;
import io.llmtestbed.aits.safe.pipeline.SearchStep;
import io.llmtestbed.aits.safe.search.SearchAccounting;
import io.llmtestbed.aits.safe.search.SearchBackends;
import io.llmtestbed.aits.safe.search.SearchClient;
import io.llmtestbed.aits.safe.search.SearchSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batch}: runs the SAFE engine over JSONL rows {@code {id, prompt, response}} and writes
 * one JSONL line per row, in input order: {@code id}, {@code precision} (null when the response
 * has no supported or not-supported fact), {@code recall_at_<K>} and {@code f1_at_<K>} per K,
 * the label counts {@code supported}, {@code not_supported}, {@code irrelevant},
 * {@code unrated}, {@code facts}, the cost {@code llm_requests}, {@code llm_cache_hits},
 * {@code search_requests}, the {@code unrated_reasons}, and {@code error} (null, or why the row
 * could not be evaluated; its scores are then null).
 */
@Command(name = "batch", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Score JSONL rows {id, prompt, response} with SAFE; write per-row precision, "
        + "recall@K, F1@K and counts as JSONL.")
final class BatchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "ROWS.jsonl",
      description = "Rows {\"id\", \"prompt\", \"response\"}.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "SCORES.jsonl",
      description = "Per-row scores, one JSON object per line, input order.")
  Path output;

  @Option(names = "--summary", paramLabel = "FILE.json",
      description = "Also write totals (rows, facts, labels, LLM and search calls, cache hits).")
  Path summary;

  @Option(names = "--trace", paramLabel = "FILE.jsonl",
      description = "Also write one line per atomic fact: revision, relevance, queries, rating.")
  Path trace;

  @Option(names = "--egress-audit", paramLabel = "FILE.jsonl",
      description = "Also write the audit of every outbound HTTP call of this run.")
  Path egressAudit;

  @Option(names = "--k", paramLabel = "K", split = ",", defaultValue = "64",
      description = "K of recall@K and F1@K; repeat or comma-separate for several "
          + "(default ${DEFAULT-VALUE}; the paper uses 64 and 178).")
  List<Integer> ks;

  @Option(names = "--row-concurrency", defaultValue = "2", paramLabel = "N",
      description = "Rows evaluated at once (default ${DEFAULT-VALUE}); the LLM client's "
          + "--llm-max-concurrency bounds requests on top.")
  int rowConcurrency;

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Cache of LLM answers (DIR/llm) and search results (DIR/search); a re-run "
          + "with the same inputs and settings makes no LLM or search call. Default: no cache.")
  Path cacheDir;

  // LLM
  @Option(names = "--llm-backend", defaultValue = "openai",
      description = "openai (vLLM, Ollama, OpenAI...), mlflow, bedrock, gguf "
          + "(default ${DEFAULT-VALUE}).")
  String llmBackend;

  @Option(names = "--llm-base-url", paramLabel = "URL",
      description = "e.g. http://127.0.0.1:8000/v1 for openai.")
  String llmBaseUrl;

  @Option(names = "--llm-model", paramLabel = "NAME", description = "Rater model name.")
  String llmModel;

  @Option(names = "--llm-api-key-env", paramLabel = "VAR",
      description = "Environment variable holding the LLM API key (default: none sent).")
  String llmApiKeyEnv;

  @Option(names = "--llm-timeout-seconds", defaultValue = "60")
  long llmTimeoutSeconds;

  @Option(names = "--llm-max-retries", defaultValue = "6")
  int llmMaxRetries;

  @Option(names = "--llm-max-concurrency", defaultValue = "4")
  int llmMaxConcurrency;

  @Option(names = "--llm-requests-per-second", defaultValue = "0",
      description = "0 = unlimited (default).")
  double llmRequestsPerSecond;

  @Option(names = "--llm-option", paramLabel = "KEY=VALUE",
      description = "Backend-specific LLM option, repeatable.")
  java.util.Map<String, String> llmOptions = new java.util.LinkedHashMap<>();

  // SAFE engine
  @Option(names = "--temperature", defaultValue = "0.0",
      description = "Sent as given (default ${DEFAULT-VALUE}); 'default' = the endpoint's.")
  String temperature;

  @Option(names = "--max-tokens", defaultValue = "512")
  int maxTokens;

  @Option(names = "--max-steps", defaultValue = "5", description = "Searches per fact at most.")
  int maxSteps;

  @Option(names = "--no-early-stop", negatable = false,
      description = "Always run all --max-steps searches (the original's loop).")
  boolean noEarlyStop;

  @Option(names = "--results-per-query", defaultValue = "3")
  int resultsPerQuery;

  @Option(names = "--concurrency", defaultValue = "4",
      description = "Threads working on the facts of the rows in flight.")
  int concurrency;

  // Search
  @Option(names = "--search-backend", defaultValue = "lucene",
      description = "lucene (default), serper or opensearch.")
  String searchBackend;

  @Option(names = "--index-dir", paramLabel = "DIR", description = "lucene: built by `index`.")
  Path indexDir;

  @Option(names = "--collection", paramLabel = "DOCS.jsonl",
      description = "lucene: a raw collection, indexed on the fly (kept under --cache-dir).")
  Path collection;

  @Option(names = "--language", defaultValue = "auto",
      description = "lucene on-the-fly index: en, ja or auto (default).")
  String language;

  @Option(names = "--serper-url", defaultValue = "https://google.serper.dev/search")
  URI serperUrl;

  @Option(names = "--serper-api-key-env", defaultValue = "SERPER_API_KEY")
  String serperApiKeyEnv;

  @Option(names = "--gl", defaultValue = "us")
  String gl;

  @Option(names = "--hl", defaultValue = "en")
  String hl;

  @Option(names = "--opensearch-url", paramLabel = "URL")
  URI openSearchUrl;

  @Option(names = "--opensearch-index", paramLabel = "NAME")
  String openSearchIndex;

  @Option(names = "--opensearch-user-env", defaultValue = "OPENSEARCH_USER")
  String openSearchUserEnv;

  @Option(names = "--opensearch-password-env", defaultValue = "OPENSEARCH_PASSWORD")
  String openSearchPasswordEnv;

  @Option(names = "--search-timeout-seconds", defaultValue = "30")
  long searchTimeoutSeconds;

  @Option(names = "--search-max-retries", defaultValue = "4")
  int searchMaxRetries;

  @Override
  public Integer call() throws IOException, InterruptedException {
    checkOptions();
    List<BatchRow> rows = BatchRow.read(input);
    long start = System.nanoTime();
    List<Outcome> outcomes;
    SearchAccounting.Snapshot searchCounts;
    try (LlmClient llm = LlmClients.create(llmSettings());
        SearchClient search = SearchBackends.create(searchSettings());
        SafeEvaluator evaluator = new SafeEvaluator(safeSettings(), llm, search)) {
      outcomes = evaluate(evaluator, rows);
      searchCounts = search.accounting().snapshot();
      writeScores(rows, outcomes);
      if (trace != null) {
        writeTrace(rows, outcomes);
      }
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      ObjectNode totals = totals(outcomes, llm, search, searchCounts, wall);
      if (summary != null) {
        writeFile(summary, JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(totals) + "\n");
      }
      printSummary(totals);
    } finally {
      if (egressAudit != null) {
        EgressAudit.global().writeJsonl(egressAudit);
      }
    }
    long failed = outcomes.stream().filter(o -> o.error != null).count();
    return failed == 0 ? 0 : SafeCli.EXIT_ROWS_FAILED;
  }

  private void checkOptions() {
    if (ks == null || ks.isEmpty() || ks.stream().anyMatch(k -> k == null || k < 1)) {
      throw new SafeCli.InputException("--k must be integers >= 1 (the paper uses 64 and 178), "
          + "got " + ks);
    }
    if (rowConcurrency < 1) {
      throw new SafeCli.InputException("--row-concurrency must be >= 1, got " + rowConcurrency);
    }
    if (llmBaseUrl == null && (llmBackend.equals("openai") || llmBackend.equals("mlflow"))) {
      throw new SafeCli.InputException("--llm-base-url is required for the " + llmBackend
          + " backend, e.g. --llm-base-url http://127.0.0.1:8000/v1 (vLLM) or "
          + "http://127.0.0.1:11434/v1 (Ollama)");
    }
  }

  LlmSettings llmSettings() {
    return LlmSettings.builder().backend(llmBackend).baseUrl(llmBaseUrl).model(llmModel)
        .apiKeyEnv(llmApiKeyEnv).timeout(Duration.ofSeconds(llmTimeoutSeconds))
        .maxRetries(llmMaxRetries).maxConcurrency(llmMaxConcurrency)
        .requestsPerSecond(llmRequestsPerSecond)
        .cacheDir(cacheDir == null ? null : cacheDir.resolve("llm")).options(llmOptions)
        .build();
  }

  SearchSettings searchSettings() {
    return SearchSettings.builder().backend(searchBackend).indexDir(indexDir)
        .collection(collection).language(language).serperUrl(serperUrl)
        .serperApiKeyEnv(serperApiKeyEnv).gl(gl).hl(hl).openSearchUrl(openSearchUrl)
        .openSearchIndex(openSearchIndex).openSearchUserEnv(openSearchUserEnv)
        .openSearchPasswordEnv(openSearchPasswordEnv)
        .timeout(Duration.ofSeconds(searchTimeoutSeconds)).maxRetries(searchMaxRetries)
        .cacheDir(cacheDir).build();
  }

  SafeSettings safeSettings() {
    Double t;
    if (temperature.equalsIgnoreCase("default")) {
      t = null;
    } else {
      try {
        t = Double.valueOf(temperature);
      } catch (NumberFormatException e) {
        throw new SafeCli.InputException("--temperature must be a number >= 0 or 'default', "
            + "got '" + temperature + "'");
      }
    }
    return SafeSettings.builder().temperature(t).maxTokens(maxTokens).maxSteps(maxSteps)
        .earlyStop(!noEarlyStop).resultsPerQuery(resultsPerQuery).concurrency(concurrency)
        .build();
  }

  /** A row's result or the reason it has none. */
  private record Outcome(ResponseResult result, String error) {}

  private List<Outcome> evaluate(SafeEvaluator evaluator, List<BatchRow> rows)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(rowConcurrency,
        Math.max(1, rows.size())));
    try {
      List<Future<ResponseResult>> futures = new ArrayList<>();
      for (BatchRow row : rows) {
        futures.add(pool.submit(() -> evaluator.evaluate(row.prompt(), row.response())));
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        outcomes.add(outcome(rows.get(i), futures.get(i)));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  private Outcome outcome(BatchRow row, Future<ResponseResult> future)
      throws InterruptedException {
    try {
      return new Outcome(future.get(), null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof EgressDeniedException denied) {
        throw denied;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      // The engine turns fact-level failures into UNRATED facts; what reaches here failed the
      // whole row. It is reported in the row's error and in the exit code, never dropped.
      String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
      spec.commandLine().getErr().println("row " + row.id() + " failed: " + message);
      return new Outcome(null, message);
    }
  }

  private void writeScores(List<BatchRow> rows, List<Outcome> outcomes) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows.size(); i++) {
      sb.append(JSON.writeValueAsString(scoreRow(rows.get(i), outcomes.get(i)))).append('\n');
    }
    writeFile(output, sb.toString());
  }

  private ObjectNode scoreRow(BatchRow row, Outcome o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", row.id());
    ResponseResult r = o.result;
    if (r == null) {
      n.putNull("precision");
      for (int k : ks) {
        n.putNull("recall_at_" + k);
        n.putNull("f1_at_" + k);
      }
      for (String f : List.of("supported", "not_supported", "irrelevant", "unrated", "facts",
          "llm_requests", "llm_cache_hits", "search_requests")) {
        n.putNull(f);
      }
      n.putArray("unrated_reasons");
      n.put("error", o.error);
      return n;
    }
    putNumber(n, "precision", r.precision());
    for (int k : ks) {
      putNumber(n, "recall_at_" + k, r.recallAtK(k));
      putNumber(n, "f1_at_" + k, r.f1AtK(k));
    }
    n.put("supported", r.supported());
    n.put("not_supported", r.notSupported());
    n.put("irrelevant", r.irrelevant());
    n.put("unrated", r.unrated());
    n.put("facts", r.facts().size());
    n.put("language", r.language().code());
    n.put("llm_requests", r.llmRequests());
    n.put("llm_cache_hits", r.llmCacheHits());
    n.put("search_requests", r.searchRequests());
    ArrayNode reasons = n.putArray("unrated_reasons");
    r.facts().stream().filter(f -> f.rating() == Rating.UNRATED)
        .forEach(f -> reasons.add(f.reason()));
    n.putNull("error");
    return n;
  }

  private void writeTrace(List<BatchRow> rows, List<Outcome> outcomes) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows.size(); i++) {
      ResponseResult r = outcomes.get(i).result;
      if (r == null) {
        continue;
      }
      for (FactResult f : r.facts()) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", rows.get(i).id());
        n.put("sentence", f.fact().sentence());
        n.put("fact", f.fact().text());
        n.put("revised", f.revised());
        if (f.relevant() == null) {
          n.putNull("relevant");
        } else {
          n.put("relevant", f.relevant());
        }
        n.put("rating", f.rating().label());
        n.put("reason", f.reason());
        ArrayNode steps = n.putArray("searches");
        for (SearchStep s : f.steps()) {
          ObjectNode step = steps.addObject().put("query", s.query()).put("origin", s.origin())
              .put("error", s.error());
          ArrayNode results = step.putArray("results");
          s.results().forEach(res -> results.addObject().put("title", res.title())
              .put("source", res.source()).put("score", res.score()).put("text", res.text()));
        }
        sb.append(JSON.writeValueAsString(n)).append('\n');
      }
    }
    writeFile(trace, sb.toString());
  }

  private ObjectNode totals(List<Outcome> outcomes, LlmClient llm, SearchClient search,
      SearchAccounting.Snapshot searchCounts, Duration wall) {
    ObjectNode t = JSON.createObjectNode();
    List<ResponseResult> done = outcomes.stream().filter(o -> o.result != null)
        .map(Outcome::result).toList();
    t.put("rows", outcomes.size());
    t.put("rows_failed", outcomes.size() - done.size());
    t.put("facts", done.stream().mapToLong(r -> r.facts().size()).sum());
    t.put("supported", done.stream().mapToLong(ResponseResult::supported).sum());
    t.put("not_supported", done.stream().mapToLong(ResponseResult::notSupported).sum());
    t.put("irrelevant", done.stream().mapToLong(ResponseResult::irrelevant).sum());
    t.put("unrated", done.stream().mapToLong(ResponseResult::unrated).sum());
    t.put("llm", llm.describe());
    t.put("llm_calls", llm.accounting().calls());
    t.put("llm_cache_hits", llm.accounting().cacheHits());
    t.put("search", search.describe());
    t.put("search_index_digest", search.indexDigest());
    t.put("search_calls", searchCounts.calls());
    t.put("search_cache_hits", searchCounts.cacheHits());
    t.put("search_retries", searchCounts.retries());
    t.put("search_failures", searchCounts.failures());
    t.put("wall_seconds", wall.toMillis() / 1000.0);
    return t;
  }

  private void printSummary(ObjectNode t) {
    PrintWriter w = spec.commandLine().getOut();
    w.println(String.format(Locale.ROOT, "rows: %d (%d failed)", t.get("rows").asLong(),
        t.get("rows_failed").asLong()));
    w.println(String.format(Locale.ROOT, "facts: %d (supported %d, not supported %d, "
        + "irrelevant %d, unrated %d)", t.get("facts").asLong(), t.get("supported").asLong(),
        t.get("not_supported").asLong(), t.get("irrelevant").asLong(),
        t.get("unrated").asLong()));
    w.println(String.format(Locale.ROOT, "llm calls: %d (cache hits %d)",
        t.get("llm_calls").asLong(), t.get("llm_cache_hits").asLong()));
    w.println(String.format(Locale.ROOT, "search calls: %d (cache hits %d) on %s",
        t.get("search_calls").asLong(), t.get("search_cache_hits").asLong(),
        t.get("search").asText()));
    w.println(String.format(Locale.ROOT, "wall time: %.1f s", t.get("wall_seconds").asDouble()));
    w.println("scores: " + output.toAbsolutePath());
    w.flush();
  }

  private static void putNumber(ObjectNode n, String field, double value) {
    if (Double.isNaN(value)) {
      n.putNull(field);
    } else {
      n.put(field, value);
    }
  }

  private static void writeFile(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        w.write(text);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
