package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmClients;
import io.llmtestbed.ait.sdk.llm.LlmException;
import io.llmtestbed.ait.sdk.manifest.InventoryType;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.manifest.ResourceType;
import io.llmtestbed.ait.sdk.manifest.Structure;
import io.llmtestbed.ait.sdk.manifest.ValueType;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunException;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunSource;
import io.llmtestbed.ait.sdk.mlflow.RunInfo;
import io.llmtestbed.ait.sdk.mlflow.RunInventory;
import io.llmtestbed.ait.sdk.mlflow.TrackingServer;
import io.llmtestbed.ait.sdk.runtime.Ait;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import io.llmtestbed.ait.sdk.stats.ConfidenceIntervals;
import io.llmtestbed.ait.sdk.stats.Estimate;
import io.llmtestbed.aits.robustness.perturb.Outcome;
import io.llmtestbed.aits.robustness.perturb.Paraphrase;
import io.llmtestbed.aits.robustness.perturb.Perturbation;
import io.llmtestbed.aits.robustness.perturb.Perturbations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;

/**
 * The AIT {@code eval_llm_mlflow_perturbation_robustness}: how stable an LLM's answers are
 * when its prompts are perturbed without changing their meaning (guideline characteristic C-2,
 * stability of the trained model). Passive mode reads an original MLflow evaluation run and its
 * perturbed runs; active mode perturbs the original run's prompts, asks the model and logs each
 * perturbed evaluation as an MLflow run. Per perturbation: consistency rate, accuracy, accuracy
 * drop from the unperturbed answers with intervals, counts of every row not measured and why;
 * the worst perturbation; a table, charts, the per-row results and a flip list.
 *
 * <p>See the module README for the perturbations, the measures and the limits.
 */
public final class RobustnessAit implements Ait {
  /** AITHub name. */
  public static final String NAME = "eval_llm_mlflow_perturbation_robustness";
  /** Version in the manifest, the output and the write-back tag. */
  public static final String VERSION = "0.1";
  static final String INVENTORY = "evaluation_runs";
  static final String TABLE = "perturbation_table";
  static final String CHART = "perturbation_chart";
  static final String ROWS = "row_results";
  static final String FLIPS = "flip_list";

