package io.llmtestbed.aits.answeraccuracy;

import io.llmtestbed.ait.sdk.manifest.InventoryType;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.manifest.ResourceType;
import io.llmtestbed.ait.sdk.manifest.Structure;
import io.llmtestbed.ait.sdk.manifest.ValueType;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunSource;
import io.llmtestbed.ait.sdk.mlflow.RunInventory;
import io.llmtestbed.ait.sdk.mlflow.RunLabels;
import io.llmtestbed.ait.sdk.report.CsvWriter;
import io.llmtestbed.ait.sdk.runtime.Ait;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.stats.Estimate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The AIT {@code eval_llm_mlflow_answer_accuracy}: reads the {@code eval_results_table.json} of
 * one or more MLflow evaluation runs and measures how close the model's answers are to the
 * references (guideline characteristic C-1, correctness of the trained model): exact match,
 * token F1, ROUGE-L, their Japanese-aware variants, character F1 and the mean judge score, each
 * with a confidence interval, per run and per category, and run 1 against run 2.
 *
 * <p>See the module README for the formulas, the tokenisation and the measure names.
 */
public final class AnswerAccuracyAit implements Ait {
  /** AITHub name. */
  public static final String NAME = "eval_llm_mlflow_answer_accuracy";
  /** Version in the manifest, the output and the write-back tag. */
  public static final String VERSION = "0.1";
  static final String INVENTORY = "evaluation_runs";
  static final String ROW_SCORES = "row_scores";
  static final String CATEGORY_TABLE = "category_table";
  static final String CATEGORY_CHART = "category_chart";
  static final String RUN_SUMMARY = "run_summary";

