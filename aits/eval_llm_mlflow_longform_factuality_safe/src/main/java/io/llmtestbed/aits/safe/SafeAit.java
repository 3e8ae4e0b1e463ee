package io.llmtestbed.aits.safe;

import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmClients;
import io.llmtestbed.ait.sdk.llm.LlmException;
import io.llmtestbed.ait.sdk.manifest.InventoryType;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.manifest.ResourceType;
import io.llmtestbed.ait.sdk.manifest.Structure;
import io.llmtestbed.ait.sdk.manifest.ValueType;
import io.llmtestbed.ait.sdk.mlflow.EvalRow;
import io.llmtestbed.ait.sdk.mlflow.EvalTable;
import io.llmtestbed.ait.sdk.mlflow.EvalTableException;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunException;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunSource;
import io.llmtestbed.ait.sdk.mlflow.RunInventory;
import io.llmtestbed.ait.sdk.mlflow.RunLabels;
import io.llmtestbed.ait.sdk.provenance.Provenance;
import io.llmtestbed.ait.sdk.provenance.RunSources;
import io.llmtestbed.ait.sdk.runtime.Ait;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import io.llmtestbed.ait.sdk.stats.ConfidenceIntervals;
import io.llmtestbed.ait.sdk.stats.Estimate;
import io.llmtestbed.aits.safe.search.SearchBackends;
import io.llmtestbed.aits.safe.search.SearchClient;
import io.llmtestbed.aits.safe.search.SearchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;

/**
 * The AIT {@code eval_llm_mlflow_longform_factuality_safe}: SAFE long-form factuality of the
 * responses in MLflow evaluation runs (guideline C-1, correctness of the trained model, under
 * the external characteristic risk avoidance): precision, recall@K and F1@K over atomic facts
 * checked by multi-step search, and, on FActScore-annotated rows, human precision and SAFE's
 * agreement with the human labels. See the module README for the method and its call counts.
 */
public final class SafeAit implements Ait {
  /** AITHub name. */
  public static final String NAME = "eval_llm_mlflow_longform_factuality_safe";
  /** Version in the manifest, the output and the write-back tag. */
  public static final String VERSION = "0.1";
  static final String RUNS = "evaluation_runs";
  static final String COLLECTION = "document_collection";
  static final String RESPONSE_TABLE = "response_table";
  static final String SCORE_CHART = "score_chart";
  static final String FACT_TRACE = "fact_trace";