  @Override
  public Manifest manifest() {
    Manifest.Builder b = Manifest.builder()
        .name(NAME)
        .description("Robustness of an LLM's answers to meaning-preserving perturbations of "
            + "its prompts (Japanese and English): " + perturbationList() + ". Passive mode "
            + "reads an original MLflow evaluation run and its perturbed runs (linked by the "
            + "tags testbed.robustness.original_run_id and testbed.robustness.perturbation); "
            + "active mode perturbs the original run's prompts, queries the model (openai, "
            + "mlflow /invocations, bedrock or gguf backends) and logs each perturbed "
            + "evaluation as an MLflow run. Per perturbation: consistency rate (answer "
            + "equivalent to the unperturbed one: exact, normalized or embedding similarity), "
            + "accuracy and accuracy drop with intervals (Wilson; paired bootstrap and "
            + "McNemar), the worst case, and counts of rows flagged by the meaning guard, not "
            + "applicable or failed. Results are written back into the original run.")
        .version(VERSION)
        .quality("C-2")
        .keyword("LLM").keyword("MLflow").keyword("robustness").keyword("perturbation")
        .keyword("consistency").keyword("Japanese")
        .reference("Zhu, K. et al. (2023). PromptBench: Towards Evaluating the Robustness of "
            + "Large Language Models on Adversarial Prompts. arXiv:2306.04528.",
            "https://arxiv.org/abs/2306.04528")
        .reference("Wilson, E. B. (1927). Probable inference, the law of succession, and "
            + "statistical inference. JASA 22(158).", null)
        .reference("McNemar, Q. (1947). Note on the sampling error of the difference between "
            + "correlated proportions or percentages. Psychometrika 12(2).", null)
        .license("Apache License Version 2.0")
        .inventory(INVENTORY, InventoryType.DATASET, "A run-reference JSON {\"tracking_uri\": "
            + "..., \"run_ids\": [original, perturbed...]} (or an exported run directory). The "
            + "first run is the original evaluation (inputs, outputs, ground_truth). Passive "
            + "mode: the other runs are its perturbed runs; with only the original, the runs "
            + "of its experiment tagged testbed.robustness.original_run_id=<its id> are taken "
            + "Offline: one eval table with a column 'perturbation' (empty or 'none' = "
            + "original rows, other values = the perturbed rows of that perturbation).",
            "json", "ALL")
        .parameter("mode", ValueType.STR, "passive: read perturbed runs from MLflow; active: "
            + "perturb the inputs, query the model (llm_* parameters), log perturbed runs.",
            "passive")
        .parameter("perturbations", ValueType.STR, "Comma list of " + String.join(", ",
            Perturbations.names()) + ". default: active = every rule-based one, passive = "
            + "every perturbation that has a run.", "default")
        .parameter("severity", ValueType.FLOAT, "Share of eligible places a perturbation "
            + "changes (char_noise: 10% x severity of the letters).", "0.5", "0", "1")
        .parameter("seed", ValueType.INT, "Seed of every perturbation (with the row id, so "
            + "results do not depend on thread order) and of the resampling.", "42")
        .parameter("input_column", ValueType.STR, "Eval table column holding the prompt.",
            "inputs")
        .parameter("prediction_column", ValueType.STR, "Column holding the model's answer.",
            "outputs")
        .parameter("target_column", ValueType.STR, "Column holding the gold answer (accuracy "
            + "measures; rows without one count as wrong).", "ground_truth")
        .parameter("equivalence", ValueType.STR, "exact | normalized (NFKC, case, "
            + "punctuation, whitespace; the default and the one for Japanese) | embedding "
            + "(all-MiniLM-L6-v2 cosine >= threshold; English-trained).", "normalized")
        .parameter("threshold", ValueType.FLOAT, "Cosine threshold of equivalence=embedding.",
            "0.9", "0", "1")
        .parameter("concurrency", ValueType.INT, "Active mode: requests in flight at once.",
            "4", "1", "256")
        .parameter("baseline", ValueType.STR, "Active mode: query = ask the model the "
            + "unperturbed prompts too (both sides from one endpoint); run = take the run's own "
            + "outputs.", "query")
        .parameter("llm_backend", ValueType.STR, "openai | mlflow | bedrock | gguf.", "openai")
        .parameter("llm_base_url", ValueType.STR, "openai: URL before /chat/completions; "
            + "mlflow: server root.", "")
        .parameter("llm_model", ValueType.STR, "Model name sent with each request.", "")
        .parameter("llm_api_key_env", ValueType.STR, "Name of the environment variable with "
            + "the API key (never the key).", "")
        .parameter("llm_options", ValueType.STR, "Backend options, comma list of key=value.",
            "")
        .parameter("llm_timeout_seconds", ValueType.FLOAT, "Per-attempt timeout.", "60", "0.1",
            null)
        .parameter("llm_max_retries", ValueType.INT, "Retries of retryable failures.", "2", "0",
            "20")
        .parameter("llm_requests_per_second", ValueType.FLOAT, "Rate limit; 0 = none.", "0",
            "0", null)
        .parameter("llm_cache_dir", ValueType.STR, "Answer cache directory; empty = none.", "")
        .parameter("temperature", ValueType.FLOAT, "Temperature of the model under test; "
            + "negative = endpoint default.", "0")
        .parameter("max_tokens", ValueType.INT, "Max answer tokens; 0 = endpoint default.",
            "512")
        .parameter("paraphrase_temperature", ValueType.FLOAT, "Temperature of the paraphrase "
            + "calls.", "0.7", "0", "2")
        .parameter("confidence_level", ValueType.FLOAT, "Coverage of every interval.", "0.95",
            "0.5", "0.999")
        .parameter("bootstrap_samples", ValueType.INT, "Resamples of the paired bootstrap.",
            "1000", "100", "100000")
        .parameter("write_back", ValueType.BOOL, "Write robustness/<perturbation>/<measure>/"
            + "mean|ci_lower|ci_upper, tags and robustness_eval_table.json into the original "
            + "run; active mode also logs the perturbed runs.", "true");
    String seq = "Per perturbation (order of the job's perturbations): ";
    measure(b, "consistency_rate", seq + "share of measured rows whose answer is equivalent "
        + "to the unperturbed answer (parameter equivalence)", "Wilson interval");
    measure(b, "accuracy", seq + "share of measured rows answered correctly (normalized "
        + "equality with the gold answer, or its option label)", "Wilson interval");
    b.measure("accuracy_drop", ValueType.FLOAT, Structure.SEQUENCE, seq + "accuracy of the "
        + "unperturbed answers minus accuracy under the perturbation, on the same rows.", "-1",
        "1");
    b.measure("accuracy_drop_ci_lower", ValueType.FLOAT, Structure.SEQUENCE, seq + "lower "
        + "bound of the paired bootstrap interval of accuracy_drop.", "-1", "1");
    b.measure("accuracy_drop_ci_upper", ValueType.FLOAT, Structure.SEQUENCE, seq + "upper "
        + "bound of the paired bootstrap interval of accuracy_drop.", "-1", "1");
    b.measure("accuracy_drop_p_value", ValueType.FLOAT, Structure.SEQUENCE, seq + "McNemar "
        + "exact two-sided p-value of accuracy_drop.", "0", "1");
    for (String[] c : new String[][] {
        {"rows_measured", "rows perturbed and answered on both sides: the n of every measure"},
        {"rows_flagged", "rows whose perturbation the meaning guard refused"},
        {"rows_not_applicable", "rows the perturbation does not apply to (option_order "
            + "without options)"},
        {"rows_unchanged", "rows with nothing to perturb"},
        {"rows_failed", "rows without a usable answer (endpoint error, not sent after the "
            + "endpoint went down, empty text, missing row) or whose perturbation failed"},
        {"rows_empty_answer", "rows whose model answer was empty text (also in rows_failed)"}}) {
      b.measure(c[0], ValueType.INT, Structure.SEQUENCE, seq + c[1] + ".", "0", null);
    }
    b.measure("baseline_accuracy", ValueType.FLOAT, Structure.SINGLE, "Accuracy of the "
        + "unperturbed answers on every row that has one.", "0", "1");
    b.measure("worst_case_accuracy_drop", ValueType.FLOAT, Structure.SINGLE, "The largest "
        + "accuracy_drop over the perturbations.", "-1", "1");
    b.measure("worst_case_consistency_rate", ValueType.FLOAT, Structure.SINGLE, "The "
        + "smallest consistency_rate over the perturbations.", "0", "1");
    b.measure("worst_perturbation_index", ValueType.INT, Structure.SINGLE, "1-based position "
        + "(in the job's perturbations) of the perturbation with the largest accuracy drop "
        + "(ties: the lower consistency rate); its name is in the table and the MLflow tag "
        + "robustness.worst_perturbation.", "1", null);
    return b
        .resource(TABLE, ResourceType.TABLE, "Per perturbation: row counts by outcome, every "
            + "measure with its interval, the worst case (CSV).")
        .resource(CHART, ResourceType.PICTURE, "Consistency, accuracy and baseline accuracy "
            + "per perturbation with intervals; accuracy drop per perturbation (PNG).")
        .download(ROWS, "Every row under every perturbation: outcome, guard note, failure, "
            + "equivalent, correct before and after (CSV).")
        .download(FLIPS, "Rows whose answer went from correct to wrong or stopped being "
            + "equivalent, with both prompts and answers (JSONL); llm_generated marks "
            + "paraphrases.")
        .build();
  }

