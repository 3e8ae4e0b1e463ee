package io.llmtestbed.aits.safe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class F1AtKTest {
  @Test
  void should_follow_the_papers_equation_for_precision_recall_and_f1() {
    assertThat(F1AtK.precision(45, 5)).isEqualTo(0.9);
    assertThat(F1AtK.recall(45, 64)).isEqualTo(45.0 / 64);
    assertThat(F1AtK.recall(100, 64)).isEqualTo(1.0);
    double p = 0.9;
    double r = 45.0 / 64;
    assertThat(F1AtK.f1(45, 5, 64)).isCloseTo(2 * p * r / (p + r), within(1e-12));
  }

  @Test
  void should_give_f1_zero_without_supported_facts_and_undefined_precision_without_facts() {
    assertThat(F1AtK.f1(0, 7, 64)).isZero();
    assertThat(F1AtK.f1(0, 0, 64)).isZero();
    assertThat(F1AtK.precision(0, 0)).isNaN();
  }

  @Test
  void should_reject_k_below_one_naming_the_papers_values() {
    assertThatThrownBy(() -> F1AtK.recall(3, 0)).hasMessage(
        "K must be >= 1 (the paper uses 64 and 178), got 0");
  }
}
