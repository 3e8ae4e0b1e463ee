package io.llmtestbed.aits.answeraccuracy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Pinned values worked out by hand (the working is in each comment). */
class MetricEngineTest {
  private final MetricEngine engine = new MetricEngine(Language.AUTO, ExactMatchMode.EXACT);

  @Test
  void should_give_five_sixths_when_one_of_six_english_tokens_differs() {
    // pred: the cat sat on the mat / ref: the cat is on the mat (6 tokens each).
    // Bag overlap the×2, cat, on, mat = 5 → P = R = 5/6. LCS "the cat on the mat" = 5.
    RowScores s = engine.score("The cat sat on the mat.", "the cat is on the mat");
    assertThat(s.language()).isEqualTo(Language.EN);
    assertThat(s.tokenF1()).isEqualTo(5.0 / 6, within(1e-15));
    assertThat(s.rougeL()).isEqualTo(5.0 / 6, within(1e-15));
    assertThat(s.exactMatch()).isZero();
    assertThat(s.tokenF1Ja()).as("en rows use the rouge-score tokenizer").isEqualTo(s.tokenF1());
  }

  @Test
  void should_separate_bag_overlap_from_order_when_tokens_are_reversed() {
    // Same bag → token F1 = 1. LCS of "a b c d" and "d c b a" is 1 → P = R = 1/4 → F = 1/4.
    RowScores s = engine.score("a b c d", "d c b a");
    assertThat(s.tokenF1()).isEqualTo(1.0);
    assertThat(s.rougeL()).isEqualTo(0.25);
  }

  @Test
  void should_score_precision_and_recall_asymmetrically_when_lengths_differ() {
    // pred: "paris" (1 token), ref: "the capital is paris" (4). Overlap 1: P = 1, R = 1/4,
    // F = 2·1·0.25 / 1.25 = 0.4 for both token F1 and ROUGE-L.
    RowScores s = engine.score("Paris", "The capital is Paris.");
    assertThat(s.tokenF1()).isEqualTo(0.4, within(1e-15));
    assertThat(s.rougeL()).isEqualTo(0.4, within(1e-15));
  }

  @Test
  void should_use_kuromoji_words_when_row_is_japanese() {
    // ref: 東京|は|日本|の|首都|です, pred: 日本|の|首都|は|東京|です (6 words each).
    // Same bag → token F1 = 1. LCS 日本 の 首都 です = 4 → F = 4/6. Same characters → char F1 = 1.
    // The rouge-score tokenizer finds no token at all → 0, as MLflow's rougeL would report.
    RowScores s = engine.score("日本の首都は東京です", "東京は日本の首都です。");
    assertThat(s.language()).isEqualTo(Language.JA);
    assertThat(s.tokenF1Ja()).isEqualTo(1.0);
    assertThat(s.rougeLJa()).isEqualTo(4.0 / 6, within(1e-15));
    assertThat(s.rougeL()).isZero();
    assertThat(s.tokenF1()).isZero();
    // Chars: pred 10 non-space chars, ref 11 (with 。); overlap 10 → P = 1, R = 10/11,
    // F = 2·(10/11) / (21/11) = 20/21.
    assertThat(s.charF1()).isEqualTo(20.0 / 21, within(1e-15));
  }

  @Test
  void should_count_characters_after_nfkc_without_whitespace_when_computing_char_f1() {
    // pred 東京都 (3 chars) vs ref 京都 (2): overlap 2 → P = 2/3, R = 1 → F = 0.8.
    assertThat(engine.score("東 京 都", "京都").charF1()).isEqualTo(0.8, within(1e-15));
    // Full-width Ａ１ is A1 after NFKC.
    assertThat(engine.score("Ａ１", "A1").charF1()).isEqualTo(1.0);
  }

  @Test
  void should_keep_latin_words_as_tokens_when_japanese_text_embeds_code() {
    // ref: python|の|print|関数 ; pred: print|関数 → overlap 2: P = 1, R = 1/2 → F = 2/3.
    RowScores s = engine.score("print関数", "Pythonのprint関数");
    assertThat(s.tokenF1Ja()).isEqualTo(2.0 / 3, within(1e-15));
  }