  private static void measure(Manifest.Builder b, String name, String text, String interval) {
    b.measure(name, ValueType.FLOAT, Structure.SEQUENCE, text + ".", "0", "1");
    b.measure(name + "_ci_lower", ValueType.FLOAT, Structure.SEQUENCE, "Per perturbation: "
        + "lower bound of the " + interval + " of " + name + ".", "0", "1");
    b.measure(name + "_ci_upper", ValueType.FLOAT, Structure.SEQUENCE, "Per perturbation: "
        + "upper bound of the " + interval + " of " + name + ".", "0", "1");
  }

  private static String perturbationList() {
    List<String> parts = new ArrayList<>();
    for (Perturbation p : Perturbations.ruleBased()) {
      parts.add(p.name());
    }
    parts.add("paraphrase (LLM-generated, marked)");
    return String.join(", ", parts);
  }

  @Override
  public void run(AitContext ctx) throws Exception {
    Logger log = ctx.logger();
    Settings s = Settings.from(ctx);
    Path inventory = ctx.inventoryFile(INVENTORY);
    List<MlflowRunSource> sources = RunInventory.resolve(INVENTORY, inventory);
    MlflowRunSource original = sources.get(0);
    if (s.mode() == Mode.ACTIVE && sources.size() > 1) {
      // LIMIT: one original run per active job; run the AIT once per model run.
      log.warn("mode=active measures the first run only ({}); the other {} run(s) of the "
          + "inventory are not used. Fix: one AIT job per original run", original.describe(),
          sources.size() - 1);
    }
    record(ctx, original);
    boolean combined = sources.size() == 1 && s.mode() == Mode.PASSIVE
        && read(() -> RunTables.hasColumn(original, RunTables.PERTURBATION_COLUMN), original);
    List<OriginalRow> rows = read(() -> RunTables.original(original, s,
        s.mode() == Mode.ACTIVE, combined ? RunTables.isOriginal() : r -> true), original);
    log.info("Original run {}: {} rows; mode {}", original.describe(), rows.size(),
        s.mode().label());
    warnAboutInputs(log, s, rows);
    List<RowResult> baseline;
    List<PerturbedEval> evals;
    String llm = null;
    if (s.mode() == Mode.PASSIVE) {
      Passive passive = combined ? Passive.combined(original, s, rows, log)
          : Passive.read(sources, original, s, rows, log);
      passive.sources().forEach(src -> record(ctx, src));
      baseline = passive.baseline();
      evals = passive.evals();
    } else {
      try (LlmClient client = client(s)) {
        llm = client.describe();
        Map<String, Object> generation = new LinkedHashMap<>();
        generation.put("temperature", s.temperature());
        generation.put("max_tokens", s.maxTokens());
        generation.put("seed", s.seed());
        ctx.provenance().llm(llm, generation);
        Active active = new Active(s, client, log);
        baseline = active.baseline(rows, original);
        evals = active.perturb(rows);
        ctx.provenance().attribute("robustness.llm_accounting", client.accounting().snapshot());
        if (s.llm().cacheDir() != null) {
          ctx.provenance().cache(s.llm().cacheDir(), LlmClients.cacheDigest(s.llm().cacheDir()));
        }
        if (s.writeBack()) {
          evals = active.logRuns(original, rows, baseline, evals);
        }
      }
    }
    EquivalenceJudge judge = new EquivalenceJudge(s.equivalence(), s.threshold());
    List<PerturbationScore> scores = new ArrayList<>();
    for (PerturbedEval e : evals) {
      PerturbationScore score = PerturbationScore.of(e, baseline, judge, s);
      scores.add(score);
      logScore(log, score);
    }
    int worst = worst(scores);
    String worstLabel = worst < 0 ? null : scores.get(worst).label();
    Estimate baselineAccuracy = baselineAccuracy(baseline, s.confidenceLevel());
    recordMeasures(ctx, scores, worst, baselineAccuracy, log);
    Reports reports = new Reports(scores, rows, baseline, worstLabel);
    reports.writeTable(ctx.resourceFile(TABLE, "robustness_by_perturbation.csv"));
    reports.writeChart(ctx.resourceFile(CHART, "robustness_consistency_accuracy.png"),
        s.confidenceLevel());
    reports.writeDropChart(ctx.resourceFile(CHART, "robustness_accuracy_drop.png"),
        s.confidenceLevel());
    reports.writeRows(ctx.downloadFile(ROWS, "robustness_row_results.csv"));
    long flips = reports.writeFlips(ctx.downloadFile(FLIPS, "robustness_flips.jsonl"));
    log.info("Worst perturbation: {}; {} row(s) in the flip list", worstLabel, flips);
    if (s.writeBack()) {
      WriteBack.write(original, s, WriteBack.metrics(scores, baselineAccuracy,
          worst < 0 ? null : scores.get(worst)), worstLabel, llm, reports.rowTable(), log);
    } else {
      log.info("Write-back off (parameter write_back=false): MLflow is left as it is");
    }
  }

