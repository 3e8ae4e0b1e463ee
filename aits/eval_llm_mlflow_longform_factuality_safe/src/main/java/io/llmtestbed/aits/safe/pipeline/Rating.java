package io.llmtestbed.aits.safe.pipeline;

/**
 * The outcome for one atomic fact, the paper's labels plus {@link #UNRATED}.
 *
 * <p>{@code UNRATED} is never silently dropped: it carries a reason in {@link FactResult#reason()}
 * and is counted per response and in the measures (unrated_share).
 */
public enum Rating {
  /** The search results support the fact. */
  SUPPORTED("Supported", "S"),
  /** The search results do not support it (contradicted, or nothing found after the search). */
  NOT_SUPPORTED("Not Supported", "NS"),
  /** Not relevant to answering the prompt; not searched, not in precision or recall. */
  IRRELEVANT("Irrelevant", "IR"),
  /** Could not be rated (malformed answers after retries, LLM or search errors). */
  UNRATED("Unrated", "UNRATED");

  private final String label;
  private final String code;

  Rating(String label, String code) {
    this.label = label;
    this.code = code;
  }

  /** The paper's label, e.g. {@code Not Supported}. */
  public String label() {
    return label;
  }

  /** The FActScore code: {@code S}, {@code NS}, {@code IR}, or {@code UNRATED}. */
  public String code() {
    return code;
  }
}
