package io.llmtestbed.aits.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The three equivalences, the embedding one with the real all-MiniLM-L6-v2 model. */
class EquivalenceJudgeTest {
  @Test
  void should_compare_characters_or_normalized_text_when_exact_or_normalized() {
    assertThat(new EquivalenceJudge(Equivalence.EXACT, 0).equivalent("Paris", "paris"))
        .isFalse();
    assertThat(new EquivalenceJudge(Equivalence.NORMALIZED, 0).equivalent("Paris.", " ｐａｒｉｓ"))
        .isTrue();
    assertThat(new EquivalenceJudge(Equivalence.NORMALIZED, 0).equivalent("5", "7")).isFalse();
  }

  @Test
  void should_accept_paraphrases_and_show_its_japanese_limit_when_embedding() {
    EquivalenceJudge judge = new EquivalenceJudge(Equivalence.EMBEDDING, 0.9);
    assertThat(judge.equivalent("The capital of France is Paris.",
        "Paris is the capital of France.")).isTrue();
    assertThat(judge.equivalent("The capital of France is Paris.", "I like green apples."))
        .isFalse();
    assertThat(judge.similarity("The capital of France is Paris.", "I like green apples."))
        .isLessThan(0.2);
    // The README's limit: English-trained, so unrelated Japanese sentences are far closer than
    // unrelated English ones, and answers differing only in a number pass the threshold.
    assertThat(judge.similarity("日本の首都は東京です。", "私は緑のりんごが好きです。"))
        .isGreaterThan(0.4);
    assertThat(judge.equivalent("答えは5です。", "答えは7です。")).isTrue();
  }
}