  /**
   * WARNs for inputs that make some measures meaningless without failing the job: rows without
   * a gold answer (accuracy counts them as wrong), and equivalence=embedding on Japanese text
   * (all-MiniLM-L6-v2 is English-trained; see the README).
   */
  static void warnAboutInputs(Logger log, Settings s, List<OriginalRow> rows) {
    long noGold = rows.stream().filter(r -> r.gold() == null || r.gold().isBlank()).count();
    if (noGold == rows.size()) {
      log.warn("No row has a gold answer in column '{}' (the column is missing or empty): "
          + "accuracy, accuracy_drop and baseline_accuracy count every row as wrong and say "
          + "nothing about the model; read consistency_rate. Fix: set parameter target_column "
          + "to the column holding the reference answers", s.targetColumn());
    } else if (noGold > 0) {
      log.warn("{} of {} rows have no gold answer in column '{}' and count as wrong in "
          + "accuracy, accuracy_drop and baseline_accuracy", noGold, rows.size(),
          s.targetColumn());
    }
    if (s.equivalence() == Equivalence.EMBEDDING) {
      long japanese = rows.stream().filter(r -> japanese(r.input()) || japanese(r.output()))
          .count();
      if (japanese > 0) {
        log.warn("equivalence=embedding on {} of {} rows with Japanese text: all-MiniLM-L6-v2 "
            + "is English-trained and scores different Japanese answers as similar (答えは5です。 "
            + "vs 答えは7です。 0.935 >= 0.9), so consistency_rate overstates stability there. "
            + "Fix: equivalence=normalized for Japanese", japanese, rows.size());
      }
    }
  }

  private static boolean japanese(String text) {
    return text != null && text.codePoints().anyMatch(c -> {
      Character.UnicodeScript sc = Character.UnicodeScript.of(c);
      return sc == Character.UnicodeScript.HIRAGANA || sc == Character.UnicodeScript.KATAKANA
          || sc == Character.UnicodeScript.HAN;
    });
  }