  @Override
  public Manifest manifest() {
    Manifest.Builder b = Manifest.builder()
        .name(NAME)
        .description("Long-form factuality of LLM responses in MLflow evaluation runs by SAFE "
            + "(Search-Augmented Factuality Evaluator): each response is split into sentences "
            + "and atomic facts (LLM, few-shot), each fact is made self-contained and checked "
            + "for relevance to the prompt, and each relevant fact is rated Supported or Not "
            + "Supported by multi-step search (the LLM reads the results of a local Lucene "
            + "index, Serper or OpenSearch, and stops early once they settle it). Per response: "
            + "precision = S/(S+NS), recall@K = min(S/K,1), F1@K = 2PR/(P+R) (0 when S=0); "
            + "means over responses with 95% bootstrap intervals. Facts that cannot be rated "
            + "are counted as unrated, never dropped. On rows with FActScore human labels: "
            + "human precision (IR facts excluded) and SAFE's fact-level agreement with the "
            + "labels. Guideline: C-1 (risk avoidance). Results are written back into the "
            + "MLflow runs.")
        .version(VERSION)
        .quality("C-1")
        .keyword("LLM").keyword("MLflow").keyword("SAFE").keyword("factuality")
        .keyword("F1@K").keyword("FActScore").keyword("risk avoidance").keyword("Japanese")
        .reference("Wei, J. et al. (2024). Long-form factuality in large language models. "
            + "NeurIPS 2024. arXiv:2403.18802.", "https://arxiv.org/abs/2403.18802")
        .reference("Min, S. et al. (2023). FActScore: Fine-grained Atomic Evaluation of Factual "
            + "Precision in Long Form Text Generation. EMNLP 2023. arXiv:2305.14251.",
            "https://arxiv.org/abs/2305.14251")
        .reference("Robertson, S. and Zaragoza, H. (2009). The Probabilistic Relevance "
            + "Framework: BM25 and Beyond. Foundations and Trends in IR 3(4).", null)
        .license("Apache License Version 2.0")
        .inventory(RUNS, InventoryType.DATASET, "The evaluation runs: a run-reference JSON "
            + "{\"tracking_uri\": ..., \"run_ids\": [...]} (or \"experiment_name\" + optional "
            + "\"run_names\"), a run directory exported by the SDK (run.json + artifacts/), or a "
            + "bare eval_results_table.json (pandas split layout) with the prompt, response and "
            + "optional annotations columns.", "json", "ALL")
        .inventory(COLLECTION, InventoryType.DATASET, "The documents SAFE searches with "
            + "search_backend=lucene: a JSONL file of {\"title\", \"text\"} lines (indexed on the "
            + "fly, kept under cache_dir) or a directory built by the index command. An empty "
            + "file means no collection (human-label mode without an LLM, or serper/opensearch).",
            "jsonl", "ALL")
        .parameter("mode", ValueType.STR, "auto: human-label mode on runs whose table has the "
            + "annotations column, SAFE on the responses otherwise; safe: SAFE on the responses "
            + "always; human: human labels only, plus SAFE on the human atomic facts when an LLM "
            + "is configured.", "auto")
        .parameter("prompt_column", ValueType.STR, "Column holding the prompt.", "inputs")
        .parameter("response_column", ValueType.STR, "Column holding the response.", "outputs")
        .parameter("annotations_column", ValueType.STR, "Column holding FActScore annotations "
            + "(JSON string of the sentence list; null = the model abstained).", "annotations")
        .parameter("llm_backend", ValueType.STR, "LLM client backend: openai (vLLM, Ollama, "
            + "llama.cpp, LiteLLM, OpenAI), mlflow, bedrock or gguf.", "openai")
        .parameter("llm_base_url", ValueType.STR, "Endpoint, e.g. http://10.0.0.5:8000/v1 "
            + "(openai); empty for backends that need none.", "")
        .parameter("llm_model", ValueType.STR, "The rater model. Empty = no LLM: only human "
            + "labels can be scored.", "")
        .parameter("llm_api_key_env", ValueType.STR, "Name of the environment variable holding "
            + "the API key (never the key itself); empty = no key.", "")
        .parameter("temperature", ValueType.FLOAT, "Sampling temperature of every rater call, "
            + "sent as given (0.0 stays 0.0).", "0.0", "0", "2")
        .parameter("max_tokens", ValueType.INT, "Answer-token bound per call.", "512", "16",
            "8192")
        .parameter("llm_timeout_seconds", ValueType.INT, "Timeout of one LLM attempt.", "60", "1",
            "3600")
        .parameter("llm_max_retries", ValueType.INT, "Retries of one LLM call on 429, 5xx, "
            + "timeouts and connection errors (backoff, Retry-After honoured).", "6", "0", "20")
        .parameter("max_steps", ValueType.INT, "Searches per fact at most.", "5", "1", "20")
        .parameter("early_stop", ValueType.BOOL, "Decide after each search and stop once the "
            + "evidence settles the fact; false = always max_steps searches, then decide.",
            "true")
        .parameter("first_query", ValueType.STR, "fact: the revised fact itself is the first "
            + "query (no call); llm: the model writes every query.", "fact")
        .parameter("batch_revision", ValueType.BOOL, "Revise a sentence's facts and check their "
            + "relevance in one call; false = two calls per fact, as the original.", "true")
        .parameter("results_per_query", ValueType.INT, "Search results read per query.", "3",
            "1", "20")
        .parameter("max_parse_retries", ValueType.INT, "Repair requests after an unreadable "
            + "answer before the fact is unrated.", "2", "0", "10")
        .parameter("demonstrations", ValueType.INT, "Few-shot demonstrations per atomic-fact "
            + "prompt, picked by BM25 similarity.", "3", "0", "10")
        .parameter("k", ValueType.INT, "K of recall@K and F1@K (the paper's median: 64).", "64",
            "1", "100000")
        .parameter("k2", ValueType.INT, "Second K (the paper's maximum: 178).", "178", "1",
            "100000")
        .parameter("concurrency", ValueType.INT, "LLM requests in flight at most (and threads "
            + "working on facts).", "4", "1", "256")
        .parameter("requests_per_second", ValueType.FLOAT, "LLM requests started per second at "
            + "most; 0 = unlimited.", "0", "0", null)
        .parameter("search_backend", ValueType.STR, "lucene (document_collection, nothing "
            + "leaves the machine), serper (Google via serper.dev) or opensearch.", "lucene")
        .parameter("search_language", ValueType.STR, "Analyzer of an on-the-fly Lucene index: "
            + "en, ja (kuromoji) or auto.", "auto")
        .parameter("serper_url", ValueType.STR, "Serper endpoint; empty = "
            + "https://google.serper.dev/search.", "")
        .parameter("serper_api_key_env", ValueType.STR, "Environment variable with the Serper "
            + "key.", "SERPER_API_KEY")
        .parameter("serper_gl", ValueType.STR, "Serper country code.", "us")
        .parameter("serper_hl", ValueType.STR, "Serper language.", "en")
        .parameter("opensearch_url", ValueType.STR, "OpenSearch base URL.", "")
        .parameter("opensearch_index", ValueType.STR, "OpenSearch index with title/text "
            + "fields.", "")
        .parameter("max_unrated_share", ValueType.FLOAT, "The run fails (E901, after writing "
            + "every output file and without write-back) when the share of unrated facts "
            + "exceeds this.", "0.1", "0", "1")
        .parameter("cache_dir", ValueType.STR, "Directory of the LLM cache (llm/) and the "
            + "search cache (search/); a re-run with the same inputs costs no call. Empty = no "
            + "cache.", "")
        .parameter("max_responses", ValueType.INT, "Evaluate at most this many rows per run "
            + "(0 = all).", "0", "0", null)
        .parameter("confidence_level", ValueType.FLOAT, "Coverage of every interval.", "0.95",
            "0.5", "0.999")
        .parameter("bootstrap_samples", ValueType.INT, "Bootstrap resamples of the intervals.",
            "1000", "100", "100000")
        .parameter("seed", ValueType.INT, "Seed of the resampling.", "42")
        .parameter("write_back", ValueType.BOOL, "Write safe_factuality/<measure>/mean|ci_lower|"
            + "ci_upper metrics, tags and the table artifact safe_factuality_eval_table.json "
            + "into each run read from a tracking server.", "true");
    seq(b, Measures.PRECISION, "SAFE precision S/(S+NS), mean over responses with S+NS > 0.",
        "0", "1");
    seq(b, Measures.RECALL_K, "SAFE recall@K = min(S/K, 1), mean over responses (K = k).",
        "0", "1");
    seq(b, Measures.F1_K, "SAFE F1@K, mean over responses (K = k; 0 when S = 0).", "0", "1");
    seq(b, Measures.RECALL_K2, "SAFE recall@K with K = k2, mean over responses.", "0", "1");
    seq(b, Measures.F1_K2, "SAFE F1@K with K = k2, mean over responses.", "0", "1");
    seq(b, Measures.HUMAN_PRECISION, "Human FActScore precision S/(S+NS) (IR excluded), mean "
        + "over annotated responses with S+NS > 0.", "0", "1");
    b.measure(Measures.AGREEMENT, ValueType.FLOAT, Structure.SEQUENCE, "Per run: share of facts "
        + "humans labelled S or NS on which SAFE (run on the human facts) gives the same label; "
        + "human IR facts and unrated facts left out.", "0", "1");
    b.measure(Measures.FACTS_PER_RESPONSE, ValueType.FLOAT, Structure.SEQUENCE, "Per run: "
        + "atomic facts per response SAFE rated (all labels).", "0", null);
    b.measure(Measures.UNRATED_SHARE, ValueType.FLOAT, Structure.SEQUENCE, "Per run: unrated "
        + "facts / all facts.", "0", "1");
    b.measure(Measures.LLM_CALLS, ValueType.FLOAT, Structure.SEQUENCE, "Per run: LLM requests "
        + "(cache hits included) per fact, splitting included.", "0", null);
    b.measure(Measures.SEARCH_CALLS, ValueType.FLOAT, Structure.SEQUENCE, "Per run: search "
        + "requests per fact.", "0", null);
    b.measure(Measures.RESPONSES, ValueType.INT, Structure.SEQUENCE, "Per run: responses SAFE "
        + "or the human labels scored.", "0", null);
    b.measure(Measures.ABSTAINED, ValueType.INT, Structure.SEQUENCE, "Per run, human-label "
        + "mode: rows whose annotations are null (the model abstained).", "0", null);
    return b
        .resource(RESPONSE_TABLE, ResourceType.TABLE, "Per response: S, NS, IR, unrated, "
            + "precision, recall@K, F1@K (both K), human counts and precision, calls (CSV).")
        .resource(SCORE_CHART, ResourceType.PICTURE, "Per run: mean precision, F1@K and human "
            + "precision with interval error bars (PNG).")
        .download(FACT_TRACE, "Every atomic fact (JSONL): sentence, fact, revision, relevance, "
            + "queries and evidence, rating, reason, calls, human label.")
        .build();
  }

