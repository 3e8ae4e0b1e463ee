package io.llmtestbed.aits.safe.pipeline;

import io.llmtestbed.aits.safe.search.SearchResult;
import java.util.List;

/**
 * The prompts of every step, written for this project. Each ends with a marker line that names
 * the step's input (e.g. {@code TARGET SENTENCE:}), which is also what scripted test servers
 * match on. Revision, relevance and rating prompts are in English for every response and tell
 * the model to keep facts and queries in the response's language.
 */
// LIMIT: revision, relevance and rating prompts are English only (with an instruction to keep
// the response's language); only the atomic-fact prompt has Japanese instructions and demos.
public final class Prompts {
  /** Longest evidence passage quoted in a rating prompt, in characters. */
  static final int MAX_PASSAGE = 1200;

  private Prompts() {}

  static final String SPLIT_EN = """
      Break the sentence into atomic facts: short statements that each carry exactly one \
      piece of information.
      1. Every fact is a complete sentence that can be checked on its own.
      2. Keep names, numbers and dates exactly as the sentence gives them.
      3. Add nothing the sentence does not say; leave out opinions about the answer itself.
      4. Write one fact per line, each line starting with "- ".
      5. When the sentence states no fact (a greeting, a question, a filler remark), answer \
      "- None".
      """;

  static final String SPLIT_JA = """
      次の文を「原子的な事実」に分けてください。原子的な事実とは、情報を一つだけ含む短い文です。
      1. 各事実は、それだけで真偽を確かめられる完全な文にする。
      2. 人名・数値・日付は文にある通りに書く。
      3. 文に書かれていないことは加えない。
      4. 一行に一つの事実を書き、各行を "- " で始める。
      5. 事実を含まない文(挨拶、質問、前置きなど)には "- None" と答える。
      """;

  /** The atomic-fact prompt for one sentence with its demonstrations. */
  static String split(Language language, List<Demonstrations.Demo> demos, String sentence) {
    boolean ja = language == Language.JA;
    StringBuilder sb = new StringBuilder(ja ? SPLIT_JA : SPLIT_EN).append('\n');
    for (Demonstrations.Demo d : demos) {
      sb.append(ja ? "例文: " : "Example sentence: ").append(d.sentence()).append('\n');
      d.facts().forEach(f -> sb.append("- ").append(f).append('\n'));
      sb.append('\n');
    }
    return sb.append(ja ? "対象の文: " : "TARGET SENTENCE: ").append(sentence).append('\n')
        .toString();
  }

  private static final String REVISE_BATCH = """
      Below are facts taken from one sentence of a RESPONSE to a QUESTION. For each fact:
      a) Rewrite it so that it can be understood without the response: replace pronouns and \
      vague references ("he", "the company", "the album", a first name alone) by the full \
      names the response uses. Change nothing else; add no information. Keep the fact in \
      its language (a Japanese fact stays Japanese).
      b) Decide whether it is relevant to answering the QUESTION: [Relevant] when it is about \
      the subject of the question or about something the response presents as connected to \
      that subject; [Irrelevant] otherwise.
      Answer with one code block holding one line per fact, in the given order and numbered \
      as given:
      ```
      1. <rewritten fact> [Relevant]
      2. <rewritten fact> [Irrelevant]
      ```
      """;

  /** The batched revision-and-relevance prompt for the facts of one sentence. */
  static String reviseBatch(String question, String response, List<AtomicFact> facts) {
    StringBuilder sb = new StringBuilder(REVISE_BATCH).append("\nQUESTION:\n").append(question)
        .append("\n\nRESPONSE:\n").append(response).append("\n\nFACTS TO REWRITE:\n");
    for (int i = 0; i < facts.size(); i++) {
      sb.append(i + 1).append(". ").append(facts.get(i).text()).append('\n');
    }
    return sb.toString();
  }

  private static final String REVISE_ONE = """
      Rewrite the FACT, taken from the RESPONSE, so that it can be understood without the \
      response: replace pronouns and vague references ("he", "the company", "the album", a \
      first name alone) by the full names the response uses. Change nothing else; add no \
      information. Keep the fact in its language. Think step by step if you need to, then put \
      the rewritten fact alone in a code block.
      """;

  /** The per-fact revision prompt (batch_revision=false). */
  static String reviseOne(String response, String fact) {
    return REVISE_ONE + "\nRESPONSE:\n" + response + "\n\nFACT TO REWRITE: " + fact + "\n";
  }

  private static final String RELEVANCE_ONE = """
      Is the STATEMENT relevant to answering the QUESTION? It is relevant when it is about the \
      subject of the question or about something the RESPONSE presents as connected to that \
      subject. Explain briefly, then end with [Relevant] or [Irrelevant].
      """;

  /** The per-fact relevance prompt (batch_revision=false). */
  static String relevanceOne(String question, String response, String statement) {
    return RELEVANCE_ONE + "\nQUESTION:\n" + question + "\n\nRESPONSE:\n" + response
        + "\n\nSTATEMENT FOR RELEVANCE: " + statement + "\n";
  }

  private static final String QUERY = """
      You are checking a STATEMENT with a search engine. Write ONE search query that is likely \
      to find evidence for or against it, and that differs from the queries already used. \
      Write the query in the statement's language. Put the query alone in a code block.
      """;

  /** The query-writing prompt (first_query=llm, or early_stop=false). */
  static String query(String statement, List<SearchStep> steps) {
    return QUERY + knowledge(steps) + "\nSTATEMENT TO SEARCH: " + statement + "\n";
  }

  private static final String DECIDE = """
      You are checking a STATEMENT against SEARCH RESULTS. Use the results only, not your \
      memory.
      - Answer [Supported] when the results confirm the statement.
      - Answer [Not Supported] when they contradict it, or when they show that it cannot be \
      confirmed.
      - Otherwise answer [Need more] and give ONE new search query, in the statement's \
      language and different from the queries already used, alone in a code block.
      Explain in one or two sentences, then end with the answer in square brackets.
      """;

  private static final String DECIDE_FINAL = """
      You are checking a STATEMENT against SEARCH RESULTS. Use the results only, not your \
      memory. Answer [Supported] when the results confirm the statement; otherwise answer \
      [Not Supported]. Explain in one or two sentences, then end with the answer in square \
      brackets.
      """;

  /** The decision prompt after a search; {@code last} forbids asking for more. */
  static String decide(String statement, List<SearchStep> steps, boolean last) {
    return (last ? DECIDE_FINAL : DECIDE) + knowledge(steps) + "\nSTATEMENT TO RATE: "
        + statement + "\n";
  }

  private static String knowledge(List<SearchStep> steps) {
    if (steps.isEmpty()) {
      return "\nSEARCH RESULTS: none yet\n";
    }
    StringBuilder sb = new StringBuilder("\nSEARCH RESULTS:\n");
    for (int i = 0; i < steps.size(); i++) {
      SearchStep s = steps.get(i);
      sb.append("Query ").append(i + 1).append(": ").append(s.query()).append('\n');
      if (s.results().isEmpty()) {
        sb.append("  (no results)\n");
      }
      for (SearchResult r : s.results()) {
        String text = r.text().length() > MAX_PASSAGE
            ? r.text().substring(0, MAX_PASSAGE) + "…" : r.text();
        sb.append("  - ").append(r.title().isEmpty() ? "" : r.title() + ": ")
            .append(text.replaceAll("\\s+", " ")).append('\n');
      }
    }
    return sb.toString();
  }
}