  private static LlmClient client(Settings s) {
    try {
      return LlmClients.create(s.llm());
    } catch (LlmException e) {
      throw AitException.invalidInput("the llm_* parameters do not give a usable client: "
          + e.getMessage(), e);
    }
  }

  private static void record(AitContext ctx, MlflowRunSource source) {
    ctx.provenance().mlflowRun(source.trackingServer().map(t -> t.uri().toString())
        .orElse(null), source.run().experimentId(), source.run().runId());
    ctx.provenance().tableDigest(source.run().runId(), read(() -> tableSha256(source), source));
  }

  /** sha256 (hex) of the run's eval_results_table.json as stored. */
  private static String tableSha256(MlflowRunSource source) {
    try (java.io.InputStream in = source.openArtifact(
        io.llmtestbed.ait.sdk.mlflow.EvalTable.DEFAULT_ARTIFACT)) {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
      }
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read the eval table of "
          + source.describe() + " to digest it", e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  private static void logScore(Logger log, PerturbationScore s) {
    PerturbationScore.Counts c = s.counts();
    log.info("{}: {} rows: {} measured, {} flagged, {} not applicable, {} unchanged, {} failed "
        + "({} empty answers), {} without a baseline answer; consistency {}, accuracy drop {}",
        s.label(), c.rows(), s.measured(), c.flagged(), c.notApplicable(), c.unchanged(),
        c.answerFailures() + c.perturbationFailed(), c.emptyAnswers(), c.baselineFailures(),
        s.consistency().value(), s.dropValue());
    if (c.answerFailures() + c.perturbationFailed() > 0) {
      log.warn("{}: {} of {} rows have no usable answer and are left out of its measures "
          + "(counted in rows_failed; reasons in the row_results download)", s.label(),
          c.answerFailures() + c.perturbationFailed(), c.rows());
    }
  }

  /** Index of the largest drop (ties: lower consistency), or -1 when nothing was measured. */
  // LIMIT: the largest point drop wins whatever rows_measured is, so one measured row can
  // outrank eighty; the intervals in the table show it (see README, Known limits).
  static int worst(List<PerturbationScore> scores) {
    int worst = -1;
    for (int i = 0; i < scores.size(); i++) {
      PerturbationScore s = scores.get(i);
      if (s.measured() == 0) {
        continue;
      }
      if (worst < 0 || s.dropValue() > scores.get(worst).dropValue()
          || s.dropValue() == scores.get(worst).dropValue()
          && s.consistency().value() < scores.get(worst).consistency().value()) {
        worst = i;
      }
    }
    return worst;
  }

  private static Estimate baselineAccuracy(List<RowResult> baseline, double level) {
    int n = 0;
    int ok = 0;
    for (RowResult r : baseline) {
      if (r.failure() == null && r.answer() != null) {
        n++;
        ok += Answers.correct(r.answer(), r.gold()) ? 1 : 0;
      }
    }
    return ConfidenceIntervals.wilson(ok, n, level);
  }

  private static void recordMeasures(AitContext ctx, List<PerturbationScore> scores, int worst,
      Estimate baselineAccuracy, Logger log) {
    List<String> empty = scores.stream().filter(s -> s.measured() == 0)
        .map(PerturbationScore::label).toList();
    if (!empty.isEmpty()) {
      // LIMIT: a measure cannot hold an undefined value (Qunomon stores float()), so a
      // perturbation with no measured row gets 0 in the rate and drop sequences.
      log.warn("No row was measured under {}: their rates, drops and intervals are recorded "
          + "as 0 in the measures (rows_measured = 0 says so); see rows_* for why", empty);
    }
    sequence(ctx, "consistency_rate", scores, s -> s.consistency().value());
    sequence(ctx, "consistency_rate_ci_lower", scores, s -> s.consistency().lower());
    sequence(ctx, "consistency_rate_ci_upper", scores, s -> s.consistency().upper());
    sequence(ctx, "accuracy", scores, s -> s.accuracy().value());
    sequence(ctx, "accuracy_ci_lower", scores, s -> s.accuracy().lower());
    sequence(ctx, "accuracy_ci_upper", scores, s -> s.accuracy().upper());
    sequence(ctx, "accuracy_drop", scores, PerturbationScore::dropValue);
    sequence(ctx, "accuracy_drop_ci_lower", scores, s -> s.drop() == null ? 0 : s.drop().lower());
    sequence(ctx, "accuracy_drop_ci_upper", scores, s -> s.drop() == null ? 0 : s.drop().upper());
    sequence(ctx, "accuracy_drop_p_value", scores, PerturbationScore::dropPValue);
    sequence(ctx, "rows_measured", scores, PerturbationScore::measured);
    sequence(ctx, "rows_flagged", scores, s -> s.counts().flagged());
    sequence(ctx, "rows_not_applicable", scores, s -> s.counts().notApplicable());
    sequence(ctx, "rows_unchanged", scores, s -> s.counts().unchanged());
    sequence(ctx, "rows_failed", scores,
        s -> s.counts().answerFailures() + s.counts().perturbationFailed());
    sequence(ctx, "rows_empty_answer", scores, s -> s.counts().emptyAnswers());
    if (Double.isNaN(baselineAccuracy.value())) {
      ctx.notApplicable("baseline_accuracy", "no unperturbed answer");
    } else {
      ctx.measure("baseline_accuracy", baselineAccuracy.value());
    }
    if (worst < 0) {
      String why = "no row was measured under any perturbation";
      ctx.notApplicable("worst_case_accuracy_drop", why);
      ctx.notApplicable("worst_case_consistency_rate", why);
      ctx.notApplicable("worst_perturbation_index", why);
      return;
    }
    ctx.measure("worst_case_accuracy_drop", scores.get(worst).dropValue());
    ctx.measure("worst_case_consistency_rate", scores.stream().filter(s -> s.measured() > 0)
        .mapToDouble(s -> s.consistency().value()).min().orElseThrow());
    ctx.measure("worst_perturbation_index", worst + 1);
  }

  private static void sequence(AitContext ctx, String name, List<PerturbationScore> scores,
      ToDoubleFunction<PerturbationScore> part) {
    ctx.measureSequence(name, scores.stream().mapToDouble(s -> {
      double v = part.applyAsDouble(s);
      return Double.isNaN(v) ? 0 : v;
    }).toArray());
  }

  /** {@link RunInventory#read}: the SDK's failures as E102 or E901 naming the source. */
  static <T> T read(java.util.function.Supplier<T> read, MlflowRunSource source) {
    return RunInventory.read(source, read);
  }

  /** Passive mode's inputs. */
  record Passive(List<MlflowRunSource> sources, List<RowResult> baseline,
      List<PerturbedEval> evals) {

    /** One table holding original rows and perturbed rows (column 'perturbation'). */
    static Passive combined(MlflowRunSource table, Settings s, List<OriginalRow> rows,
        Logger log) {
      List<String> names = RobustnessAit.read(() -> RunTables.perturbationValues(table), table);
      List<PerturbedEval> evals = new ArrayList<>();
      for (String name : names) {
        if (!s.perturbations().isEmpty() && !s.perturbations().contains(name)) {
          continue;
        }
        List<RowResult> results = RobustnessAit.read(() -> RunTables.perturbed(table, s, rows,
            r -> name.equals(r.string(RunTables.PERTURBATION_COLUMN))), table);
        evals.add(new PerturbedEval(name, name, Double.NaN, 0, Perturbations.PARAPHRASE
            .equals(name), results, null));
      }
      for (String wanted : s.perturbations()) {
        if (!names.contains(wanted)) {
          throw AitException.invalidInput("mode=passive: parameter 'perturbations' names '"
              + wanted + "' but " + table.describe() + " has no row with perturbation="
              + wanted + "; it has " + names + ". Fix: drop it from the list");
        }
      }
      if (evals.isEmpty()) {
        throw AitException.invalidInput(table.describe() + ": column '"
            + RunTables.PERTURBATION_COLUMN + "' names no perturbation (every row is an "
            + "original row). Fix: add perturbed rows or give perturbed runs");
      }
      log.info("Passive (one table): {} perturbation(s): {}", evals.size(), names);
      return new Passive(List.of(table), originalBaseline(rows), evals);
    }

    static List<RowResult> originalBaseline(List<OriginalRow> rows) {
      List<RowResult> baseline = new ArrayList<>();
      for (OriginalRow o : rows) {
        String failure = o.output() == null ? "null_output"
            : o.output().isBlank() ? "empty_answer" : null;
        baseline.add(new RowResult(o.index(), o.key(), Outcome.APPLIED, "original run",
            o.input(), o.gold(), o.output(), failure, Map.of()));
      }
      return baseline;
    }

    static Passive read(List<MlflowRunSource> given, MlflowRunSource original, Settings s,
        List<OriginalRow> rows, Logger log) {
      List<MlflowRunSource> perturbed = new ArrayList<>(given.subList(1, given.size()));
      if (perturbed.isEmpty()) {
        perturbed.addAll(discover(original, log));
      }
      if (perturbed.isEmpty()) {
        throw AitException.invalidInput("mode=passive: no perturbed run of " + original.describe()
            + ": the inventory names only the original run and no run of its experiment has "
            + "the tag " + Tags.ORIGINAL_RUN_ID + "=" + original.run().runId() + ". Fix: list "
            + "the perturbed run ids after the original in run_ids, tag them, or use "
            + "mode=active to create them");
      }
      List<RowResult> baseline = null;
      List<PerturbedEval> evals = new ArrayList<>();
      Map<String, Integer> perName = new LinkedHashMap<>();
      for (MlflowRunSource src : perturbed) {
        String name = src.tags().get(Tags.PERTURBATION);
        if (name == null || name.isBlank()) {
          throw AitException.invalidInput(src.describe() + " has no tag " + Tags.PERTURBATION
              + ", so its perturbation is unknown. Fix: tag it (e.g. " + Tags.PERTURBATION
              + "=width) or remove it from the inventory");
        }
        if (Tags.BASELINE.equals(name)) {
          baseline = RobustnessAit.read(() -> RunTables.perturbed(src, s, rows, r -> true), src);
          log.info("Unperturbed answers from {} (tag {}={})", src.describe(), Tags.PERTURBATION,
              Tags.BASELINE);
          continue;
        }
        if (!s.perturbations().isEmpty() && !s.perturbations().contains(name)) {
          continue;
        }
        double severity = parse(src.tags().get(Tags.SEVERITY), Double.NaN);
        long seed = (long) parse(src.tags().get(Tags.SEED), Double.NaN);
        boolean llm = Boolean.parseBoolean(src.tags().get(Tags.LLM_GENERATED))
            || Perturbations.PARAPHRASE.equals(name);
        List<RowResult> results = RobustnessAit.read(() -> RunTables.perturbed(src, s, rows,
            r -> true), src);
        evals.add(new PerturbedEval(name, name, severity, seed, llm, results,
            src.run().runId()));
        perName.merge(name, 1, Integer::sum);
      }
      for (String wanted : s.perturbations()) {
        if (!perName.containsKey(wanted)) {
          throw AitException.invalidInput("mode=passive: parameter 'perturbations' names '"
              + wanted + "' but no perturbed run has " + Tags.PERTURBATION + "=" + wanted
              + "; runs found for: " + perName.keySet() + ". Fix: drop it from the list or log "
              + "that run (mode=active)");
        }
      }
      if (evals.isEmpty()) {
        throw AitException.invalidInput("mode=passive: the perturbed runs of "
            + original.describe() + " hold only the unperturbed baseline; no perturbation to "
            + "measure. Fix: add perturbed runs");
      }
      List<PerturbedEval> labelled = new ArrayList<>();
      for (PerturbedEval e : evals) {
        String label = perName.get(e.perturbation()) > 1
            ? e.perturbation() + "_s" + e.severity() + "_" + e.runId().substring(0,
                Math.min(6, e.runId().length())) : e.perturbation();
        labelled.add(new PerturbedEval(label, e.perturbation(), e.severity(), e.seed(),
            e.llmGenerated(), e.rows(), e.runId()));
      }
      if (baseline == null) {
        baseline = originalBaseline(rows);
      }
      List<MlflowRunSource> all = new ArrayList<>(List.of(original));
      all.addAll(perturbed);
      log.info("Passive: {} perturbed run(s): {}", labelled.size(),
          labelled.stream().map(PerturbedEval::label).toList());
      return new Passive(all, baseline, labelled);
    }

    private static double parse(String v, double fallback) {
      try {
        return v == null ? fallback : Double.parseDouble(v);
      } catch (NumberFormatException e) {
        return fallback;
      }
    }

    private static List<MlflowRunSource> discover(MlflowRunSource original, Logger log) {
      if (original.trackingServer().isEmpty() || original.run().experimentId() == null) {
        return List.of();
      }
      TrackingServer server = original.trackingServer().get();
      String filter = "tags.`" + Tags.ORIGINAL_RUN_ID + "` = '" + original.run().runId() + "'";
      List<MlflowRunSource> out = new ArrayList<>();
      for (RunInfo info : RobustnessAit.read(() -> server.searchRuns(
          original.run().experimentId(), filter), original)) {
        if ("FINISHED".equals(info.status())) {
          out.add(RobustnessAit.read(() -> server.run(info.runId()), original));
        } else {
          log.warn("Perturbed run {} is {} and is skipped (only FINISHED runs are read)",
              info.runId(), info.status());
        }
      }
      // Repeated active jobs log the same perturbation again: keep the newest run of each
      // (perturbation, severity, seed); searchRuns lists the oldest first.
      Map<String, MlflowRunSource> newest = new LinkedHashMap<>();
      for (MlflowRunSource src : out) {
        String key = src.tags().get(Tags.PERTURBATION) + "|" + src.tags().get(Tags.SEVERITY)
            + "|" + src.tags().get(Tags.SEED);
        newest.remove(key);
        newest.put(key, src);
      }
      if (newest.size() < out.size()) {
        log.info("{} older run(s) with the same perturbation, severity and seed are left out "
            + "(the newest of each is read)", out.size() - newest.size());
      }
      log.info("Found {} run(s) tagged {}={}", newest.size(), Tags.ORIGINAL_RUN_ID,
          original.run().runId());
      return new ArrayList<>(newest.values());
    }
  }

  /** Active mode: baseline, perturbations and the logged runs. */
  static final class Active {
    private final Settings s;
    private final LlmClient client;
    private final Logger log;
    private final ActiveRunner runner;

    Active(Settings s, LlmClient client, Logger log) {
      this.s = s;
      this.client = client;
      this.log = log;
      this.runner = new ActiveRunner(s, client, log);
    }

    List<RowResult> baseline(List<OriginalRow> rows, MlflowRunSource original) {
      if (s.baselineFromRun()) {
        return Passive.originalBaseline(rows);
      }
      List<RowResult> out = runner.baseline(rows);
      long failed = out.stream().filter(r -> r.failure() != null).count();
      long asked = out.stream().filter(r -> r.outcome() == Outcome.APPLIED).count();
      if (asked > 0 && failed == asked) {
        String first = out.stream().filter(r -> r.failure() != null).findFirst()
            .map(RowResult::failure).orElse("");
        throw new AitException(ErrorCode.E901, "the model at " + client.describe()
            + " gave no usable answer to any of the " + asked + " unperturbed prompts (first "
            + "failure: " + first + "). Fix: check llm_base_url / llm_model and that the "
            + "endpoint is up");
      }
      log.info("Baseline: {} unperturbed prompts asked, {} without a usable answer", asked,
          failed);
      return out;
    }

    List<PerturbedEval> perturb(List<OriginalRow> rows) {
      List<PerturbedEval> out = new ArrayList<>();
      for (String name : s.perturbations()) {
        Perturbation p = Perturbations.PARAPHRASE.equals(name)
            ? new Paraphrase(client, s.paraphraseTemperature()) : Perturbations.ruleBased(name);
        List<RowResult> results = runner.perturbed(rows, p);
        out.add(new PerturbedEval(name, name, s.severity(), s.seed(), p.llmGenerated(), results,
            null));
        log.info("{}: {} rows asked", name,
            results.stream().filter(r -> r.outcome() == Outcome.APPLIED).count());
      }
      return out;
    }

    List<PerturbedEval> logRuns(MlflowRunSource original, List<OriginalRow> rows,
        List<RowResult> baseline, List<PerturbedEval> evals) {
      if (original.trackingServer().isEmpty() || original.run().experimentId() == null) {
        log.info("The original run is not on a tracking server; no perturbed run is logged");
        return evals;
      }
      PerturbedRunLogger logger = new PerturbedRunLogger(original.trackingServer().get(),
          original.run().experimentId());
      String base = original.run().runName() == null ? original.run().runId()
          : original.run().runName();
      List<PerturbedEval> out = new ArrayList<>();
      try {
        if (!s.baselineFromRun()) {
          PerturbedEval b = new PerturbedEval(Tags.BASELINE, Tags.BASELINE, 0, s.seed(), false,
              baseline, null);
          logger.log(base + "-" + Tags.BASELINE, tags(original, b), rows, b);
        }
        for (PerturbedEval e : evals) {
          out.add(e.withRunId(logger.log(base + "-" + e.label(), tags(original, e), rows, e)));
        }
        log.info("Logged {} perturbed run(s) in experiment {}", out.size()
            + (s.baselineFromRun() ? 0 : 1), original.run().experimentId());
        return out;
      } catch (MlflowRunException | IllegalArgumentException e) {
        log.warn("Logging the perturbed runs failed ({}); the measures are computed but the "
            + "perturbed runs are not (all) in MLflow", e.getMessage());
        return evals;
      }
    }

    private Map<String, String> tags(MlflowRunSource original, PerturbedEval e) {
      Map<String, String> t = new LinkedHashMap<>();
      t.put(Tags.ORIGINAL_RUN_ID, original.run().runId());
      t.put(Tags.PERTURBATION, e.perturbation());
      t.put(Tags.SEVERITY, String.valueOf(e.severity()));
      t.put(Tags.SEED, String.valueOf(e.seed()));
      t.put(Tags.LLM_GENERATED, String.valueOf(e.llmGenerated()));
      t.put(Tags.MODEL, client.describe());
      t.put("testbed.robustness.ait_version", VERSION);
      return t;
    }
  }
}
