package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.llm.ChatMessage;
import io.llmtestbed.ait.sdk.llm.ChatRequest;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmException;
import io.llmtestbed.aits.robustness.perturb.Outcome;
import io.llmtestbed.aits.robustness.perturb.Perturbation;
import io.llmtestbed.aits.robustness.perturb.PerturbationInput;
import io.llmtestbed.aits.robustness.perturb.PerturbationResult;
import io.llmtestbed.aits.robustness.perturb.Perturber;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * Active mode: perturbs each original prompt and asks the model, {@code concurrency} rows at a
 * time. Every row gets a result: an answer, or a failure ({@code empty_answer},
 * {@code llm_error:<KIND>}, {@code not_sent} after the endpoint was given up). After
 * {@value #GIVE_UP_AFTER} consecutive connection or timeout failures the endpoint is taken as
 * down and the remaining rows are not sent (each counted as {@code not_sent}).
 */
final class ActiveRunner {
  static final String QUERY_PURPOSE = "robustness.query";
  static final String BASELINE_PURPOSE = "robustness.baseline";
  static final int GIVE_UP_AFTER = 10;

  private final Settings settings;
  private final LlmClient client;
  private final Logger log;
  private final AtomicInteger consecutiveDown = new AtomicInteger();
  private final AtomicBoolean givenUp = new AtomicBoolean();

  ActiveRunner(Settings settings, LlmClient client, Logger log) {
    this.settings = settings;
    this.client = client;
    this.log = log;
  }

  /** The model's answers to the unperturbed prompts (outcome APPLIED, the prompt itself). */
  List<RowResult> baseline(List<OriginalRow> rows) {
    return run(rows, row -> new PerturbationResult(row.input(), row.gold(), Outcome.APPLIED,
        "unperturbed", Map.of()), BASELINE_PURPOSE);
  }

  /** The model's answers to the prompts perturbed by {@code p}. */
  List<RowResult> perturbed(List<OriginalRow> rows, Perturbation p) {
    Perturber perturber = new Perturber(settings.seed());
    return run(rows, row -> perturber.perturb(p, new PerturbationInput(row.key(), row.input(),
        row.gold()), settings.severity()), QUERY_PURPOSE);
  }

  private List<RowResult> run(List<OriginalRow> rows,
      java.util.function.Function<OriginalRow, PerturbationResult> perturb, String purpose) {
    ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency());
    try {
      List<Future<RowResult>> futures = new ArrayList<>(rows.size());
      for (OriginalRow row : rows) {
        futures.add(pool.submit(() -> one(row, perturb, purpose)));
      }
      List<RowResult> out = new ArrayList<>(rows.size());
      for (Future<RowResult> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while querying the model", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("a row failed unexpectedly: " + e.getCause(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  // LIMIT: which rows end as not_sent after the endpoint is given up depends on thread timing;
  // their number is always reported, their identity may differ between runs.
  private RowResult one(OriginalRow row,
      java.util.function.Function<OriginalRow, PerturbationResult> perturb, String purpose) {
    if (row.input() == null) {
      return new RowResult(row.index(), row.key(), Outcome.NOT_APPLICABLE, "the input cell is "
          + "null", null, row.gold(), null, null, Map.of());
    }
    PerturbationResult p = perturb.apply(row);
    if (p.outcome() != Outcome.APPLIED) {
      return new RowResult(row.index(), row.key(), p.outcome(), p.detail(), p.text(), p.gold(),
          null, null, p.labelMap());
    }
    if (givenUp.get()) {
      return result(row, p, null, "not_sent");
    }
    ChatRequest.Builder request = ChatRequest.builder()
        .message(ChatMessage.user(p.text()))
        .temperature(settings.temperature())
        .maxTokens(settings.maxTokens())
        .seed(settings.seed())
        .purpose(purpose);
    try {
      String text = client.chat(request.build()).text();
      consecutiveDown.set(0);
      return result(row, p, text, text.isBlank() ? "empty_answer" : null);
    } catch (LlmException e) {
      if (e.kind() == LlmException.Kind.CONNECTION || e.kind() == LlmException.Kind.TIMEOUT) {
        if (consecutiveDown.incrementAndGet() >= GIVE_UP_AFTER && givenUp.compareAndSet(false,
            true)) {
          log.warn("{} consecutive requests failed with {} ({}); the endpoint is taken as "
              + "down and the remaining rows are not sent (each counted as failure not_sent)",
              GIVE_UP_AFTER, e.kind(), e.getMessage());
        }
      }
      return result(row, p, null, "llm_error:" + e.kind());
    }
  }

  private static RowResult result(OriginalRow row, PerturbationResult p, String answer,
      String failure) {
    return new RowResult(row.index(), row.key(), p.outcome(), p.detail(), p.text(), p.gold(),
        answer, failure, p.labelMap());
  }

  /** Whether the endpoint was given up as down. */
  boolean givenUp() {
    return givenUp.get();
  }
}