  @Override
  public Manifest manifest() {
    Manifest.Builder b = Manifest.builder()
        .name(NAME)
        .description("Answer accuracy of an LLM from MLflow evaluation runs (the "
            + "eval_results_table.json that mlflow.evaluate logs): exact match (MLflow's "
            + "exact_match, raw string equality, or after NFKC/case/punctuation/space "
            + "normalisation), token F1 = 2PR/(P+R) on the bag of tokens, ROUGE-L F = 2PR/(P+R) "
            + "with P = LCS/|prediction|, R = LCS/|reference| (rouge-score tokenizer, identical "
            + "to MLflow's rougeL/v1), the same two with kuromoji words on Japanese rows, "
            + "character F1 (NFKC, whitespace removed) and the mean judge score. Each is the "
            + "mean over rows with a 95% interval (Wilson for exact match, bootstrap otherwise), "
            + "per run and per category; run 1 is compared with run 2 (McNemar, paired "
            + "bootstrap). Results are written back into the MLflow runs.")
        .version(VERSION)
        .quality("C-1")
        .keyword("LLM").keyword("MLflow").keyword("exact match").keyword("token F1")
        .keyword("ROUGE-L").keyword("Japanese")
        .reference("Lin, C.-Y. (2004). ROUGE: A Package for Automatic Evaluation of Summaries. "
            + "Text Summarization Branches Out, ACL.", "https://aclanthology.org/W04-1013/")
        .reference("Rajpurkar, P. et al. (2016). SQuAD: 100,000+ Questions for Machine "
            + "Comprehension of Text. EMNLP.", "https://aclanthology.org/D16-1264/")
        .reference("Wilson, E. B. (1927). Probable inference, the law of succession, and "
            + "statistical inference. JASA 22(158).", null)
        .reference("McNemar, Q. (1947). Note on the sampling error of the difference between "
            + "correlated proportions or percentages. Psychometrika 12(2).", null)
        .license("Apache License Version 2.0")
        .inventory(INVENTORY, InventoryType.DATASET, "The evaluation runs to measure: a "
            + "run-reference JSON {\"tracking_uri\": ..., \"run_ids\": [...]} (or "
            + "\"experiment_name\" + optional \"run_names\"), a run directory exported by the "
            + "SDK (run.json + artifacts/), or a bare eval_results_table.json (pandas split "
            + "layout). Runs are measured in the order given.", "json", "ALL")
        .parameter("prediction_column", ValueType.STR, "Column of the eval table holding the "
            + "model's answer (mlflow.evaluate's predictions=).", "outputs")
        .parameter("target_column", ValueType.STR, "Column holding the reference answer "
            + "(mlflow.evaluate's targets=). Rows where it is null are skipped.", "ground_truth")
        .parameter("category_column", ValueType.STR, "Column used for the per-category "
            + "breakdown; when absent every row is in category '(all)'.", "category")
        .parameter("judge_column", ValueType.STR, "Numeric column with a judge score per row; "
            + "judge_score_mean is reported only when it exists.", "judge_score")
        .parameter("language", ValueType.STR, "auto: kuromoji for the *_ja measures on rows "
            + "whose prediction or reference contains kana or kanji, the rouge-score tokenizer "
            + "otherwise; ja: kuromoji on every row; en: never kuromoji.", "auto")
        .parameter("normalization", ValueType.STR, "exact: exact match is raw string equality "
            + "(MLflow's exact_match); normalized: equality after NFKC, case folding, punctuation "
            + "removal and whitespace collapsing.", "exact")
        .parameter("confidence_level", ValueType.FLOAT, "Coverage of every interval.", "0.95",
            "0.5", "0.999")
        .parameter("bootstrap_samples", ValueType.INT, "Bootstrap resamples for the intervals "
            + "of means and the paired bootstrap test.", "1000", "100", "100000")
        .parameter("seed", ValueType.INT, "Seed of the resampling (results are reproducible).",
            "42")
        .parameter("write_back", ValueType.BOOL, "Write the measures (answer_accuracy/<measure>/"
            + "mean|ci_lower|ci_upper), tags and the per-row table artifact "
            + "answer_accuracy_eval_table.json into each run read from a tracking server.",
            "true");
    for (Metric m : Metric.values()) {
      String max = m == Metric.JUDGE_SCORE ? null : "1";
      String min = m == Metric.JUDGE_SCORE ? null : "0";
      b.measure(m.measureName(), ValueType.FLOAT, Structure.SEQUENCE, "Per run (inventory "
          + "order): " + description(m), min, max);
      b.measure(m.measureName() + "_ci_lower", ValueType.FLOAT, Structure.SEQUENCE,
          "Per run: lower bound of the " + interval(m) + " of " + m.measureName() + ".", min,
          max);
      b.measure(m.measureName() + "_ci_upper", ValueType.FLOAT, Structure.SEQUENCE,
          "Per run: upper bound of the " + interval(m) + " of " + m.measureName() + ".", min,
          max);
    }
    for (Metric m : Metric.values()) {
      b.measure(m.measureName() + "_diff", ValueType.FLOAT, Structure.SINGLE, "With two or "
          + "more runs: " + m.measureName() + " of run 1 minus run 2 on the paired rows.",
          null, null);
      b.measure(m.measureName() + "_diff_p_value", ValueType.FLOAT, Structure.SINGLE, "With two "
          + "or more runs: two-sided p-value of " + m.measureName() + "_diff ("
          + (m.proportion() ? "McNemar's exact test" : "paired bootstrap") + ").", "0", "1");
    }
    b.measure("rows_scored", ValueType.INT, Structure.SEQUENCE, "Per run: rows with a "
        + "reference, i.e. the n of every measure.", "0", null);
    b.measure("null_predictions", ValueType.INT, Structure.SEQUENCE, "Per run: rows whose "
        + "prediction is null; they count as wrong (0) in every measure.", "0", null);
    b.measure("rows_truncated", ValueType.INT, Structure.SEQUENCE, "Per run: rows whose "
        + "prediction or reference has more than 20000 tokens; their ROUGE-L is computed on "
        + "the first 20000 tokens only.", "0", null);
    return b
        .resource(RUN_SUMMARY, ResourceType.TABLE, "Per run: rows, null counts, Japanese rows "
            + "and every measure with its interval (CSV).")
        .resource(CATEGORY_TABLE, ResourceType.TABLE, "Run × category × measure: n, value, "
            + "interval (CSV).")
        .resource(CATEGORY_CHART, ResourceType.PICTURE, "Per-category bars with interval error "
            + "bars, one series per run; one PNG per measure.")
        .download(ROW_SCORES, "Per-row scores of every run (CSV): language, null flag and each "
            + "measure.")
        .build();
  }

