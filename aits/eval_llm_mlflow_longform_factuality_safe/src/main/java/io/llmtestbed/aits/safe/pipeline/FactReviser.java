package io.llmtestbed.aits.safe.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Steps 2 (revision: make each fact self-contained, answer in a code block) and 3 (relevance to
 * the prompt, answer in square brackets).
 *
 * <ul>
 *   <li>Batched (default): one call per sentence (purpose {@code safe.revise}) revises all its
 *       facts and labels each {@code [Relevant]}/{@code [Irrelevant]}, in one code block with
 *       one numbered line per fact. An answer that lacks a line for some fact is repaired by
 *       asking again; when the batch still fails, each fact falls back to the per-fact calls.
 *   <li>Per fact (batch_revision=false, the original's structure): one revision call
 *       ({@code safe.revise}) and one relevance call ({@code safe.relevance}) per fact.
 * </ul>
 *
 * A fact whose relevance cannot be decided is UNRATED by the caller, never assumed relevant.
 */
public final class FactReviser {
  static final String PURPOSE_REVISE = "safe.revise";
  static final String PURPOSE_RELEVANCE = "safe.relevance";
  private static final List<String> RELEVANCE = List.of("Relevant", "Irrelevant", "Not Relevant");
  private static final Pattern LINE = Pattern.compile(
      "^\\s*(\\d{1,3})\\s*[.):]\\s*(.*?)\\s*\\[\\s*(relevant|irrelevant|not relevant)\\s*\\]"
          + "[.。]?\\s*$", Pattern.CASE_INSENSITIVE);

  private final LlmStep llm;

  FactReviser(LlmStep llm) {
    this.llm = llm;
  }

  /** A batched revision of one sentence's facts: one entry per fact plus the call costs. */
  public record Batch(List<Revision> revisions, int requests, int cacheHits) {}

  /** Revises the facts of one sentence in one call (falls back per fact, see the class). */
  public Batch reviseBatch(String question, String response, List<AtomicFact> facts) {
    if (facts.isEmpty()) {
      return new Batch(List.of(), 0, 0);
    }
    LlmStep.Outcome<List<Revision>> out = llm.ask(PURPOSE_REVISE,
        Prompts.reviseBatch(question, response, facts), a -> parseBatch(a, facts.size()));
    if (out.ok()) {
      return new Batch(out.value(), out.requests(), out.cacheHits());
    }
    List<Revision> fallback = new ArrayList<>();
    for (AtomicFact f : facts) {
      fallback.add(reviseOne(question, response, f.text()));
    }
    return new Batch(fallback, out.requests(), out.cacheHits());
  }

  /** Parses the batched answer: a code block with lines 1..n, each ending in a label. */
  static Answers.Parsed<List<Revision>> parseBatch(String answer, int n) {
    Answers.Parsed<String> block = Answers.codeBlock(answer);
    String body = block.ok() ? block.value() : answer;
    Map<Integer, Revision> byNumber = new TreeMap<>();
    for (String line : body.split("\\R")) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        int i = Integer.parseInt(m.group(1));
        boolean relevant = m.group(3).equalsIgnoreCase("relevant");
        String text = m.group(2).strip();
        if (i >= 1 && i <= n && !text.isEmpty()) {
          byNumber.putIfAbsent(i, new Revision(text, relevant, null, 0, 0));
        }
      }
    }
    if (byNumber.size() != n) {
      List<Integer> missing = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        if (!byNumber.containsKey(i)) {
          missing.add(i);
        }
      }
      return Answers.Parsed.fail("the code block must hold " + n + " numbered lines, each "
          + "ending in [Relevant] or [Irrelevant]; missing line(s) " + missing);
    }
    return Answers.Parsed.of(List.copyOf(byNumber.values()));
  }

  /** Revises one fact with two calls: revision, then relevance of the revised fact. */
  public Revision reviseOne(String question, String response, String fact) {
    LlmStep.Outcome<String> revised = llm.ask(PURPOSE_REVISE, Prompts.reviseOne(response, fact),
        Answers::codeBlock);
    String text = revised.ok() ? revised.value().lines().findFirst().orElse(fact).strip() : fact;
    LlmStep.Outcome<String> relevance = llm.ask(PURPOSE_RELEVANCE,
        Prompts.relevanceOne(question, response, text), a -> Answers.label(a, RELEVANCE));
    int requests = revised.requests() + relevance.requests();
    int hits = revised.cacheHits() + relevance.cacheHits();
    if (!revised.ok() && !relevance.ok()) {
      return new Revision(text, null, revised.failure() + "; " + relevance.failure(), requests,
          hits);
    }
    if (!relevance.ok()) {
      return new Revision(text, null, relevance.failure(), requests, hits);
    }
    // a failed revision leaves the original fact, which is still rated: the trace says so
    return new Revision(text, relevance.value().equals("Relevant"),
        revised.ok() ? null : "revision kept the original fact: " + revised.failure(),
        requests, hits);
  }
}
