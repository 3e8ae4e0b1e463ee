package io.llmtestbed.aits.robustness.perturb;

import java.util.Map;
import java.util.Objects;

/**
 * A perturbed prompt.
 *
 * @param text the perturbed prompt; the original when the outcome is not {@link Outcome#APPLIED}
 * @param gold the reference answer for the perturbed prompt (remapped by option_order), or null
 * @param outcome what happened
 * @param detail why the row was flagged, not applicable or failed; what was done otherwise
 * @param labelMap option_order only: new option label to original label (empty otherwise), so
 *     an answer naming a new label can be compared with the unperturbed answer
 */
public record PerturbationResult(String text, String gold, Outcome outcome, String detail,
    Map<String, String> labelMap) {
  public PerturbationResult {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(outcome, "outcome");
    detail = detail == null ? "" : detail;
    labelMap = labelMap == null ? Map.of() : Map.copyOf(labelMap);
  }

  static PerturbationResult applied(String text, String gold, String detail) {
    return new PerturbationResult(text, gold, Outcome.APPLIED, detail, Map.of());
  }

  static PerturbationResult unchanged(PerturbationInput in, String why) {
    return new PerturbationResult(in.text(), in.gold(), Outcome.UNCHANGED, why, Map.of());
  }

  static PerturbationResult notApplicable(PerturbationInput in, String why) {
    return new PerturbationResult(in.text(), in.gold(), Outcome.NOT_APPLICABLE, why, Map.of());
  }

  static PerturbationResult flagged(PerturbationInput in, String why) {
    return new PerturbationResult(in.text(), in.gold(), Outcome.FLAGGED, why, Map.of());
  }

  static PerturbationResult failed(PerturbationInput in, String why) {
    return new PerturbationResult(in.text(), in.gold(), Outcome.FAILED, why, Map.of());
  }
}
