package io.llmtestbed.aits.safe.pipeline;

import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import io.llmtestbed.aits.safe.search.SearchBackend;
import io.llmtestbed.aits.safe.search.SearchResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Step 4: rates one relevant, revised fact by multi-step search.
 *
 * <p>With early stop (default) the first query is the revised fact itself (no call: a fact is
 * a good keyword query for BM25 and for web search), and after every search one call (purpose
 * {@code safe.rate}) answers {@code [Supported]}, {@code [Not Supported]} or {@code [Need more]}
 * with the next query in a code block. At step {@code maxSteps} the call must decide. So a fact
 * the first results settle costs 1 LLM call and 1 search; each further step adds 1 and 1.
 *
 * <p>Without early stop (the original's loop) every step's query is written by a call
 * ({@code safe.query}) and one final call decides after all {@code maxSteps} searches:
 * {@code maxSteps + 1} calls and {@code maxSteps} searches per fact.
 *
 * <p>A query already used for this fact (compared without case, punctuation and spacing) is
 * not searched again: the model is asked once more for a different one, and when it repeats
 * itself the loop goes to the decision with what it has.
 */
public final class FactRater {
  static final String PURPOSE_QUERY = "safe.query";
  static final String PURPOSE_RATE = "safe.rate";
  private static final List<String> DECISION = List.of("Supported", "Not Supported",
      "Need more");
  private static final List<String> FINAL = List.of("Supported", "Not Supported");

  private final LlmStep llm;
  private final SearchBackend search;
  private final int maxSteps;
  private final boolean earlyStop;
  private final boolean firstQueryFromFact;
  private final int resultsPerQuery;

  FactRater(LlmStep llm, SearchBackend search, int maxSteps, boolean earlyStop,
      boolean firstQueryFromFact, int resultsPerQuery) {
    this.llm = llm;
    this.search = search;
    this.maxSteps = maxSteps;
    this.earlyStop = earlyStop;
    this.firstQueryFromFact = firstQueryFromFact;
    this.resultsPerQuery = resultsPerQuery;
  }

  /** The rating of one fact and its trace. */
  public record Outcome(Rating rating, String reason, List<SearchStep> steps, int requests,
      int cacheHits, int searches, int duplicates) {}

  /** A decision answer: the label and, for [Need more], the next query. */
  record Decision(String label, String nextQuery) {}

  /** Rates {@code statement}; never throws except for an egress refusal. */
  public Outcome rate(String statement) {
    Loop loop = new Loop(statement);
    return earlyStop ? loop.withEarlyStop() : loop.fixedSteps();
  }

  private final class Loop {
    final String statement;
    final List<SearchStep> steps = new ArrayList<>();
    final Set<String> used = new HashSet<>();
    int requests;
    int hits;
    int searches;
    int duplicates;

    Loop(String statement) {
      this.statement = statement;
    }

    Outcome withEarlyStop() {
      String query = firstQueryFromFact ? statement : null;
      for (int step = 1; step <= maxSteps; step++) {
        if (query == null) {
          query = askQuery();
          if (query == null) {
            return failureOrDecide("query");
          }
        }
        String failure = search(query, firstQueryFromFact && step == 1 ? "fact" : "llm");
        if (failure != null) {
          return done(Rating.UNRATED, failure);
        }
        boolean last = step == maxSteps;
        LlmStep.Outcome<Decision> d = llm.ask(PURPOSE_RATE,
            Prompts.decide(statement, steps, last), a -> parseDecision(a, last));
        count(d);
        if (!d.ok()) {
          return done(Rating.UNRATED, d.failure());
        }
        if (!d.value().label().equals("Need more")) {
          return done(rating(d.value().label()), lastLine(d.answer()));
        }
        query = d.value().nextQuery();
        if (used.contains(Answers.queryKey(query))) {
          duplicates++;
          query = askQuery();
          if (query == null) {
            return finalDecision();
          }
        }
      }
      return finalDecision();
    }

    Outcome fixedSteps() {
      for (int step = 1; step <= maxSteps; step++) {
        String query = step == 1 && firstQueryFromFact ? statement : askQuery();
        if (query == null) {
          break;
        }
        String failure = search(query, step == 1 && firstQueryFromFact ? "fact" : "llm");
        if (failure != null) {
          return done(Rating.UNRATED, failure);
        }
      }
      return finalDecision();
    }

    /** Asks for a new query; null when none unused could be had (after one more request). */
    String askQuery() {
      for (int tries = 0; tries < 2; tries++) {
        LlmStep.Outcome<String> q = llm.ask(PURPOSE_QUERY, Prompts.query(statement, steps),
            a -> Answers.codeBlock(a));
        count(q);
        if (!q.ok()) {
          lastFailure = q.failure();
          return null;
        }
        String query = q.value().lines().findFirst().orElse("").strip();
        if (!used.contains(Answers.queryKey(query))) {
          return query;
        }
        duplicates++;
      }
      return null;
    }

    String lastFailure;

    Outcome failureOrDecide(String what) {
      if (steps.isEmpty()) {
        return done(Rating.UNRATED, lastFailure != null ? lastFailure
            : "no usable " + what + ": the model repeated used queries");
      }
      return finalDecision();
    }

    Outcome finalDecision() {
      if (steps.isEmpty()) {
        return done(Rating.UNRATED, lastFailure != null ? lastFailure
            : "no search was made for the fact");
      }
      LlmStep.Outcome<Decision> d = llm.ask(PURPOSE_RATE, Prompts.decide(statement, steps, true),
          a -> parseDecision(a, true));
      count(d);
      if (!d.ok()) {
        return done(Rating.UNRATED, d.failure());
      }
      return done(rating(d.value().label()), lastLine(d.answer()));
    }

    /** Runs one search; the failure text, or null when it worked (empty results are fine). */
    String search(String query, String origin) {
      used.add(Answers.queryKey(query));
      searches++;
      try {
        List<SearchResult> results = search.search(query, resultsPerQuery);
        steps.add(new SearchStep(query, origin, results, null));
        return null;
      } catch (EgressDeniedException e) {
        throw e;
      } catch (RuntimeException e) {
        String why = "search failed for query '" + query + "': " + e.getMessage();
        steps.add(new SearchStep(query, origin, List.of(), why));
        return why;
      }
    }

    void count(LlmStep.Outcome<?> o) {
      requests += o.requests();
      hits += o.cacheHits();
    }

    Outcome done(Rating rating, String reason) {
      return new Outcome(rating, reason, steps, requests, hits, searches, duplicates);
    }
  }

  static Answers.Parsed<Decision> parseDecision(String answer, boolean last) {
    Answers.Parsed<String> label = Answers.label(answer, last ? FINAL : DECISION);
    if (!label.ok()) {
      return Answers.Parsed.fail(label.problem());
    }
    if (!label.value().equals("Need more")) {
      return Answers.Parsed.of(new Decision(label.value(), null));
    }
    Answers.Parsed<String> query = Answers.codeBlock(answer);
    if (!query.ok()) {
      return Answers.Parsed.fail("[Need more] needs the next search query in a code block");
    }
    return Answers.Parsed.of(new Decision("Need more",
        query.value().lines().findFirst().orElse("").strip()));
  }

  private static Rating rating(String label) {
    return label.equals("Supported") ? Rating.SUPPORTED : Rating.NOT_SUPPORTED;
  }

  private static String lastLine(String answer) {
    String[] lines = answer.strip().split("\\R");
    return lines[lines.length - 1].strip();
  }
}