  @Test
  void should_score_zero_everywhere_and_flag_it_when_prediction_is_null() {
    RowScores s = engine.score(null, "東京");
    assertThat(s.nullPrediction()).isTrue();
    assertThat(s.language()).isEqualTo(Language.JA);
    assertThat(new double[] {s.exactMatch(), s.tokenF1(), s.rougeL(), s.tokenF1Ja(),
        s.rougeLJa(), s.charF1()}).containsOnly(0.0);
  }

  @Test
  void should_score_zero_when_a_side_has_no_tokens() {
    RowScores s = engine.score("", "non-empty reference");
    assertThat(s.tokenF1()).isZero();
    assertThat(s.rougeL()).isZero();
    assertThat(s.charF1()).isZero();
  }

  @Test
  void should_force_kuromoji_for_english_rows_when_language_is_ja() {
    MetricEngine ja = new MetricEngine(Language.JA, ExactMatchMode.EXACT);
    RowScores s = ja.score("a b c d", "d c b a");
    assertThat(s.language()).isEqualTo(Language.JA);
    assertThat(s.tokenF1Ja()).isEqualTo(1.0);
    assertThat(s.rougeLJa()).isEqualTo(0.25);
  }

  @Test
  void should_never_use_kuromoji_when_language_is_en() {
    MetricEngine en = new MetricEngine(Language.EN, ExactMatchMode.EXACT);
    RowScores s = en.score("日本の首都は東京です", "東京は日本の首都です");
    assertThat(s.language()).isEqualTo(Language.EN);
    assertThat(s.rougeLJa()).isZero();
  }

  @Test
  void should_match_only_identical_strings_when_mode_is_exact() {
    assertThat(engine.score("Paris", "Paris").exactMatch()).isEqualTo(1.0);
    assertThat(engine.score("Paris ", "Paris").exactMatch()).isZero();
    assertThat(engine.score("paris", "Paris").exactMatch()).isZero();
  }

  @Test
  void should_ignore_case_width_punctuation_and_spacing_when_mode_is_normalized() {
    MetricEngine normalized = new MetricEngine(Language.AUTO, ExactMatchMode.NORMALIZED);
    assertThat(normalized.score("  Hello,   WORLD! ", "hello world").exactMatch()).isEqualTo(1.0);
    assertThat(normalized.score("ＡＢＣ", "abc").exactMatch()).isEqualTo(1.0);
    assertThat(normalized.score("東京です。", "東京です").exactMatch()).isEqualTo(1.0);
    assertThat(normalized.score("Straße", "STRASSE").exactMatch()).isEqualTo(1.0);
    assertThat(normalized.score("hello world", "hello  word").exactMatch()).isZero();
    assertThat(ExactMatchMode.normalize(" U.S.A. — “yes” ")).isEqualTo("usa yes");
  }

  @Test
  void should_name_the_parameter_and_accepted_values_when_a_setting_is_unknown() {
    assertThatThrownBy(() -> Language.parse("jp"))
        .hasMessageContaining("'language'").hasMessageContaining("auto, en, ja")
        .hasMessageContaining("'jp'");
    assertThatThrownBy(() -> ExactMatchMode.parse("fuzzy"))
        .hasMessageContaining("'normalization'").hasMessageContaining("exact, normalized");
  }

  @Test
  void should_detect_japanese_by_kana_or_kanji_when_language_is_auto() {
    assertThat(Language.containsJapanese("ひらがな")).isTrue();
    assertThat(Language.containsJapanese("カタカナ")).isTrue();
    assertThat(Language.containsJapanese("ｶﾀｶﾅ")).isTrue();
    assertThat(Language.containsJapanese("漢字")).isTrue();
    assertThat(Language.containsJapanese("café, naïve, Ωmega, ＡＢＣ")).isFalse();
    assertThat(Language.AUTO.resolve("plain English", "日本語")).isEqualTo(Language.JA);
  }

  @Test
  void should_reuse_state_without_leaking_between_rows_when_scoring_many_rows() {
    MetricEngine reused = new MetricEngine(Language.AUTO, ExactMatchMode.EXACT);
    reused.score("x y z w v u t s r q p o n m l k j i h g f e d c b a", "a b c d e f g");
    reused.score("東京は日本の首都です", "日本の首都は東京です");
    RowScores fresh = new MetricEngine(Language.AUTO, ExactMatchMode.EXACT)
        .score("The cat sat on the mat.", "the cat is on the mat");
    assertThat(reused.score("The cat sat on the mat.", "the cat is on the mat"))
        .isEqualTo(fresh);
  }
}
