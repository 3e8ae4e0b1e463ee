package io.llmtestbed.aits.robustness;

import io.llmtestbed.aits.robustness.perturb.Outcome;
import java.util.Map;

/**
 * One row under one perturbation.
 *
 * @param index the original row's index
 * @param key the original row's key
 * @param outcome what the perturbation did
 * @param detail the perturbation's note (why flagged or not applicable)
 * @param input the perturbed prompt (the original when not applied)
 * @param gold the gold answer for the perturbed prompt
 * @param answer the model's answer to the perturbed prompt; null when there is none
 * @param failure null, or why there is no usable answer: {@code empty_answer},
 *     {@code llm_error:<KIND>}, {@code not_sent} (endpoint given up), {@code null_output}
 *     (passive: the perturbed run has a null answer), {@code missing_row} (passive: no row
 *     with this key)
 * @param labelMap option_order: new option label to original label
 */
record RowResult(int index, String key, Outcome outcome, String detail, String input,
    String gold, String answer, String failure, Map<String, String> labelMap) {

  RowResult {
    labelMap = labelMap == null ? Map.of() : Map.copyOf(labelMap);
  }

  /** Applied and answered: the row enters the measures. */
  boolean measurable() {
    return outcome == Outcome.APPLIED && failure == null;
  }
}
