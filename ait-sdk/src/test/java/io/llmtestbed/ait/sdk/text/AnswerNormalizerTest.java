package io.llmtestbed.ait.sdk.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnswerNormalizerTest {

  @Test
  void should_drop_punctuation_and_fold_case_when_answer_is_english() {
    assertThat(AnswerNormalizer.normalize(" U.S.A. — “yes” ")).isEqualTo("usa yes");
  }

  @Test
  void should_fold_width_and_sharp_s_when_nfkc_and_case_apply() {
    assertThat(AnswerNormalizer.normalize("ＡＢＣ Straße")).isEqualTo("abc strasse");
    assertThat(AnswerNormalizer.normalize("STRASSE")).isEqualTo("strasse");
  }

  @Test
  void should_collapse_ideographic_space_and_drop_japanese_punctuation() {
    assertThat(AnswerNormalizer.normalize("東京\u3000 です。")).isEqualTo("東京 です");
  }

  @Test
  void should_keep_symbols_when_they_are_not_punctuation() {
    assertThat(AnswerNormalizer.normalize("$5 + 3 = 8")).isEqualTo("$5 + 3 = 8");
  }

  @Test
  void should_be_empty_when_text_is_only_punctuation_and_space() {
    assertThat(AnswerNormalizer.normalize(" ... \t!? ")).isEmpty();
  }
}
