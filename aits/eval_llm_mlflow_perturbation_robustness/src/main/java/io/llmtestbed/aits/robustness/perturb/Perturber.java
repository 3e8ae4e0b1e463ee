package io.llmtestbed.aits.robustness.perturb;

import java.util.List;

/**
 * Applies a perturbation to one row with the row's own random state and the meaning guard: a
 * change that alters the multiset of numeric values ({@link Numbers#values}) or breaks the
 * perturbation's declared invariant ({@link Perturbation#violation}), or changes the labels of
 * multiple-choice option lines (compared after NFKC), is refused: the row keeps
 * its original text and is {@link Outcome#FLAGGED} with the reason.
 */
public final class Perturber {
  private final long seed;

  /** @param seed the run's seed; with the row id and the name it fixes every random choice */
  public Perturber(long seed) {
    this.seed = seed;
  }

  /**
   * @param severity in [0, 1]
   * @throws IllegalArgumentException when severity is outside [0, 1]
   */
  public PerturbationResult perturb(Perturbation p, PerturbationInput in, double severity) {
    if (!(severity >= 0 && severity <= 1)) {
      throw new IllegalArgumentException("severity must be in [0, 1], got " + severity);
    }
    PerturbationResult out = p.apply(in, severity, Seeds.random(seed, in.rowId(), p.name()));
    if (out.outcome() != Outcome.APPLIED) {
      return out;
    }
    if (out.text().equals(in.text()) && java.util.Objects.equals(out.gold(), in.gold())) {
      return PerturbationResult.unchanged(in, "the perturbation produced the same text");
    }
    if (!Numbers.values(in.text()).equals(Numbers.values(out.text()))) {
      return PerturbationResult.flagged(in, "refused: the numbers would change from "
          + Numbers.values(in.text()) + " to " + Numbers.values(out.text()));
    }
    List<String> labels = OptionOrder.labels(in.text());
    if (labels.size() >= 2 && !labels.equals(OptionOrder.labels(out.text()))) {
      return PerturbationResult.flagged(in, "refused: the option labels would change from "
          + labels + " to " + OptionOrder.labels(out.text()) + " (every perturbation keeps the "
          + "labels of multiple-choice options, which the gold answer names)");
    }
    String violation = p.violation(in, out);
    if (violation != null) {
      return PerturbationResult.flagged(in, "refused: " + violation + " (" + p.name()
          + " preserves " + p.preserves() + ")");
    }
    return out;
  }
}
