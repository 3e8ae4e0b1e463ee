package io.llmtestbed.aits.safe.pipeline;

import java.util.List;

/**
 * Step 1b: one LLM call per sentence (purpose {@code safe.split}) turns it into atomic facts,
 * with the {@code demos} demonstrations nearest to the sentence (BM25) in the sentence's
 * language. A sentence that cannot be split after the repair retries becomes one UNRATED
 * placeholder fact holding the sentence, so its content is counted, not lost.
 */
public final class AtomicFactGenerator {
  static final String PURPOSE = "safe.split";

  private final LlmStep llm;
  private final Demonstrations demonstrations;
  private final int demos;

  AtomicFactGenerator(LlmStep llm, Demonstrations demonstrations, int demos) {
    this.llm = llm;
    this.demonstrations = demonstrations;
    this.demos = demos;
  }

  /** The prompt sent for {@code sentence} (for tests and the trace). */
  public String prompt(String sentence) {
    Language language = Language.detect(sentence);
    return Prompts.split(language, demonstrations.nearest(language, sentence, demos), sentence);
  }

  /** Splits sentence {@code index}. */
  public SentenceResult split(int index, String sentence) {
    LlmStep.Outcome<List<String>> out = llm.ask(PURPOSE, prompt(sentence), Answers::bullets);
    if (!out.ok()) {
      return new SentenceResult(index, sentence, List.of(new AtomicFact(index, sentence,
          sentence)), out.failure(), out.requests(), out.cacheHits());
    }
    List<AtomicFact> facts = out.value().stream()
        .map(f -> new AtomicFact(index, sentence, f)).toList();
    return new SentenceResult(index, sentence, facts, null, out.requests(), out.cacheHits());
  }
}
