package io.llmtestbed.aits.safe.pipeline;

import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.aits.safe.search.SearchBackend;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of SAFE wired together for one configuration; each step is its own unit
 * ({@link SentenceSplitter}, {@link AtomicFactGenerator}, {@link FactReviser},
 * {@link FactRater}). Stateless between calls and thread-safe.
 */
public final class Pipeline {
  private final SentenceSplitter splitter = new SentenceSplitter();
  private final AtomicFactGenerator generator;
  private final FactReviser reviser;
  private final FactRater rater;

  /** See {@code SafeSettings} for the meaning of each argument. */
  public Pipeline(Double temperature, Integer maxTokens, int maxParseRetries, int demonstrations,
      int maxSteps, boolean earlyStop, boolean firstQueryFromFact, int resultsPerQuery,
      LlmClient llm, SearchBackend search) {
    LlmStep step = new LlmStep(llm, temperature, maxTokens, maxParseRetries);
    this.generator = new AtomicFactGenerator(step, Demonstrations.builtIn(), demonstrations);
    this.reviser = new FactReviser(step);
    this.rater = new FactRater(step, search, maxSteps, earlyStop, firstQueryFromFact,
        resultsPerQuery);
  }

  public SentenceSplitter splitter() {
    return splitter;
  }

  public AtomicFactGenerator generator() {
    return generator;
  }

  public FactReviser reviser() {
    return reviser;
  }

  public FactRater rater() {
    return rater;
  }

  /** A fact after revision and relevance, waiting to be rated (or already final). */
  public record Pending(AtomicFact fact, Revision revision, String splitFailure) {}

  /** A sentence with its revision cost added, and its facts. */
  public record Revised(SentenceResult sentence, List<Pending> facts) {}

  /** Steps 2 and 3 for the facts of one sentence. */
  public Revised revise(String question, String response, SentenceResult s, boolean batch) {
    if (s.splitFailure() != null) {
      List<Pending> facts = s.facts().stream()
          .map(f -> new Pending(f, null, s.splitFailure())).toList();
      return new Revised(s, facts);
    }
    List<Pending> facts = new ArrayList<>();
    int requests = s.llmRequests();
    int hits = s.llmCacheHits();
    if (batch) {
      FactReviser.Batch b = reviser.reviseBatch(question, response, s.facts());
      requests += b.requests();
      hits += b.cacheHits();
      for (int i = 0; i < s.facts().size(); i++) {
        facts.add(new Pending(s.facts().get(i), b.revisions().get(i), null));
      }
    } else {
      for (AtomicFact f : s.facts()) {
        facts.add(new Pending(f, reviser.reviseOne(question, response, f.text()), null));
      }
    }
    SentenceResult costed = new SentenceResult(s.index(), s.text(), s.facts(), null, requests,
        hits);
    return new Revised(costed, facts);
  }

  /** Step 4 for one fact, or its final state when an earlier step decided it. */
  public FactResult rate(Pending p) {
    if (p.splitFailure() != null) {
      return new FactResult(p.fact(), null, null, Rating.UNRATED, p.splitFailure(), List.of(),
          0, 0, 0, 0, null);
    }
    Revision r = p.revision();
    if (r.relevant() == null) {
      return new FactResult(p.fact(), r.revised(), null, Rating.UNRATED, r.failure(), List.of(),
          r.requests(), r.cacheHits(), 0, 0, null);
    }
    if (!r.relevant()) {
      return new FactResult(p.fact(), r.revised(), false, Rating.IRRELEVANT, r.failure(),
          List.of(), r.requests(), r.cacheHits(), 0, 0, null);
    }
    FactRater.Outcome o = rater.rate(r.revised());
    String reason = r.failure() == null ? o.reason() : r.failure() + "; " + o.reason();
    return new FactResult(p.fact(), r.revised(), true, o.rating(), reason, o.steps(),
        r.requests() + o.requests(), r.cacheHits() + o.cacheHits(), o.searches(),
        o.duplicates(), null);
  }
}
