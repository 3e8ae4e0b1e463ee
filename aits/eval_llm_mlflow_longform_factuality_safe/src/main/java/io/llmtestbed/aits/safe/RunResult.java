package io.llmtestbed.aits.safe;

import io.llmtestbed.aits.safe.pipeline.FactResult;
import io.llmtestbed.aits.safe.pipeline.Rating;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The rows of one evaluation run and the run-level aggregates the measures are made of.
 *
 * @param label the run's name in outputs
 * @param runId the MLflow run id (or the table's file name)
 * @param mode {@code safe} or {@code human}
 * @param rows every row, in table order
 */
public record RunResult(String label, String runId, String mode, List<RowResult> rows) {
  public RunResult {
    rows = List.copyOf(rows);
  }

  /** Rows SAFE ran on. */
  public List<ResponseResult> safeResults() {
    return rows.stream().filter(r -> r.safe() != null).map(RowResult::safe).toList();
  }

  /** A per-response SAFE value over rows SAFE ran on, NaN values left out. */
  public double[] safeValues(ToDoubleFunction<ResponseResult> f) {
    return safeResults().stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).toArray();
  }

  /** Human precision of every annotated response whose precision is defined. */
  public double[] humanPrecisions() {
    return rows.stream().filter(r -> r.human() != null).mapToDouble(r -> r.human().precision())
        .filter(v -> !Double.isNaN(v)).toArray();
  }

  public long abstained() {
    return rows.stream().filter(RowResult::abstained).count();
  }

  /** All SAFE facts of the run. */
  public long facts() {
    return safeResults().stream().mapToLong(r -> r.facts().size()).sum();
  }

  public long count(Rating rating) {
    return safeResults().stream().mapToLong(r -> r.count(rating)).sum();
  }

  /** UNRATED facts over all facts; 0 when there is no fact. */
  public double unratedShare() {
    long n = facts();
    return n == 0 ? 0.0 : (double) count(Rating.UNRATED) / n;
  }

  public double llmCallsPerFact() {
    long n = facts();
    return n == 0 ? 0.0
        : (double) safeResults().stream().mapToLong(ResponseResult::llmRequests).sum() / n;
  }

  public double searchCallsPerFact() {
    long n = facts();
    return n == 0 ? 0.0
        : (double) safeResults().stream().mapToLong(ResponseResult::searchRequests).sum() / n;
  }

  /**
   * Fact-level agreement of SAFE with the human labels: among facts humans labelled S or NS
   * and SAFE rated (not UNRATED), those where SAFE says Supported for S and Not Supported for
   * NS; SAFE's Irrelevant on such a fact is a disagreement. Facts humans labelled IR are left
   * out (FActScore excludes them from precision too). {@code [agreeing, compared]}.
   */
  // LIMIT: S vs NS only; the paper's 3-way agreement including IR facts is not reported.
  public long[] agreement() {
    long agree = 0;
    long compared = 0;
    for (ResponseResult r : safeResults()) {
      for (FactResult f : r.facts()) {
        String human = f.humanLabel();
        if (human == null || human.equals("IR") || f.rating() == Rating.UNRATED) {
          continue;
        }
        compared++;
        if (human.equals("S") && f.rating() == Rating.SUPPORTED
            || human.equals("NS") && f.rating() == Rating.NOT_SUPPORTED) {
          agree++;
        }
      }
    }
    return new long[] {agree, compared};
  }
}
