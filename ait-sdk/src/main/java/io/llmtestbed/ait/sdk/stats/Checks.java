package io.llmtestbed.ait.sdk.stats;

/** Argument checks shared by the estimators; messages name the argument, rule and value. */
final class Checks {

  private Checks() {
  }

  static void confidence(double level) {
    if (!(level > 0.0 && level < 1.0)) {
      throw new IllegalArgumentException("confidence level must be in (0, 1), e.g. 0.95; got "
          + level);
    }
  }

  static void resamples(int b) {
    if (b < 100) {
      throw new IllegalArgumentException("bootstrap resamples B must be >= 100 (1000 or more is "
          + "usual); got " + b);
    }
  }

  static void finite(double[] xs, String name) {
    if (xs == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    for (int i = 0; i < xs.length; i++) {
      if (!Double.isFinite(xs[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] must be a finite number, got "
            + xs[i] + "; drop or impute missing values before estimating");
      }
    }
  }

  static void nonEmpty(double[] xs, String name) {
    finite(xs, name);
    if (xs.length == 0) {
      throw new IllegalArgumentException(name + " must contain at least one value, got none");
    }
  }
}
