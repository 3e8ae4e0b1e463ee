package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.llm.LlmSettings;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.aits.robustness.perturb.Perturbations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of one AIT run, read and checked once.
 *
 * @param mode passive or active
 * @param perturbations the perturbation names asked for, in order; empty = passive "default"
 *     (every perturbation that has a perturbed run)
 * @param severity in [0, 1]
 * @param seed seed of every perturbation and resampling
 * @param inputColumn column holding the prompt
 * @param predictionColumn column holding the model's answer
 * @param targetColumn column holding the gold answer
 * @param equivalence how a perturbed answer is compared with the unperturbed one
 * @param threshold cosine threshold of equivalence=embedding
 * @param concurrency requests in flight at once (active mode)
 * @param baselineFromRun true: the unperturbed answers are the run's own outputs; false: the
 *     model is asked the unperturbed prompts too (active mode)
 * @param llm how to reach the model (active mode and paraphrase)
 * @param temperature temperature of the model under test; null = endpoint default
 * @param maxTokens max answer tokens; null = endpoint default
 * @param paraphraseTemperature temperature of the paraphrase calls
 * @param confidenceLevel coverage of every interval
 * @param bootstrapSamples resamples of the paired bootstrap
 * @param writeBack write measures into the original run and log perturbed runs
 */
record Settings(
    Mode mode,
    List<String> perturbations,
    double severity,
    long seed,
    String inputColumn,
    String predictionColumn,
    String targetColumn,
    Equivalence equivalence,
    double threshold,
    int concurrency,
    boolean baselineFromRun,
    LlmSettings llm,
    Double temperature,
    Integer maxTokens,
    double paraphraseTemperature,
    double confidenceLevel,
    int bootstrapSamples,
    boolean writeBack) {

  /** Active mode's default list: every rule-based perturbation. */
  static List<String> activeDefault() {
    return Perturbations.ruleBased().stream().map(p -> p.name()).toList();
  }

  static Settings from(AitContext ctx) {
    try {
      Mode mode = Mode.parse(ctx.stringParam("mode"));
      String list = ctx.stringParam("perturbations");
      List<String> perturbations = mode == Mode.PASSIVE && "default".equalsIgnoreCase(
          list == null ? "" : list.strip()) ? List.of()
          : Perturbations.parse(list, activeDefault());
      double severity = ctx.doubleParam("severity");
      if (!(severity >= 0 && severity <= 1)) {
        throw new IllegalArgumentException("parameter 'severity' must be in [0, 1], found "
            + severity);
      }
      double temperature = ctx.doubleParam("temperature");
      int maxTokens = ctx.intParam("max_tokens");
      return new Settings(mode, perturbations, severity, ctx.intParam("seed"),
          column(ctx, "input_column"), column(ctx, "prediction_column"),
          column(ctx, "target_column"), Equivalence.parse(ctx.stringParam("equivalence")),
          ctx.doubleParam("threshold"), ctx.intParam("concurrency"),
          baseline(ctx.stringParam("baseline")), llm(ctx), temperature < 0 ? null : temperature,
          maxTokens <= 0 ? null : maxTokens, ctx.doubleParam("paraphrase_temperature"),
          ctx.doubleParam("confidence_level"), ctx.intParam("bootstrap_samples"),
          ctx.boolParam("write_back"));
    } catch (IllegalArgumentException e) {
      throw AitException.invalidInput(e.getMessage(), e);
    }
  }

  private static boolean baseline(String value) {
    String v = value == null ? "" : value.strip();
    if (v.equalsIgnoreCase("query")) {
      return false;
    }
    if (v.equalsIgnoreCase("run")) {
      return true;
    }
    throw new IllegalArgumentException("parameter 'baseline' must be query or run, found '"
        + value + "'. Fix: query asks the model the unperturbed prompts too (same endpoint for "
        + "both sides); run takes the run's own outputs");
  }

  private static LlmSettings llm(AitContext ctx) {
    String cache = ctx.stringParam("llm_cache_dir");
    String keyEnv = ctx.stringParam("llm_api_key_env");
    Map<String, String> options = new LinkedHashMap<>();
    String opts = ctx.stringParam("llm_options");
    for (String pair : (opts == null ? "" : opts).split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("parameter 'llm_options': '" + pair.strip()
            + "' is not key=value. Fix: a comma list such as input_column=prompt,model_path=/m");
      }
      options.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    int concurrency = ctx.intParam("concurrency");
    return LlmSettings.builder()
        .backend(ctx.stringParam("llm_backend"))
        .baseUrl(blankToNull(ctx.stringParam("llm_base_url")))
        .model(blankToNull(ctx.stringParam("llm_model")))
        .apiKeyEnv(blankToNull(keyEnv))
        .timeout(Duration.ofMillis((long) (ctx.doubleParam("llm_timeout_seconds") * 1000)))
        .maxRetries(ctx.intParam("llm_max_retries"))
        .maxConcurrency(concurrency)
        .requestsPerSecond(ctx.doubleParam("llm_requests_per_second"))
        .cacheDir(cache == null || cache.isBlank() ? null : Path.of(cache.strip()))
        .options(options)
        .build();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String column(AitContext ctx, String parameter) {
    String value = ctx.stringParam(parameter);
    if (value == null || value.isBlank()) {
      throw AitException.invalidInput("parameter '" + parameter + "' is empty; it must name a "
          + "column of the eval table. Fix: pass the column name, or leave the parameter out "
          + "to use its default");
    }
    return value.strip();
  }

  /** The settings as one line, for tags and the log (no secrets: the key is an env name). */
  String describe() {
    return "mode=" + mode.label() + " perturbations=" + String.join(",", perturbations)
        + " severity=" + severity + " seed=" + seed + " equivalence=" + equivalence.label()
        + (equivalence == Equivalence.EMBEDDING ? " threshold=" + threshold : "")
        + " baseline=" + (baselineFromRun ? "run" : "query") + " confidence_level="
        + confidenceLevel + " bootstrap_samples=" + bootstrapSamples;
  }
}
