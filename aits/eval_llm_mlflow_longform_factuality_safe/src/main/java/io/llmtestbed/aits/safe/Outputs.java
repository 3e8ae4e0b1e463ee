package io.llmtestbed.aits.safe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.llmtestbed.ait.sdk.report.BarChart;
import io.llmtestbed.ait.sdk.report.CsvWriter;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.stats.ConfidenceIntervals;
import io.llmtestbed.ait.sdk.stats.Estimate;
import io.llmtestbed.aits.safe.pipeline.FactResult;
import io.llmtestbed.aits.safe.pipeline.Rating;
import io.llmtestbed.aits.safe.pipeline.SearchStep;
import io.llmtestbed.aits.safe.search.SearchResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measures, the per-response table, the chart and the per-fact trace, computed once from
 * the runs and shared with the write-back.
 */
final class Outputs {
  /** Header of the per-response CSV and of the MLflow table artifact. */
  static final List<String> RESPONSE_HEADER = List.of("run", "run_id", "row", "question_id",
      "mode", "language", "facts", "supported", "not_supported", "irrelevant", "unrated",
      "precision", "recall_at_k", "f1_at_k", "recall_at_k2", "f1_at_k2", "llm_requests",
      "llm_cache_hits", "search_requests", "abstained", "human_S", "human_NS", "human_IR",
      "human_precision");
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final AitSettings settings;
  private final List<RunResult> runs;
  /** measure → per run estimate (null = not applicable to that run). */
  private final Map<String, List<Estimate>> estimates = new LinkedHashMap<>();

  Outputs(AitSettings settings, List<RunResult> runs) {
    this.settings = settings;
    this.runs = runs;
    int k = settings.k();
    int k2 = settings.k2();
    put(Measures.PRECISION, r -> r.safeValues(ResponseResult::precision));
    put(Measures.RECALL_K, r -> r.safeValues(x -> x.recallAtK(k)));
    put(Measures.F1_K, r -> r.safeValues(x -> x.f1AtK(k)));
    put(Measures.RECALL_K2, r -> r.safeValues(x -> x.recallAtK(k2)));
    put(Measures.F1_K2, r -> r.safeValues(x -> x.f1AtK(k2)));
    put(Measures.HUMAN_PRECISION, RunResult::humanPrecisions);
    List<Estimate> agreement = new ArrayList<>();
    for (RunResult r : runs) {
      long[] a = r.agreement();
      agreement.add(a[1] == 0 ? null
          : ConfidenceIntervals.wilson(a[0], a[1], settings.confidenceLevel()));
    }
    estimates.put(Measures.AGREEMENT, agreement);
  }

  private void put(String measure, java.util.function.Function<RunResult, double[]> values) {
    List<Estimate> perRun = new ArrayList<>();
    for (RunResult r : runs) {
      double[] xs = values.apply(r);
      perRun.add(xs.length == 0 ? null : SafeAit.estimate(settings, xs));
    }
    estimates.put(measure, perRun);
  }

  /** The estimate of a measure for run {@code i}, or null when it does not apply. */
  Estimate estimate(String measure, int i) {
    return estimates.get(measure).get(i);
  }

  List<RunResult> runs() {
    return runs;
  }

