package io.llmtestbed.aits.safe.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PassageSplitterTest {

  @Test
  void should_cut_at_sentence_ends_near_the_target_size() {
    String sentence = "One two three four five six seven eight nine ten. ";
    CollectionDocument doc = new CollectionDocument("d", "T", sentence.repeat(5), "");

    List<Passage> passages = new PassageSplitter(20).split(doc);

    assertThat(passages).extracting(Passage::text).containsExactly(
        sentence.repeat(2).strip(), sentence.repeat(2).strip(), sentence.strip());
    assertThat(passages).extracting(Passage::title).containsOnly("T");
    assertThat(passages).extracting(Passage::ordinal).containsExactly(0, 1, 2);
  }

  @Test
  void should_count_two_japanese_characters_as_one_word() {
    // 20 characters per sentence = 10 words; a 20-word target holds two sentences.
    String sentence = "あいうえおかきくけこさしすせそたちつてと。";
    CollectionDocument doc = new CollectionDocument("d", "題", sentence.repeat(3), "");

    List<Passage> passages = new PassageSplitter(20).split(doc);

    assertThat(passages).extracting(Passage::text)
        .containsExactly(sentence.repeat(2), sentence);
  }

  @Test
  void should_keep_a_short_document_whole() {
    CollectionDocument doc = new CollectionDocument("d", "T", "Short text. Two sentences.", "u");

    assertThat(new PassageSplitter().split(doc)).singleElement()
        .satisfies(p -> {
          assertThat(p.text()).isEqualTo("Short text. Two sentences.");
          assertThat(p.source()).isEqualTo("u");
        });
  }
}
