package io.llmtestbed.aits.robustness;

/** The MLflow tags that link a perturbed run to its original run. */
final class Tags {
  static final String ORIGINAL_RUN_ID = "testbed.robustness.original_run_id";
  static final String PERTURBATION = "testbed.robustness.perturbation";
  static final String SEVERITY = "testbed.robustness.severity";
  static final String SEED = "testbed.robustness.seed";
  static final String LLM_GENERATED = "testbed.robustness.llm_generated";
  static final String MODEL = "testbed.robustness.model";
  /** The value of {@link #PERTURBATION} on the run holding the unperturbed answers. */
  static final String BASELINE = "none";

  private Tags() {}
}
