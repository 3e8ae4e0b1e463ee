package io.llmtestbed.aits.safe;

import java.util.List;

/** The names of the AIT's measures and of their MLflow metrics. */
final class Measures {
  private Measures() {}

  static final String PRECISION = "precision";
  static final String RECALL_K = "recall_at_k";
  static final String F1_K = "f1_at_k";
  static final String RECALL_K2 = "recall_at_k2";
  static final String F1_K2 = "f1_at_k2";
  static final String HUMAN_PRECISION = "human_precision";
  static final String AGREEMENT = "agreement";
  static final String FACTS_PER_RESPONSE = "facts_per_response";
  static final String UNRATED_SHARE = "unrated_share";
  static final String LLM_CALLS = "llm_calls_per_fact";
  static final String SEARCH_CALLS = "search_calls_per_fact";
  static final String RESPONSES = "responses_evaluated";
  static final String ABSTAINED = "abstained";

  /** Measures with a mean and an interval (bootstrap over responses). */
  static final List<String> WITH_INTERVAL = List.of(PRECISION, RECALL_K, F1_K, RECALL_K2, F1_K2,
      HUMAN_PRECISION);
  /** SAFE measures (not applicable when SAFE did not run). */
  static final List<String> SAFE = List.of(PRECISION, RECALL_K, F1_K, RECALL_K2, F1_K2,
      FACTS_PER_RESPONSE, UNRATED_SHARE, LLM_CALLS, SEARCH_CALLS);

  /** The MLflow metric name of a measure, with the K values in it (f1_at_64). */
  static String mlflowName(String measure, int k, int k2) {
    switch (measure) {
      case RECALL_K:
        return "recall_at_" + k;
      case F1_K:
        return "f1_at_" + k;
      case RECALL_K2:
        return "recall_at_" + k2;
      case F1_K2:
        return "f1_at_" + k2;
      default:
        return measure;
    }
  }
}