  private static String description(Metric m) {
    switch (m) {
      case EXACT_MATCH:
        return "share of rows whose prediction equals the reference (parameter normalization).";
      case TOKEN_F1:
        return "mean SQuAD-style token F1 with rouge-score's tokenizer (lower-case ASCII "
            + "letters and digits; Japanese text has no tokens and scores 0).";
      case ROUGE_L:
        return "mean ROUGE-L F-measure with rouge-score's tokenizer, no stemming: the value "
            + "MLflow's rougeL/v1/mean reports.";
      case TOKEN_F1_JA:
        return "mean token F1 with kuromoji words on Japanese rows (rouge-score tokens on the "
            + "others; parameter language).";
      case ROUGE_L_JA:
        return "mean ROUGE-L F with kuromoji words on Japanese rows (rouge-score tokens on the "
            + "others).";
      case CHAR_F1:
        return "mean character-level F1 (NFKC, whitespace removed, multiset of characters).";
      default:
        return "mean of the judge_column scores over rows that have one.";
    }
  }

  private static String interval(Metric m) {
    return m.proportion() ? "Wilson score interval" : "percentile bootstrap interval";
  }

  @Override
  public void run(AitContext ctx) throws Exception {
    Logger log = ctx.logger();
    Settings settings = Settings.from(ctx);
    List<MlflowRunSource> sources = RunInventory.resolve(INVENTORY,
        ctx.inventoryFile(INVENTORY));
    log.info("Measuring {} run(s): {}", sources.size(),
        sources.stream().map(MlflowRunSource::describe).toList());
    List<RunScores> runs = new ArrayList<>();
    Path rowFile = ctx.downloadFile(ROW_SCORES, "answer_accuracy_row_scores.csv");
    try (CsvWriter rowCsv = CsvWriter.open(rowFile, RunScorer.ROW_CSV_HEADER)) {
      RunScorer scorer = new RunScorer(settings, log, ctx.provenance());
      Set<String> labels = new HashSet<>();
      // Keys cost memory (about 50 bytes a row); only pairing and the write-back table use them.
      boolean keepKeys = sources.size() > 1 || settings.writeBack()
          && sources.stream().anyMatch(s -> s.trackingServer().isPresent());
      for (MlflowRunSource source : sources) {
        String label = RunLabels.unique(source, labels);
        runs.add(RunInventory.read(source, () -> scorer.score(source, label, rowCsv, keepKeys)));
      }
    }
    Statistics statistics = new Statistics(settings);
    List<Metric> metrics = measurable(runs, log);
    for (Metric m : Metric.values()) {
      if (!metrics.contains(m)) {
        String why = "no judge scores in column '" + settings.judgeColumn() + "'";
        ctx.notApplicable(m.measureName(), why);
        ctx.notApplicable(m.measureName() + "_ci_lower", why);
        ctx.notApplicable(m.measureName() + "_ci_upper", why);
        notApplicable(ctx, List.of(m), why);
      }
    }
    Map<Metric, List<Estimate>> estimates = new EnumMap<>(Metric.class);
    List<String> undefined = new ArrayList<>();
    for (Metric m : metrics) {
      List<Estimate> perRun = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        Estimate e = statistics.estimate(m, runs.get(i).values(m));
        if (Double.isNaN(e.lower())) {
          undefined.add(runs.get(i).label() + ":" + m.measureName());
        }
        perRun.add(e);
      }
      estimates.put(m, perRun);
      recordSequence(ctx, m.measureName(), perRun, Estimate::value);
      // LIMIT: a measure cannot be empty (Qunomon stores float()), so an undefined interval
      // (n < 2) is recorded as the value itself; the CSVs leave it empty.
      recordSequence(ctx, m.measureName() + "_ci_lower", perRun,
          e -> Double.isNaN(e.lower()) ? e.value() : e.lower());
      recordSequence(ctx, m.measureName() + "_ci_upper", perRun,
          e -> Double.isNaN(e.upper()) ? e.value() : e.upper());
    }
    if (!undefined.isEmpty()) {
      log.warn("{} run-level interval(s) are undefined because fewer than 2 rows have a value: "
          + "{}; the *_ci_lower/_ci_upper measures hold the value itself and the run summary "
          + "leaves them empty", undefined.size(), String.join(", ", undefined));
    }
    ctx.measureSequence("rows_scored", runs.stream().mapToDouble(RunScores::rows).toArray());
    ctx.measureSequence("null_predictions",
        runs.stream().mapToDouble(RunScores::nullPredictions).toArray());
    ctx.measureSequence("rows_truncated",
        runs.stream().mapToDouble(RunScores::truncatedRows).toArray());
    compare(ctx, statistics, metrics, runs, log);
    Reports reports = new Reports(statistics, metrics, runs);
    reports.writeRunSummary(ctx.resourceFile(RUN_SUMMARY, "answer_accuracy_run_summary.csv"),
        estimates);
    reports.writeCategoryTable(ctx.resourceFile(CATEGORY_TABLE,
        "answer_accuracy_by_category.csv"));
    for (Metric m : metrics) {
      reports.writeCategoryChart(m, ctx.resourceFile(CATEGORY_CHART,
          "answer_accuracy_" + m.measureName() + "_by_category.png"));
    }
    if (settings.writeBack()) {
      new WriteBack(settings, log).write(sources, runs, metrics, estimates);
    } else {
      log.info("Write-back off (parameter write_back=false): the MLflow runs are left as they "
          + "are");
    }
  }

  /** Text measures always; the judge score only when every run has at least one. */
  private static List<Metric> measurable(List<RunScores> runs, Logger log) {
    List<Metric> metrics = new ArrayList<>();
    for (Metric m : Metric.values()) {
      if (m.textual()) {
        metrics.add(m);
      }
    }
    // LIMIT: a measure cannot hold an undefined value (Qunomon stores each with float()), so
    // judge_score_mean is left out entirely when any run has no judge score.
    List<String> unjudged = runs.stream().filter(r -> r.judgedRows() == 0)
        .map(RunScores::label).toList();
    if (unjudged.isEmpty()) {
      metrics.add(Metric.JUDGE_SCORE);
    } else if (unjudged.size() < runs.size()) {
      log.warn("judge_score_mean is not reported: run(s) {} have no numeric value in the "
          + "judge column (parameter judge_column)", unjudged);
    } else {
      log.info("No judge scores (parameter judge_column names no numeric column with values); "
          + "judge_score_mean is not reported");
    }
    return metrics;
  }

  /** Marks the comparison measures of {@code metrics} as not applicable to this job. */
  private static void notApplicable(AitContext ctx, List<Metric> metrics, String reason) {
    for (Metric m : metrics) {
      ctx.notApplicable(m.measureName() + "_diff", reason);
      ctx.notApplicable(m.measureName() + "_diff_p_value", reason);
    }
  }

  private static void recordSequence(AitContext ctx, String name, List<Estimate> perRun,
      java.util.function.ToDoubleFunction<Estimate> part) {
    ctx.measureSequence(name, perRun.stream().mapToDouble(part).toArray());
  }

  private static List<Statistics.Comparison> compare(AitContext ctx, Statistics statistics,
      List<Metric> metrics, List<RunScores> runs, Logger log) {
    List<Statistics.Comparison> out = new ArrayList<>();
    if (runs.size() < 2) {
      notApplicable(ctx, List.of(Metric.values()), "the *_diff measures compare two runs; 1 "
          + "run given");
      return out;
    }
    // LIMIT: only run 1 is compared with run 2; other pairs need another AIT run with the
    // runs reordered in the inventory (all-pairs tests would need a multiple-testing policy).
    RunScores a = runs.get(0);
    RunScores b = runs.get(1);
    if (runs.size() > 2) {
      log.info("{} runs given; the paired comparison is run 1 ({}) against run 2 ({})",
          runs.size(), a.label(), b.label());
    }
    String[] why = new String[1];
    Optional<Statistics.Pairing> pairing = Statistics.pair(a, b, why);
    if (pairing.isEmpty()) {
      log.warn("No paired comparison of {} and {}: {}. The *_diff measures are not reported",
          a.label(), b.label(), why[0]);
      notApplicable(ctx, metrics, "no paired comparison: " + why[0]);
      return out;
    }
    log.info("Comparing {} with {} on {} rows paired {}", a.label(), b.label(),
        pairing.get().size(), pairing.get().how());
    for (Metric m : metrics) {
      Optional<Statistics.Comparison> c = m == Metric.JUDGE_SCORE
          ? statistics.compareJudge(a, b, pairing.get())
          : Optional.of(statistics.compare(m, a, b, pairing.get()));
      if (c.isEmpty()) {
        log.warn("No paired comparison of judge scores: no paired row has a score in both runs");
        notApplicable(ctx, List.of(m), "no paired row has a judge score in both runs");
        continue;
      }
      out.add(c.get());
      ctx.measure(m.measureName() + "_diff", c.get().difference().value());
      ctx.measure(m.measureName() + "_diff_p_value", c.get().pValue());
    }
    return out;
  }
}
