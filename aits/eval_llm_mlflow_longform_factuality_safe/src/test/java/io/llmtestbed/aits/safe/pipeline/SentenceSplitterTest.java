package io.llmtestbed.aits.safe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SentenceSplitterTest {
  private final SentenceSplitter splitter = new SentenceSplitter();

  @Test
  void should_keep_initials_and_abbreviations_inside_their_sentence() {
    assertThat(splitter.split("J. R. R. Tolkien was born in 1892. Dr. Smith met him in the U.S. "
        + "on Jan. 3. He taught at Oxford, e.g. at Pembroke College."))
        .containsExactly("J. R. R. Tolkien was born in 1892.",
            "Dr. Smith met him in the U.S. on Jan. 3.",
            "He taught at Oxford, e.g. at Pembroke College.");
  }

  @Test
  void should_treat_lines_as_sentences_and_drop_blank_lines() {
    assertThat(splitter.split("Here is a bio:\n\n- Born in Paris.\n- Studied law.\n"))
        .containsExactly("Here is a bio:", "- Born in Paris.", "- Studied law.");
  }

  @Test
  void should_split_japanese_on_sentence_ends_but_not_inside_quotes() {
    assertThat(splitter.split("彼は「もう行く。また会おう。」と言った。本当ですか？はい！\n次の行です"))
        .containsExactly("彼は「もう行く。また会おう。」と言った。", "本当ですか？", "はい！",
            "次の行です");
  }

  @Test
  void should_keep_a_quotation_with_the_words_around_it() {
    assertThat(splitter.split("「行こう。」と彼は言った。（注。）次へ。"))
        .containsExactly("「行こう。」と彼は言った。", "（注。）次へ。");
  }

  @Test
  void should_return_no_sentence_for_null_or_blank_text() {
    assertThat(splitter.split(null)).isEmpty();
    assertThat(splitter.split("  \n ")).isEmpty();
  }
}
