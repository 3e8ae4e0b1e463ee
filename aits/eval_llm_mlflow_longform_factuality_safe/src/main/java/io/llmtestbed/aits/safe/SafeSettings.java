package io.llmtestbed.aits.safe;

/**
 * How {@link SafeEvaluator} runs SAFE. Made with {@link #builder()}; every option has one
 * place here, and the AIT parameters of the same name map onto it.
 *
 * @param temperature sent with every LLM request exactly as given (0.0 stays 0.0); null = the
 *     endpoint's default
 * @param maxTokens answer-token bound per request; null = the endpoint's default
 * @param maxSteps searches per fact at most (the paper: 5), at least 1
 * @param earlyStop decide after each search and stop once the evidence settles it (default
 *     true); false runs all {@code maxSteps} searches, then decides (the original's loop)
 * @param firstQueryFromFact use the revised fact itself as the first query instead of asking
 *     the model for one (default true)
 * @param batchRevision revise and check relevance of a sentence's facts in one call (default
 *     true); false makes one revision and one relevance call per fact (the original's)
 * @param resultsPerQuery search results read per query (the paper: 3)
 * @param maxParseRetries repair requests after an unreadable answer (default 2)
 * @param demonstrations few-shot demonstrations per atomic-fact prompt, chosen by BM25
 * @param concurrency threads working on the facts of the responses being evaluated
 * @param parallelFacts work on the sentences and facts of one response in parallel (default
 *     true); false works through them one by one, as the original does
 */
public record SafeSettings(Double temperature, Integer maxTokens, int maxSteps, boolean earlyStop,
    boolean firstQueryFromFact, boolean batchRevision, int resultsPerQuery, int maxParseRetries,
    int demonstrations, int concurrency, boolean parallelFacts) {

  public SafeSettings {
    if (temperature != null && (temperature.isNaN() || temperature < 0)) {
      throw new IllegalArgumentException("temperature must be >= 0 (or unset for the endpoint "
          + "default), got " + temperature);
    }
    check("max_steps", maxSteps, 1, 50);
    check("results_per_query", resultsPerQuery, 1, 100);
    check("max_parse_retries", maxParseRetries, 0, 10);
    check("demonstrations", demonstrations, 0, 20);
    check("concurrency", concurrency, 1, 512);
  }

  private static void check(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max
          + ", got " + value);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The settings as a map for provenance and tags. */
  public java.util.Map<String, Object> asMap() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("temperature", temperature);
    m.put("max_tokens", maxTokens);
    m.put("max_steps", maxSteps);
    m.put("early_stop", earlyStop);
    m.put("first_query", firstQueryFromFact ? "fact" : "llm");
    m.put("batch_revision", batchRevision);
    m.put("results_per_query", resultsPerQuery);
    m.put("max_parse_retries", maxParseRetries);
    m.put("demonstrations", demonstrations);
    m.put("concurrency", concurrency);
    m.put("parallel_facts", parallelFacts);
    return m;
  }

  /** Builder; defaults: temperature 0.0, maxTokens 512, 5 steps, early stop, 3 results. */
  public static final class Builder {
    private Double temperature = 0.0;
    private Integer maxTokens = 512;
    private int maxSteps = 5;
    private boolean earlyStop = true;
    private boolean firstQueryFromFact = true;
    private boolean batchRevision = true;
    private int resultsPerQuery = 3;
    private int maxParseRetries = 2;
    private int demonstrations = 3;
    private int concurrency = 4;
    private boolean parallelFacts = true;

    private Builder() {}

    public Builder temperature(Double v) {
      temperature = v;
      return this;
    }

    public Builder maxTokens(Integer v) {
      maxTokens = v;
      return this;
    }

    public Builder maxSteps(int v) {
      maxSteps = v;
      return this;
    }

    public Builder earlyStop(boolean v) {
      earlyStop = v;
      return this;
    }

    public Builder firstQueryFromFact(boolean v) {
      firstQueryFromFact = v;
      return this;
    }

    public Builder batchRevision(boolean v) {
      batchRevision = v;
      return this;
    }

    public Builder resultsPerQuery(int v) {
      resultsPerQuery = v;
      return this;
    }

    public Builder maxParseRetries(int v) {
      maxParseRetries = v;
      return this;
    }

    public Builder demonstrations(int v) {
      demonstrations = v;
      return this;
    }

    public Builder concurrency(int v) {
      concurrency = v;
      return this;
    }

    public Builder parallelFacts(boolean v) {
      parallelFacts = v;
      return this;
    }

    /** The original's structure: 5 fixed searches, LLM-written queries, per-fact calls. */
    public Builder likeOriginal() {
      return maxSteps(5).earlyStop(false).firstQueryFromFact(false).batchRevision(false)
          .parallelFacts(false);
    }

    public SafeSettings build() {
      return new SafeSettings(temperature, maxTokens, maxSteps, earlyStop, firstQueryFromFact,
          batchRevision, resultsPerQuery, maxParseRetries, demonstrations, concurrency,
          parallelFacts);
    }
  }
}
