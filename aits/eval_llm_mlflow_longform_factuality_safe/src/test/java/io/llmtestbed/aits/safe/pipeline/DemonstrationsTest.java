package io.llmtestbed.aits.safe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemonstrationsTest {
  private final Demonstrations demos = Demonstrations.builtIn();

  @Test
  void should_pick_the_bm25_nearest_demonstration_in_the_sentences_language() {
    assertThat(demos.nearest(Language.EN, "The bridge was completed in 1990 and spans 300 metres.",
        1)).singleElement().satisfies(d -> assertThat(d.sentence()).startsWith("The bridge"));
    assertThat(demos.nearest(Language.JA, "この駅は1930年に開業しました。", 1)).singleElement()
        .satisfies(d -> assertThat(d.sentence()).startsWith("この駅は1925年"));
  }

  @Test
  void should_ship_english_and_japanese_demonstrations_with_a_no_fact_example() {
    assertThat(demos.all(Language.EN)).hasSizeGreaterThanOrEqualTo(10)
        .anySatisfy(d -> assertThat(d.facts()).containsExactly("None"));
    assertThat(demos.all(Language.JA)).hasSizeGreaterThanOrEqualTo(6);
  }

  @Test
  void should_put_the_chosen_demonstrations_and_the_target_into_the_split_prompt() {
    String prompt = Prompts.split(Language.EN, demos.nearest(Language.EN,
        "Dr. Kim has published 40 papers.", 2), "Dr. Kim has published 40 papers.");
    assertThat(prompt).contains("Example sentence: Dr. Chen has published more than 80 papers")
        .endsWith("TARGET SENTENCE: Dr. Kim has published 40 papers.\n");
  }
}
