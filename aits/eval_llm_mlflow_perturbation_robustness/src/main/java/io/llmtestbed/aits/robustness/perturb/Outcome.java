package io.llmtestbed.aits.robustness.perturb;

import java.util.Locale;

/** What happened to one row under one perturbation. */
public enum Outcome {
  /** The text was changed and the meaning guard accepted the change. */
  APPLIED,
  /** Nothing to change (severity 0, or no eligible character); the row is not measured. */
  UNCHANGED,
  /** The perturbation does not apply to this row (e.g. option_order without options). */
  NOT_APPLICABLE,
  /** The change would alter the meaning (guard refused it); the row is not measured. */
  FLAGGED,
  /** The perturbation itself failed (paraphrase: the LLM gave no usable text). */
  FAILED;

  /** Lower-case spelling used in tables. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
