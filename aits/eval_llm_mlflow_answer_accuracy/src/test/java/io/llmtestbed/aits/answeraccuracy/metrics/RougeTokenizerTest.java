package io.llmtestbed.aits.answeraccuracy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RougeTokenizerTest {
  private final RougeTokenizer tokenizer = new RougeTokenizer();

  @Test
  void should_lowercase_and_split_on_non_alphanumerics_when_text_is_english() {
    assertThat(tokenizer.tokens("The Cat's 2nd life: e-mail, snake_case!"))
        .containsExactly("the", "cat", "s", "2nd", "life", "e", "mail", "snake", "case");
  }

  @Test
  void should_drop_every_japanese_character_when_text_is_japanese() {
    assertThat(tokenizer.tokens("東京は日本の首都です。")).isEmpty();
    assertThat(tokenizer.tokens("関数 print(x) を使う")).containsExactly("print", "x");
  }

  @Test
  void should_map_kelvin_sign_and_dotted_capital_i_as_python_lower_does() {
    // Python: "\u212A".lower() == "k"; "\u0130".lower() == "i\u0307" (the dot separates).
    assertThat(tokenizer.tokens("\u212Aelvin")).containsExactly("kelvin");
    assertThat(tokenizer.tokens("\u0130stanbul")).containsExactly("i", "stanbul");
  }

  @Test
  void should_treat_accented_and_fullwidth_letters_as_separators_when_not_ascii() {
    assertThat(tokenizer.tokens("café ＡＢＣ")).containsExactly("caf");
  }
}
