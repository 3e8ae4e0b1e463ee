package io.llmtestbed.aits.safe;

import io.llmtestbed.ait.sdk.mlflow.MlflowRunSource;
import io.llmtestbed.ait.sdk.mlflow.RunWriteBacks;
import io.llmtestbed.ait.sdk.stats.Estimate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Writes the results into each MLflow run read from a tracking server:
 *
 * <ul>
 *   <li>metrics {@code safe_factuality/<measure>/mean}, {@code .../ci_lower},
 *       {@code .../ci_upper}, with K in the name ({@code safe_factuality/f1_at_64/mean}), plus
 *       {@code safe_factuality/unrated_share}, {@code .../facts_per_response},
 *       {@code .../llm_calls_per_fact}, {@code .../search_calls_per_fact},
 *       {@code .../responses_evaluated} and, in human-label mode, {@code .../abstained};
 *   <li>tags {@code safe_factuality.ait_name}, {@code .ait_version}, {@code .evaluated_at},
 *       {@code .mode} and {@code .settings};
 *   <li>the per-response table as the artifact {@value #TABLE_ARTIFACT}, registered so the
 *       MLflow UI's evaluation view lists it.
 * </ul>
 */
final class WriteBack {
  static final String PREFIX = "safe_factuality/";
  static final String TAG_PREFIX = "safe_factuality.";
  static final String TABLE_ARTIFACT = "safe_factuality_eval_table.json";

  private final AitSettings settings;
  private final Outputs outputs;
  private final Logger log;

  WriteBack(AitSettings settings, Outputs outputs, Logger log) {
    this.settings = settings;
    this.outputs = outputs;
    this.log = log;
  }

  /** Writes every run from a tracking server; a failed run is a warning, the output stands. */
  void write(List<MlflowRunSource> sources, List<RunResult> runs) {
    String evaluatedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    List<String> labels = runs.stream().map(RunResult::label).toList();
    RunWriteBacks.toEach(sources, labels, TABLE_ARTIFACT, log, (i, target) -> {
      RunResult run = runs.get(i);
      Map<String, Double> metrics = metricsOf(i, run);
      target.logMetrics(metrics);
      target.setTags(tags(evaluatedAt, run));
      target.logTable(TABLE_ARTIFACT, Outputs.RESPONSE_HEADER, outputs.responseRows(run));
      return metrics.size();
    });
  }

  /** The metric keys and values written to run {@code index}. */
  Map<String, Double> metricsOf(int index, RunResult run) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String m : Measures.WITH_INTERVAL) {
      Estimate e = outputs.estimate(m, index);
      if (e == null) {
        continue;
      }
      String name = PREFIX + Measures.mlflowName(m, settings.k(), settings.k2());
      out.put(name + "/mean", e.value());
      if (!Double.isNaN(e.lower())) {
        out.put(name + "/ci_lower", e.lower());
        out.put(name + "/ci_upper", e.upper());
      }
    }
    Estimate agreement = outputs.estimate(Measures.AGREEMENT, index);
    if (agreement != null) {
      out.put(PREFIX + "agreement/mean", agreement.value());
      out.put(PREFIX + "agreement/ci_lower", agreement.lower());
      out.put(PREFIX + "agreement/ci_upper", agreement.upper());
    }
    if (!run.safeResults().isEmpty()) {
      out.put(PREFIX + "facts_per_response", (double) run.facts() / run.safeResults().size());
      out.put(PREFIX + "unrated_share", run.unratedShare());
      out.put(PREFIX + "llm_calls_per_fact", run.llmCallsPerFact());
      out.put(PREFIX + "search_calls_per_fact", run.searchCallsPerFact());
    }
    out.put(PREFIX + "responses_evaluated", (double) (run.mode().equals("human")
        ? run.rows().size() - run.abstained() : run.safeResults().size()));
    if (run.mode().equals("human")) {
      out.put(PREFIX + "abstained", (double) run.abstained());
    }
    return out;
  }

  private Map<String, String> tags(String evaluatedAt, RunResult run) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TAG_PREFIX + "ait_name", SafeAit.NAME);
    tags.put(TAG_PREFIX + "ait_version", SafeAit.VERSION);
    tags.put(TAG_PREFIX + "evaluated_at", evaluatedAt);
    tags.put(TAG_PREFIX + "mode", run.mode());
    StringBuilder s = new StringBuilder("k=" + settings.k() + " k2=" + settings.k2());
    if (settings.llmConfigured()) {
      s.append(" llm_backend=").append(settings.llm().backend()).append(" llm_model=")
          .append(settings.llm().model()).append(" search_backend=")
          .append(settings.searchBackend());
      settings.safe().asMap().forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
    }
    tags.put(TAG_PREFIX + "settings", s.toString());
    return tags;
  }
}