  /**
   * Records every measure. A measure that does not apply to every run is marked not applicable
   * (with the runs it lacks); its per-run values stay in the response table and the write-back.
   */
  void record(AitContext ctx) {
    for (String m : Measures.WITH_INTERVAL) {
      List<Estimate> perRun = estimates.get(m);
      String why = missing(m, perRun);
      if (why != null) {
        ctx.notApplicable(m, why);
        ctx.notApplicable(m + "_ci_lower", why);
        ctx.notApplicable(m + "_ci_upper", why);
        continue;
      }
      // LIMIT: a measure cannot be empty (Qunomon stores float()), so an undefined interval
      // (one response) is recorded as the value itself; the CSV leaves it out.
      ctx.measureSequence(m, perRun.stream().mapToDouble(Estimate::value).toArray());
      ctx.measureSequence(m + "_ci_lower", perRun.stream()
          .mapToDouble(e -> Double.isNaN(e.lower()) ? e.value() : e.lower()).toArray());
      ctx.measureSequence(m + "_ci_upper", perRun.stream()
          .mapToDouble(e -> Double.isNaN(e.upper()) ? e.value() : e.upper()).toArray());
    }
    List<Estimate> agreement = estimates.get(Measures.AGREEMENT);
    String why = missing(Measures.AGREEMENT, agreement);
    if (why != null) {
      ctx.notApplicable(Measures.AGREEMENT, why);
    } else {
      ctx.measureSequence(Measures.AGREEMENT,
          agreement.stream().mapToDouble(Estimate::value).toArray());
    }
    List<String> withoutSafe = runs.stream().filter(r -> r.safeResults().isEmpty())
        .map(RunResult::label).toList();
    if (withoutSafe.isEmpty()) {
      ctx.measureSequence(Measures.FACTS_PER_RESPONSE, runs.stream()
          .mapToDouble(r -> (double) r.facts() / r.safeResults().size()).toArray());
      ctx.measureSequence(Measures.UNRATED_SHARE,
          runs.stream().mapToDouble(RunResult::unratedShare).toArray());
      ctx.measureSequence(Measures.LLM_CALLS,
          runs.stream().mapToDouble(RunResult::llmCallsPerFact).toArray());
      ctx.measureSequence(Measures.SEARCH_CALLS,
          runs.stream().mapToDouble(RunResult::searchCallsPerFact).toArray());
    } else {
      String reason = withoutSafe.size() == runs.size() ? reason(Measures.PRECISION)
          : "SAFE rated no response of run(s) " + withoutSafe;
      for (String m : List.of(Measures.FACTS_PER_RESPONSE, Measures.UNRATED_SHARE,
          Measures.LLM_CALLS, Measures.SEARCH_CALLS)) {
        ctx.notApplicable(m, reason);
      }
    }
    ctx.measureSequence(Measures.RESPONSES, runs.stream().mapToDouble(r -> r.mode()
        .equals("human") ? r.rows().size() - r.abstained() : r.safeResults().size()).toArray());
    if (runs.stream().allMatch(r -> r.mode().equals("human"))) {
      ctx.measureSequence(Measures.ABSTAINED,
          runs.stream().mapToDouble(RunResult::abstained).toArray());
    } else {
      ctx.notApplicable(Measures.ABSTAINED, "not every run is in human-label mode");
    }
  }

