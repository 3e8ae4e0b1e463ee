package io.llmtestbed.ait.sdk.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedTestsTest {

  @Test
  void should_match_fagerland_2013_example_when_b_is_1_and_c_is_7() {
    // Fagerland, Lydersen, Laake (2013), BMC Med Res Methodol 13:91, Table 1 example (airway
    // hyper-responsiveness before/after stem cell transplantation, n = 21): exact conditional
    // p = 0.070, mid-p = 0.039. Exact values: 2 * 9/256 = 0.0703125 and 10/256 = 0.0390625,
    // also obtained with scipy.stats.binomtest(1, 8).pvalue.
    McNemarResult r = PairedTests.mcNemar(21, 1, 7);

    assertThat(r.exactP()).isCloseTo(0.0703125, within(1e-12));
    assertThat(r.midP()).isCloseTo(0.0390625, within(1e-12));
    assertThat(r.discordant()).isEqualTo(8);
  }

  @Test
  void should_count_discordant_pairs_when_given_outcomes() {
    // b = 5 (only A right), c = 20 (only B right); SciPy: binomtest(5, 25).pvalue.
    boolean[] a = new boolean[40];
    boolean[] b = new boolean[40];
    for (int i = 0; i < 5; i++) {
      a[i] = true;
    }
    for (int i = 5; i < 25; i++) {
      b[i] = true;
    }
    for (int i = 25; i < 35; i++) {
      a[i] = true;
      b[i] = true;
    }

    McNemarResult r = PairedTests.mcNemar(a, b);

    assertThat(r.n()).isEqualTo(40);
    assertThat(r.onlyA()).isEqualTo(5);
    assertThat(r.onlyB()).isEqualTo(20);
    assertThat(r.exactP()).isCloseTo(0.004077315330505371, within(1e-12));
    assertThat(r.midP()).isCloseTo(0.0024939179420471204, within(1e-12));
  }

  @Test
  void should_give_p_of_one_when_no_pair_is_discordant() {
    McNemarResult r = PairedTests.mcNemar(new boolean[] {true, false}, new boolean[] {true,
        false});

    assertThat(r.exactP()).isEqualTo(1.0);
    assertThat(r.midP()).isEqualTo(1.0);
  }

  @Test
  void should_cap_p_at_one_when_counts_are_balanced() {
    McNemarResult r = PairedTests.mcNemar(10, 3, 3);

    assertThat(r.exactP()).isEqualTo(1.0);
    assertThat(r.midP()).isLessThan(1.0);
  }

  @Test
  void should_say_align_by_item_when_lengths_differ() {
    assertThatThrownBy(() -> PairedTests.mcNemar(new boolean[3], new boolean[4]))
        .hasMessage("McNemar needs outcomes of A and B on the same items; got 3 and 4 outcomes. "
            + "Align both runs by item id first");
  }

  @Test
  void should_detect_a_shift_when_b_is_systematically_lower() {
    SplittableRandom r = new SplittableRandom(5);
    double[] a = new double[300];
    double[] b = new double[300];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextDouble();
      b[i] = a[i] - 0.1 + 0.2 * (r.nextDouble() - 0.5);
    }

    PairedDifference d = PairedTests.bootstrapMeanDifference(a, b, 0.95, 2000, 9L);

    assertThat(d.difference().value()).isCloseTo(0.1, within(0.02));
    assertThat(d.difference().lower()).isGreaterThan(0.0);
    assertThat(d.difference().contains(0.1)).isTrue();
    assertThat(d.pValue()).isLessThan(0.001);
    assertThat(d.difference().n()).isEqualTo(300);
    assertThat(d.difference().method()).isEqualTo("paired-bootstrap-percentile");
  }

  @Test
  void should_not_reject_when_samples_differ_only_by_noise() {
    SplittableRandom r = new SplittableRandom(8);
    double[] a = new double[200];
    double[] b = new double[200];
    for (int i = 0; i < a.length; i++) {
      double base = r.nextDouble();
      a[i] = base + 0.05 * (r.nextDouble() - 0.5);
      b[i] = base + 0.05 * (r.nextDouble() - 0.5);
    }

    PairedDifference d = PairedTests.bootstrapMeanDifference(a, b, 0.95, 2000, 3L);

    assertThat(d.pValue()).isGreaterThan(0.05);
    assertThat(d.difference().contains(0.0)).isTrue();
  }

  @Test
  void should_reproduce_paired_result_when_seed_is_the_same() {
    double[] a = ConfidenceIntervalsTest.sample(50, 1);
    double[] b = ConfidenceIntervalsTest.sample(50, 2);

    assertThat(PairedTests.bootstrapMeanDifference(a, b, 0.9, 500, 77L))
        .isEqualTo(PairedTests.bootstrapMeanDifference(a, b, 0.9, 500, 77L));
  }

  @Test
  void should_say_align_by_item_when_paired_samples_differ_in_length() {
    assertThatThrownBy(() -> PairedTests.bootstrapMeanDifference(new double[2], new double[3],
        0.95, 1000, 1L))
        .hasMessage("paired bootstrap needs samples of equal length (one value per item for each "
            + "system); got 2 and 3. Align both runs by item id first");
  }
}
