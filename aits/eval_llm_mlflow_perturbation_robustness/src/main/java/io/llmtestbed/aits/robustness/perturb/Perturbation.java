package io.llmtestbed.aits.robustness.perturb;

import java.util.SplittableRandom;

/**
 * A named, seeded transform of a prompt that should not change what the prompt asks.
 *
 * <p>Implementations are thread-safe and deterministic: the same input, severity and random
 * state give the same result. {@link Perturber} gives each row its own random state (from the
 * seed, the row id and the name), so results do not depend on thread order, and applies the
 * meaning guard ({@link #violation} plus the number check) to every change.
 */
public interface Perturbation {

  /** The parameter spelling, e.g. {@code width}. */
  String name();

  /** What the transform does, for the manifest and the README. */
  String description();

  /** What the transform keeps; {@link #violation} checks it. */
  String preserves();

  /**
   * Perturbs one prompt.
   *
   * @param severity in [0, 1]: the share of eligible places changed (see each description)
   */
  PerturbationResult apply(PerturbationInput in, double severity, SplittableRandom random);

  /**
   * Checks the declared invariant on an {@link Outcome#APPLIED} result.
   *
   * @return null when it holds, else what changed that should not have
   */
  String violation(PerturbationInput in, PerturbationResult out);

  /** True when the text comes from an LLM (paraphrase): every output marks it so. */
  default boolean llmGenerated() {
    return false;
  }
}