  /** Why a measure is not recorded, or null when every run has a value. */
  private String missing(String measure, List<Estimate> perRun) {
    if (perRun.stream().allMatch(e -> e == null)) {
      return reason(measure);
    }
    List<String> lacking = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      if (perRun.get(i) == null) {
        lacking.add(runs.get(i).label());
      }
    }
    // LIMIT: a per-run sequence cannot hold an empty value, so a measure missing for one run
    // is left out for all; the per-run values are in the response table and in MLflow.
    return lacking.isEmpty() ? null : "no value for run(s) " + lacking + " ("
        + reason(measure) + "); the other runs' values are in the response table and MLflow";
  }

  private String reason(String measure) {
    if (measure.equals(Measures.HUMAN_PRECISION)) {
      return "no run has human labels (column '" + settings.annotationsColumn()
          + "' with annotated rows; parameter mode=" + settings.mode() + ")";
    }
    if (measure.equals(Measures.AGREEMENT)) {
      return settings.llmConfigured()
          ? "no fact has both a human S/NS label and a SAFE rating"
          : "agreement needs SAFE on the human facts, and no LLM is configured (llm_model)";
    }
    return settings.llmConfigured() ? "SAFE rated no response with a supported or not-supported "
        + "fact" : "SAFE did not run: no LLM is configured (parameter llm_model is empty)";
  }

  /** Writes every fact of every run, one JSON object a line. */
  void writeTrace(Path file) {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (RunResult run : runs) {
        for (RowResult row : run.rows()) {
          if (row.safe() == null) {
            continue;
          }
          int i = 0;
          for (FactResult f : row.safe().facts()) {
            w.write(JSON.writeValueAsString(traceLine(run, row, i++, f)));
            w.write('\n');
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the fact trace " + file + ": " + e, e);
    }
  }

  static Map<String, Object> traceLine(RunResult run, RowResult row, int index, FactResult f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run", run.label());
    m.put("run_id", run.runId());
    m.put("row", row.row());
    m.put("question_id", row.key());
    m.put("fact_index", index);
    m.put("sentence_index", f.fact().sentenceIndex());
    m.put("sentence", f.fact().sentence());
    m.put("fact", f.fact().text());
    m.put("revision", f.revised());
    m.put("relevant", f.relevant());
    List<Map<String, Object>> steps = new ArrayList<>();
    for (SearchStep s : f.steps()) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("query", s.query());
      step.put("origin", s.origin());
      List<Map<String, Object>> evidence = new ArrayList<>();
      for (SearchResult r : s.results()) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("title", r.title());
        e.put("text", r.text());
        e.put("source", r.source());
        e.put("score", r.score());
        evidence.add(e);
      }
      step.put("evidence", evidence);
      step.put("error", s.error());
      steps.add(step);
    }
    m.put("queries", f.steps().stream().map(SearchStep::query).toList());
    m.put("searches", steps);
    m.put("rating", f.rating().label());
    m.put("reason", f.reason());
    m.put("llm_requests", f.llmRequests());
    m.put("llm_cache_hits", f.llmCacheHits());
    m.put("search_requests", f.searchRequests());
    m.put("duplicate_queries", f.duplicateQueries());
    m.put("human_label", f.humanLabel());
    return m;
  }

  /** The per-response rows (CSV resource and MLflow table). */
  List<List<Object>> responseRows(RunResult run) {
    List<List<Object>> out = new ArrayList<>();
    for (RowResult row : run.rows()) {
      ResponseResult s = row.safe();
      HumanLabels h = row.human();
      List<Object> cells = new ArrayList<>();
      cells.add(run.label());
      cells.add(run.runId());
      cells.add(row.row());
      cells.add(row.key());
      cells.add(run.mode());
      cells.add(s == null ? null : s.language().code());
      cells.add(s == null ? null : s.facts().size());
      cells.add(s == null ? null : s.supported());
      cells.add(s == null ? null : s.notSupported());
      cells.add(s == null ? null : s.irrelevant());
      cells.add(s == null ? null : s.unrated());
      cells.add(s == null ? null : nan(s.precision()));
      cells.add(s == null ? null : s.recallAtK(settings.k()));
      cells.add(s == null ? null : s.f1AtK(settings.k()));
      cells.add(s == null ? null : s.recallAtK(settings.k2()));
      cells.add(s == null ? null : s.f1AtK(settings.k2()));
      cells.add(s == null ? null : s.llmRequests());
      cells.add(s == null ? null : s.llmCacheHits());
      cells.add(s == null ? null : s.searchRequests());
      cells.add(row.abstained());
      cells.add(h == null ? null : h.count("S"));
      cells.add(h == null ? null : h.count("NS"));
      cells.add(h == null ? null : h.count("IR"));
      cells.add(h == null ? null : nan(h.precision()));
      out.add(cells);
    }
    return out;
  }

  private static Double nan(double v) {
    return Double.isNaN(v) ? null : v;
  }

  void writeResponseTable(Path file) {
    try (CsvWriter csv = CsvWriter.open(file, RESPONSE_HEADER)) {
      for (RunResult run : runs) {
        responseRows(run).forEach(csv::row);
      }
    }
  }

  void writeChart(Path file) {
    BarChart.Builder chart = BarChart.builder()
        .title("SAFE long-form factuality per run")
        .categoryAxisLabel("measure")
        .valueAxisLabel("mean over responses (" + Math.round(settings.confidenceLevel() * 100)
            + "% interval)")
        .valueRange(0, 1)
        .size(Math.max(800, 160 * runs.size() * 3), 500);
    List<String> shown = List.of(Measures.PRECISION, Measures.F1_K, Measures.F1_K2,
        Measures.HUMAN_PRECISION);
    for (String m : shown) {
      for (int i = 0; i < runs.size(); i++) {
        Estimate e = estimate(m, i);
        if (e != null) {
          String category = Measures.mlflowName(m, settings.k(), settings.k2());
          if (Double.isNaN(e.lower())) {
            chart.bar(category, runs.get(i).label(), e.value());
          } else {
            chart.bar(category, runs.get(i).label(), e);
          }
        }
      }
    }
    chart.build().writePng(file);
  }

  /** Rating counts over all runs, for logs. */
  Map<Rating, Long> counts() {
    Map<Rating, Long> m = new LinkedHashMap<>();
    for (Rating r : Rating.values()) {
      m.put(r, runs.stream().mapToLong(x -> x.count(r)).sum());
    }
    return m;
  }
}
