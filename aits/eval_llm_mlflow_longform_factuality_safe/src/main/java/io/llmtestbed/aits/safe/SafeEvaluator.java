package io.llmtestbed.aits.safe;

import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.aits.safe.pipeline.AtomicFact;
import io.llmtestbed.aits.safe.pipeline.FactResult;
import io.llmtestbed.aits.safe.pipeline.Language;
import io.llmtestbed.aits.safe.pipeline.Pipeline;
import io.llmtestbed.aits.safe.pipeline.SentenceResult;
import io.llmtestbed.aits.safe.search.SearchBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The SAFE engine: evaluates prompt-response pairs into {@link ResponseResult}s, the entry the
 * AIT and the {@code batch} command share.
 *
 * <p>Thread-safe: {@link #evaluate} may be called from many threads at once. The sentences and
 * facts of every response in flight are worked on by one pool of
 * {@link SafeSettings#concurrency()} threads (with {@code parallelFacts}); the LLM client bounds
 * the requests in flight to its endpoint on top of that. The evaluator neither owns nor closes
 * the LLM client and the search backend; {@link #close()} stops its pool.
 *
 * <p>Failures: an LLM, parse or search failure of one fact makes that fact UNRATED with the
 * reason; an egress refusal ({@code EgressDeniedException}) is thrown unwrapped and ends the
 * call.
 */
public final class SafeEvaluator implements AutoCloseable {
  private final SafeSettings settings;
  private final Pipeline pipeline;
  private final ExecutorService pool;

  /**
   * @param settings how to run SAFE
   * @param llm the rater model (temperature and other settings come from {@code settings})
   * @param search where evidence comes from
   */
  public SafeEvaluator(SafeSettings settings, LlmClient llm, SearchBackend search) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.pipeline = new Pipeline(settings.temperature(), settings.maxTokens(),
        settings.maxParseRetries(), settings.demonstrations(), settings.maxSteps(),
        settings.earlyStop(), settings.firstQueryFromFact(), settings.resultsPerQuery(),
        Objects.requireNonNull(llm, "llm"), Objects.requireNonNull(search, "search"));
    AtomicInteger n = new AtomicInteger();
    this.pool = settings.parallelFacts() ? Executors.newFixedThreadPool(settings.concurrency(),
        r -> {
          Thread t = new Thread(r, "safe-fact-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }) : null;
  }

  public SafeSettings settings() {
    return settings;
  }

  /** The pipeline's steps (for tests and the trace: prompts, parsers). */
  public Pipeline pipeline() {
    return pipeline;
  }

  /** Runs the whole pipeline on one response: split, revise, relevance, rate. */
  public ResponseResult evaluate(String prompt, String response) {
    String text = response == null ? "" : response;
    List<String> sentences = pipeline.splitter().split(text);
    List<SentenceResult> split = map(sentences.size(),
        i -> pipeline.generator().split(i, sentences.get(i)));
    return finish(prompt, text, split);
  }

  /**
   * Human-label mode: starts at revision with the given facts (one list per sentence, e.g. the
   * annotators' atomic facts); splitting costs nothing.
   *
   * @param sentences the sentence texts, parallel to {@code factsBySentence}
   */
  public ResponseResult evaluateFacts(String prompt, String response, List<String> sentences,
      List<List<String>> factsBySentence) {
    if (sentences.size() != factsBySentence.size()) {
      throw new IllegalArgumentException("sentences (" + sentences.size() + ") and "
          + "factsBySentence (" + factsBySentence.size() + ") must have the same size");
    }
    List<SentenceResult> given = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      int index = i;
      List<AtomicFact> facts = factsBySentence.get(i).stream()
          .map(f -> new AtomicFact(index, sentences.get(index), f)).toList();
      given.add(new SentenceResult(i, sentences.get(i), facts, null, 0, 0));
    }
    return finish(prompt, response == null ? "" : response, given);
  }

  private ResponseResult finish(String prompt, String response, List<SentenceResult> split) {
    String question = prompt == null ? "" : prompt;
    List<Pipeline.Revised> revised = map(split.size(),
        i -> pipeline.revise(question, response, split.get(i), settings.batchRevision()));
    List<Pipeline.Pending> pending = new ArrayList<>();
    List<SentenceResult> sentences = new ArrayList<>();
    for (Pipeline.Revised r : revised) {
      sentences.add(r.sentence());
      pending.addAll(r.facts());
    }
    List<FactResult> facts = map(pending.size(), i -> pipeline.rate(pending.get(i)));
    return new ResponseResult(question, response, Language.detect(response), sentences, facts);
  }

  private <T> List<T> map(int n, IntFunction<T> task) {
    List<T> out = new ArrayList<>(n);
    if (pool == null || n <= 1) {
      for (int i = 0; i < n; i++) {
        out.add(task.apply(i));
      }
      return out;
    }
    List<CompletableFuture<T>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      futures.add(CompletableFuture.supplyAsync(() -> task.apply(index), pool));
    }
    for (CompletableFuture<T> f : futures) {
      try {
        out.add(f.join());
      } catch (CompletionException e) {
        // the task's own exception (an egress refusal, a bug) leaves unwrapped
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