  private static void seq(Manifest.Builder b, String name, String text, String min,
      String max) {
    b.measure(name, ValueType.FLOAT, Structure.SEQUENCE, "Per run (inventory order): " + text,
        min, max);
    b.measure(name + "_ci_lower", ValueType.FLOAT, Structure.SEQUENCE, "Per run: lower bound of "
        + "the bootstrap interval of " + name + ".", min, max);
    b.measure(name + "_ci_upper", ValueType.FLOAT, Structure.SEQUENCE, "Per run: upper bound of "
        + "the bootstrap interval of " + name + ".", min, max);
  }

  @Override
  public void run(AitContext ctx) throws Exception {
    Logger log = ctx.logger();
    AitSettings settings = AitSettings.from(ctx);
    List<MlflowRunSource> sources = RunInventory.resolve(RUNS, ctx.inventoryFile(RUNS));
    log.info("Measuring {} run(s): {}", sources.size(),
        sources.stream().map(MlflowRunSource::describe).toList());
    Path collection = collection(ctx.inventoryFile(COLLECTION));
    List<String> modes = new ArrayList<>();
    for (MlflowRunSource s : sources) {
      modes.add(modeOf(settings, s, ctx.provenance()));
    }
    boolean needsSafe = settings.llmConfigured()
        || modes.stream().anyMatch(m -> m.equals("safe"));
    if (needsSafe && !settings.llmConfigured()) {
      throw AitException.invalidInput("mode " + settings.mode() + " needs SAFE on run(s) without "
          + "the annotations column '" + settings.annotationsColumn() + "', but no LLM is "
          + "configured (parameter llm_model is empty). Fix: set llm_backend, llm_base_url and "
          + "llm_model, or use mode=human on annotated runs");
    }
    List<RunResult> runs = new ArrayList<>();
    if (needsSafe) {
      try (LlmClient llm = LlmClients.create(settings.llm());
          SearchClient search = searchClient(settings, collection);
          SafeEvaluator evaluator = new SafeEvaluator(settings.safe(), llm, search)) {
        provenance(ctx, settings, llm, search);
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < sources.size(); i++) {
          runs.add(evaluateRun(settings, sources.get(i), RunLabels.unique(sources.get(i), labels),
              modes.get(i), evaluator, log, ctx.provenance()));
        }
        log.info("LLM: {} calls, {} cache hits, {} retries, {} failures; search: {}",
            llm.accounting().calls(), llm.accounting().cacheHits(), llm.accounting().retries(),
            llm.accounting().failures(), search.accounting().snapshot());
        if (settings.cacheDir() != null) {
          Path llmCache = settings.cacheDir().resolve("llm");
          if (Files.isDirectory(llmCache)) {
            ctx.provenance().cache(llmCache, LlmClients.cacheDigest(llmCache));
          }
          search.cache().ifPresent(c -> ctx.provenance().cache(c.dir(), c.digest()));
        }
      } catch (LlmException e) {
        throw new AitException(e.kind() == LlmException.Kind.CONFIGURATION ? ErrorCode.E102
            : ErrorCode.E901, "LLM client (" + settings.llm().backend() + "): " + e.getMessage(),
            e);
      } catch (SearchException e) {
        throw new AitException(ErrorCode.E102, "search backend '" + settings.searchBackend()
            + "': " + e.getMessage(), e);
      }
    } else {
      Set<String> labels = new HashSet<>();
      for (int i = 0; i < sources.size(); i++) {
        runs.add(evaluateRun(settings, sources.get(i), RunLabels.unique(sources.get(i), labels),
            modes.get(i), null, log, ctx.provenance()));
      }
    }
    Outputs outputs = new Outputs(settings, runs);
    outputs.record(ctx);
    if (runs.stream().anyMatch(r -> !r.safeResults().isEmpty())) {
      outputs.writeTrace(ctx.downloadFile(FACT_TRACE, "safe_fact_trace.jsonl"));
    } else {
      log.info("No per-fact trace (download {}): SAFE rated no fact in this job", FACT_TRACE);
    }
    outputs.writeResponseTable(ctx.resourceFile(RESPONSE_TABLE, "safe_responses.csv"));
    outputs.writeChart(ctx.resourceFile(SCORE_CHART, "safe_scores.png"));
    AitException unrated = checkUnrated(settings, runs);
    if (unrated != null) {
      // a failed job must not leave its scores (F1@K = 0 when nothing could be rated) as the
      // runs' latest safe_factuality metrics
      log.warn("Write-back skipped: too many facts are unrated, the job fails");
    } else if (settings.writeBack()) {
      new WriteBack(settings, outputs, log).write(sources, runs);
    } else {
      log.info("Write-back off (parameter write_back=false): the MLflow runs are left as they "
          + "are");
    }
    if (unrated != null) {
      throw unrated;
    }
  }

  /** The failure when the unrated share exceeds max_unrated_share, else null. */
  static AitException checkUnrated(AitSettings settings, List<RunResult> runs) {
    long facts = runs.stream().mapToLong(RunResult::facts).sum();
    long unrated = runs.stream()
        .mapToLong(r -> r.count(io.llmtestbed.aits.safe.pipeline.Rating.UNRATED)).sum();
    double share = facts == 0 ? 0 : (double) unrated / facts;
    if (share <= settings.maxUnratedShare()) {
      return null;
    }
    // the most frequent reason, so that the Detail names the problem (e.g. the LLM endpoint
    // that refused connections) without opening the trace
    Map<String, Long> reasons = new LinkedHashMap<>();
    for (RunResult run : runs) {
      for (ResponseResult r : run.safeResults()) {
        for (io.llmtestbed.aits.safe.pipeline.FactResult f : r.facts()) {
          if (f.rating() == io.llmtestbed.aits.safe.pipeline.Rating.UNRATED) {
            reasons.merge(f.reason() == null ? "no reason recorded" : f.reason(), 1L, Long::sum);
          }
        }
      }
    }
    Map.Entry<String, Long> top = reasons.entrySet().stream()
        .max(Map.Entry.comparingByValue()).orElse(null);
    String common = top == null ? "" : " Most common reason (" + top.getValue() + " of "
        + unrated + "): " + cut(top.getKey(), 600) + ".";
    // E901 (execution error), not E999: the SDK keeps E999 for the JVM and the installation
    return new AitException(ErrorCode.E901, unrated + " of " + facts + " atomic facts ("
        + String.format(java.util.Locale.ROOT, "%.1f%%", 100 * share) + ") could not be rated, "
        + "more than max_unrated_share=" + settings.maxUnratedShare() + "." + common + " Every "
        + "output file was written (the reason of each fact is in the fact trace, download "
        + "fact_trace, field reason); nothing was written back to MLflow. Fix: repair the LLM "
        + "endpoint or search backend named there, or raise max_unrated_share");
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  private static void provenance(AitContext ctx, AitSettings settings, LlmClient llm,
      SearchClient search) {
    Map<String, Object> generation = new LinkedHashMap<>(settings.safe().asMap());
    generation.put("backend", settings.llm().backend());
    generation.put("model", settings.llm().model());
    ctx.provenance().llm(llm.describe(), generation);
    // the cache identity, not describe(): the Lucene index path changes with the job's
    // inventory directory, and a re-run must not report a different backend for it
    ctx.provenance().search(search.cacheIdentity(), search.indexDigest());
  }

  private static SearchClient searchClient(AitSettings settings, Path collection) {
    if (collection == null && settings.searchBackend().equals("lucene")) {
      throw AitException.invalidInput("search_backend=lucene needs documents, but inventory '"
          + COLLECTION + "' is an empty file. Fix: register a JSONL collection of "
          + "{\"title\", \"text\"} lines or an index directory built by the index command, or "
          + "set search_backend=serper or opensearch");
    }
    return SearchBackends.create(settings.search(collection));
  }

  /** The collection path, or null when the inventory is an empty file (no collection). */
  private static Path collection(Path inventory) throws java.io.IOException {
    // LIMIT: the platform requires every declared inventory, so "no collection" is an empty
    // file rather than an absent inventory.
    if (Files.isRegularFile(inventory) && Files.size(inventory) == 0) {
      return null;
    }
    return inventory;
  }

  private static String modeOf(AitSettings settings, MlflowRunSource source,
      Provenance provenance) {
    if (!settings.mode().equals("auto")) {
      return settings.mode();
    }
    try (EvalTable table = RunSources.openDigested(provenance, source)) {
      return table.hasColumn(settings.annotationsColumn()) ? "human" : "safe";
    } catch (MlflowRunException e) {
      throw e.toAitException("reading " + source.describe() + ": ");
    } catch (EvalTableException e) {
      throw AitException.invalidInput(e.getMessage(), e);
    }
  }

  private RunResult evaluateRun(AitSettings settings, MlflowRunSource source, String label,
      String mode, SafeEvaluator evaluator, Logger log, Provenance provenance)
      throws InterruptedException {
    List<Object[]> pending = new ArrayList<>();
    boolean human = mode.equals("human");
    // the run and its table's sha256 go into provenance.json (mlflow.runs_read, table_digests)
    try (EvalTable table = RunSources.openDigested(provenance, source)) {
      if (human && !table.hasColumn(settings.annotationsColumn())) {
        throw AitException.invalidInput(source.describe() + " has no column '"
            + settings.annotationsColumn() + "' (parameter annotations_column), so human-label "
            + "mode (mode=" + settings.mode() + ") has no human labels to score; its columns: "
            + table.columns() + ". Fix: use mode=auto (SAFE with an LLM on runs without "
            + "labels), or register runs whose table has FActScore annotations, or set "
            + "annotations_column to the column that holds them");
      }
      Map<String, String> required = new LinkedHashMap<>();
      required.put(settings.promptColumn(), "prompt_column");
      required.put(settings.responseColumn(), "response_column");
      if (human) {
        required.put(settings.annotationsColumn(), "annotations_column");
      }
      table.requireColumns(required);
      boolean hasKey = table.hasColumn("question_id");
      for (EvalRow row : table) {
        if (settings.maxResponses() > 0 && pending.size() >= settings.maxResponses()) {
          break;
        }
        HumanLabels labels = null;
        boolean abstained = false;
        if (human) {
          try {
            labels = HumanLabels.parse(row.string(settings.annotationsColumn()));
          } catch (IllegalArgumentException e) {
            throw AitException.invalidInput(source.describe() + ", row " + row.index()
                + ", column '" + settings.annotationsColumn() + "': " + e.getMessage(), e);
          }
          abstained = labels == null;
        }
        pending.add(new Object[] {row.index(), hasKey ? row.string("question_id") : null,
            row.string(settings.promptColumn()), row.string(settings.responseColumn()), labels,
            abstained});
      }
    } catch (MlflowRunException e) {
      throw e.toAitException("reading " + source.describe() + ": ");
    } catch (EvalTableException e) {
      throw AitException.invalidInput(e.getMessage(), e);
    }
    if (pending.isEmpty()) {
      throw AitException.invalidInput(source.describe() + ": its eval table has no rows, so "
          + "there is nothing to measure. Fix: log the evaluation with at least one row");
    }
    List<RowResult> rows = evaluator == null ? humanOnly(pending)
        : evaluateAll(settings, evaluator, pending, human);
    RunResult run = new RunResult(label, source.run().runId(), mode, rows);
    log.info("Run {} ({} mode): {} rows, SAFE on {} responses ({} facts: S {}, NS {}, IR {}, "
        + "unrated {}), {} abstained", label, mode, rows.size(), run.safeResults().size(),
        run.facts(), run.count(io.llmtestbed.aits.safe.pipeline.Rating.SUPPORTED),
        run.count(io.llmtestbed.aits.safe.pipeline.Rating.NOT_SUPPORTED),
        run.count(io.llmtestbed.aits.safe.pipeline.Rating.IRRELEVANT),
        run.count(io.llmtestbed.aits.safe.pipeline.Rating.UNRATED), run.abstained());
    return run;
  }

  private static List<RowResult> humanOnly(List<Object[]> pending) {
    List<RowResult> rows = new ArrayList<>();
    for (Object[] p : pending) {
      rows.add(new RowResult((long) p[0], (String) p[1], (String) p[2], (HumanLabels) p[4],
          (boolean) p[5], null));
    }
    return rows;
  }

  private static List<RowResult> evaluateAll(AitSettings settings, SafeEvaluator evaluator,
      List<Object[]> pending, boolean human) throws InterruptedException {
    // responses are orchestrated by their own threads; the facts go to the evaluator's pool
    ExecutorService responses = Executors.newFixedThreadPool(
        Math.min(pending.size(), 2 * settings.safe().concurrency()));
    try {
      List<Future<RowResult>> futures = new ArrayList<>();
      for (Object[] p : pending) {
        futures.add(responses.submit(() -> evaluateRow(evaluator, p, human)));
      }
      List<RowResult> rows = new ArrayList<>();
      for (Future<RowResult> f : futures) {
        try {
          rows.add(f.get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException("evaluating a response failed: " + e.getCause(),
              e.getCause());
        }
      }
      return rows;
    } finally {
      responses.shutdownNow();
    }
  }

  private static RowResult evaluateRow(SafeEvaluator evaluator, Object[] p, boolean human) {
    HumanLabels labels = (HumanLabels) p[4];
    boolean abstained = (boolean) p[5];
    String prompt = (String) p[2];
    String response = (String) p[3];
    ResponseResult safe;
    if (human) {
      if (abstained) {
        return new RowResult((long) p[0], (String) p[1], prompt, null, true, null);
      }
      ResponseResult r = evaluator.evaluateFacts(prompt, response, labels.sentences(),
          labels.facts());
      safe = withLabels(r, labels);
    } else {
      safe = evaluator.evaluate(prompt, response);
    }
    return new RowResult((long) p[0], (String) p[1], prompt, labels, abstained, safe);
  }

  /** Attaches the human label to each fact (facts are in annotation order). */
  private static ResponseResult withLabels(ResponseResult r, HumanLabels labels) {
    List<String> flat = labels.labels().stream().flatMap(List::stream).toList();
    List<io.llmtestbed.aits.safe.pipeline.FactResult> facts = new ArrayList<>();
    for (int i = 0; i < r.facts().size(); i++) {
      facts.add(r.facts().get(i).withHumanLabel(flat.get(i)));
    }
    return new ResponseResult(r.prompt(), r.response(), r.language(), r.sentences(), facts);
  }

  /** Interval of a mean over responses: bootstrap for n ≥ 2, the value itself for n = 1. */
  static Estimate estimate(AitSettings s, double[] xs) {
    if (xs.length == 1) {
      return new Estimate(xs[0], Double.NaN, Double.NaN, s.confidenceLevel(), 1, "single");
    }
    return ConfidenceIntervals.bootstrapMean(xs, s.confidenceLevel(), s.bootstrapSamples(),
        s.seed());
  }
}
