package io.llmtestbed.aits.robustness.perturb;

import java.util.Objects;

/**
 * One prompt to perturb.
 *
 * @param rowId stable id of the row (question_id, else the row index); seeds the randomness
 * @param text the prompt; never null
 * @param gold the reference answer, or null when there is none (option_order remaps it)
 */
public record PerturbationInput(String rowId, String text, String gold) {
  public PerturbationInput {
    Objects.requireNonNull(rowId, "rowId");
    Objects.requireNonNull(text, "text");
  }
}
