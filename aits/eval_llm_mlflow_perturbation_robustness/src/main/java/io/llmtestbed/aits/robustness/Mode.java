package io.llmtestbed.aits.robustness;

import java.util.Locale;

/** Where the perturbed answers come from. */
enum Mode {
  /** Perturbed runs already in MLflow, linked to the original by tags. */
  PASSIVE,
  /** Perturb the original run's inputs, query the model, log the perturbed runs. */
  ACTIVE;

  static Mode parse(String value) {
    for (Mode m : values()) {
      if (m.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
        return m;
      }
    }
    throw new IllegalArgumentException("parameter 'mode' must be passive or active, found '"
        + value + "'. Fix: passive reads perturbed runs from MLflow, active queries a model");
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
