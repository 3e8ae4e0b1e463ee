package io.llmtestbed.aits.safe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnswersTest {
  @Test
  void should_read_bullets_of_any_common_marker_and_skip_the_preamble() {
    assertThat(Answers.bullets("Sure! The facts:\n- A is B.\n* C is D.\n・E は F である。\n2. G.")
        .value()).containsExactly("A is B.", "C is D.", "E は F である。", "G.");
  }

  @Test
  void should_read_none_as_no_fact_and_no_bullet_as_a_failure() {
    assertThat(Answers.bullets("- None").value()).isEmpty();
    assertThat(Answers.bullets("A is B.").problem()).startsWith("no line starts with \"- \"");
  }

  @Test
  void should_read_the_first_non_empty_code_block() {
    assertThat(Answers.codeBlock("Reasoning...\n```text\nAda Lovelace was a writer.\n```")
        .value()).isEqualTo("Ada Lovelace was a writer.");
    assertThat(Answers.codeBlock("no block").problem()).startsWith("no non-empty code block");
  }

  @Test
  void should_take_the_last_valid_bracket_label_and_skip_citations() {
    List<String> labels = List.of("Supported", "Not Supported");
    assertThat(Answers.label("As [1] says, options are [Supported] or [Not Supported]. "
        + "Final: [not supported.]", labels).value()).isEqualTo("Not Supported");
    assertThat(Answers.label("It is true.", labels).problem())
        .isEqualTo("no answer in square brackets among [Supported], [Not Supported]; end the "
            + "answer with exactly one of them");
  }

  @Test
  void should_fold_case_punctuation_and_spacing_in_query_keys() {
    assertThat(Answers.queryKey("Ada  Lovelace, birth?")).isEqualTo(Answers.queryKey(
        "ada lovelace birth"));
  }
}
