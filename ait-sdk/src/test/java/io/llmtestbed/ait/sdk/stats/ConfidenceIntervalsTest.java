package io.llmtestbed.ait.sdk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Expected values computed independently with SciPy 1.17.1:
//   scipy.stats.binomtest(k, n).proportion_ci(level, method="wilson")
//   scipy.stats.t.interval(0.95, 9, loc=mean, scale=scipy.stats.sem(x)) for x = 1..10
class ConfidenceIntervalsTest {

  @Test
  void should_match_scipy_wilson_when_81_of_100_at_95_percent() {
    Estimate e = ConfidenceIntervals.wilson(81, 100, 0.95);

    assertThat(e.value()).isEqualTo(0.81);
    assertThat(e.lower()).isCloseTo(0.7222115462093562, within(1e-9));
    assertThat(e.upper()).isCloseTo(0.8748524849023126, within(1e-9));
    assertThat(e.n()).isEqualTo(100);
    assertThat(e.method()).isEqualTo("wilson");
    assertThat(e.confidenceLevel()).isEqualTo(0.95);
  }

  @Test
  void should_stay_inside_unit_interval_when_all_or_nothing_succeeds() {
    Estimate none = ConfidenceIntervals.wilson(0, 10, 0.95);
    Estimate all = ConfidenceIntervals.wilson(10, 10, 0.95);

    assertThat(none.lower()).isZero();
    assertThat(none.upper()).isCloseTo(0.27753279986288926, within(1e-9));
    assertThat(all.lower()).isCloseTo(0.7224672001371109, within(1e-9));
    assertThat(all.upper()).isEqualTo(1.0);
  }

  @Test
  void should_match_scipy_wilson_when_level_is_90_percent() {
    Estimate e = ConfidenceIntervals.wilson(5, 20, 0.90);

    assertThat(e.lower()).isCloseTo(0.12737716852035774, within(1e-9));
    assertThat(e.upper()).isCloseTo(0.4322017501601245, within(1e-9));
  }

  @Test
  void should_report_unknown_proportion_when_no_trials() {
    Estimate e = ConfidenceIntervals.wilson(0, 0, 0.95);

    assertThat(e.value()).isNaN();
    assertThat(e.lower()).isZero();
    assertThat(e.upper()).isEqualTo(1.0);
  }

  @Test
  void should_name_the_counts_when_successes_exceed_trials() {
    assertThatThrownBy(() -> ConfidenceIntervals.wilson(11, 10, 0.95))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Wilson interval needs 0 <= successes <= n, got successes=11, n=10");
  }

  @Test
  void should_reject_confidence_given_as_percent() {
    assertThatThrownBy(() -> ConfidenceIntervals.wilson(1, 10, 95))
        .hasMessage("confidence level must be in (0, 1), e.g. 0.95; got 95.0");
  }

  @Test
  void should_match_scipy_t_interval_when_data_is_1_to_10() {
    double[] xs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    Estimate e = ConfidenceIntervals.tInterval(xs, 0.95);

    assertThat(e.value()).isEqualTo(5.5);
    assertThat(e.lower()).isCloseTo(3.334149410331831, within(1e-9));
    assertThat(e.upper()).isCloseTo(7.665850589668169, within(1e-9));
    assertThat(e.method()).isEqualTo("t");
  }

  @Test
  void should_give_undefined_bounds_when_t_interval_has_one_value() {
    Estimate e = ConfidenceIntervals.tInterval(new double[] {3.0}, 0.95);

    assertThat(e.value()).isEqualTo(3.0);
    assertThat(e.lower()).isNaN();
    assertThat(e.upper()).isNaN();
  }

  @Test
  void should_name_the_index_when_a_value_is_nan() {
    assertThatThrownBy(() -> ConfidenceIntervals.tInterval(new double[] {1, Double.NaN}, 0.95))
        .hasMessage("xs[1] must be a finite number, got NaN; drop or impute missing values "
            + "before estimating");
  }

  @Test
  void should_repeat_bootstrap_interval_when_seed_is_the_same() {
    double[] xs = sample(200, 7L);

    Estimate first = ConfidenceIntervals.bootstrapMean(xs, 0.95, 2000, 42L);
    Estimate second = ConfidenceIntervals.bootstrapMean(xs, 0.95, 2000, 42L);
    Estimate other = ConfidenceIntervals.bootstrapMean(xs, 0.95, 2000, 43L);

    assertThat(second).isEqualTo(first);
    assertThat(other.lower()).isNotEqualTo(first.lower());
    assertThat(first.method()).isEqualTo("bootstrap-percentile");
  }

  @Test
  void should_approach_t_interval_when_sample_is_large() {
    // For n = 2000 the sampling distribution of the mean is near normal, so the percentile
    // bootstrap and the t-interval agree to within a few percent of the interval width.
    double[] xs = sample(2000, 11L);

    Estimate boot = ConfidenceIntervals.bootstrapMean(xs, 0.95, 4000, 1L);
    Estimate t = ConfidenceIntervals.tInterval(xs, 0.95);

    assertThat(boot.value()).isEqualTo(t.value());
    assertThat(boot.lower()).isCloseTo(t.lower(), within(0.06 * t.width()));
    assertThat(boot.upper()).isCloseTo(t.upper(), within(0.06 * t.width()));
  }

  @Test
  void should_cover_the_true_mean_in_about_95_percent_of_samples() {
    // Coverage check: 400 samples of n = 60 from Uniform(0, 1), true mean 0.5.
    int covered = 0;
    for (int i = 0; i < 400; i++) {
      Estimate e = ConfidenceIntervals.bootstrapMean(sample(60, 100L + i), 0.95, 500, i);
      covered += e.contains(0.5) ? 1 : 0;
    }
    assertThat(covered / 400.0).isBetween(0.91, 0.98);
  }

  @Test
  void should_refuse_too_few_resamples() {
    assertThatThrownBy(() -> ConfidenceIntervals.bootstrapMean(new double[] {1, 2}, 0.95, 10, 1))
        .hasMessage("bootstrap resamples B must be >= 100 (1000 or more is usual); got 10");
  }

  static double[] sample(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] xs = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = r.nextDouble();
    }
    return xs;
  }
}
