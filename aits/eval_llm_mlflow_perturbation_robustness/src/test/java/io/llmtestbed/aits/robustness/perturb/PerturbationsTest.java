package io.llmtestbed.aits.robustness.perturb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Pinned outputs on Japanese and English strings, and properties over seeded random prompts. */
class PerturbationsTest {
  private static final String JA = "東京は日本の首都です。人口は1400万人です！";
  private static final String EN = "What is the capital of France? Answer in 1 word, please.";
  private static final String MC = "次のうち果物はどれですか。\nA) ニンジン\nB) リンゴ\nC) ダイコン";
  private final Perturber perturber = new Perturber(42);

  private PerturbationResult run(String name, String text, String gold, double severity) {
    return perturber.perturb(Perturbations.ruleBased(name), new PerturbationInput("q1", text,
        gold), severity);
  }

  @Test
  void should_switch_every_kana_script_when_kana_runs_at_severity_one() {
    assertThat(run("kana", JA, null, 1.0).text()).isEqualTo("東京ハ日本ノ首都デス。人口ハ1400万人デス！");
    assertThat(run("kana", MC, null, 1.0).text()).contains("A) にんじん", "B) りんご");
    assertThat(run("kana", EN, null, 1.0).outcome()).isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void should_turn_ascii_full_width_and_katakana_half_width_when_width_runs_at_severity_one() {
    assertThat(run("width", EN, null, 1.0).text()).startsWith("Ｗｈａｔ ｉｓ").contains("１");
    assertThat(run("width", MC, null, 1.0).text()).contains("ﾆﾝｼﾞﾝ", "ﾘﾝｺﾞ", "ﾀﾞｲｺﾝ");
    assertThat(Width.toggle("ｶﾞ")).isEqualTo("ガ");
    assertThat(Width.toggle("Ａ")).isEqualTo("A");
  }

  @Test
  void should_replace_kanji_words_by_their_reading_and_keep_numerals_when_kanji_kana_runs() {
    PerturbationResult r = run("kanji_kana", JA, null, 1.0);
    assertThat(r.text()).isEqualTo("とうきょうはにっぽんのしゅとです。じんこうは1400万にんです！");
    assertThat(run("kanji_kana", EN, null, 1.0).outcome()).isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void should_reformat_numbers_without_changing_their_value_when_number_format_runs() {
    PerturbationResult r = run("number_format", "りんごが3000円、みかんが20000円、合計1,200円です。",
        null, 1.0);
    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(Numbers.values(r.text())).containsExactly("1200", "3000", "20000");
    assertThat(NumberFormat.kanji("3000")).isEqualTo("三千");
    assertThat(NumberFormat.kanji("1000")).isEqualTo("千");
    assertThat(NumberFormat.kanji("20000")).isEqualTo("2万");
    assertThat(NumberFormat.grouped("1234567")).isEqualTo("1,234,567");
    assertThat(run("number_format", "It happened in 1999.", null, 1.0).outcome())
        .as("years are left alone").isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void should_read_kanji_and_grouped_numbers_when_numbers_are_parsed() {
    assertThat(Numbers.values("三千円と2万円と1万5000円、１，２００個、3.14")).containsExactly(
        "3.14", "1200", "3000", "15000", "20000");
    assertThat(Numbers.values("1, 2, 3")).containsExactly("1", "2", "3");
  }

  @Test
  void should_shuffle_options_and_remap_the_gold_label_when_options_are_detected() {
    PerturbationResult r = run("option_order", MC, "B", 1.0);
    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(r.text()).isEqualTo("次のうち果物はどれですか。\nA) リンゴ\nB) ダイコン\nC) ニンジン");
    assertThat(r.gold()).isEqualTo("A");
    assertThat(r.labelMap()).containsEntry("A", "B");
    PerturbationResult numbered = run("option_order", "Pick one.\n(1) red\n(2) blue\n(3) green",
        "(3) green", 1.0);
    assertThat(numbered.outcome()).isEqualTo(Outcome.APPLIED);
    String label = numbered.gold().substring(1, 2);
    assertThat(numbered.text()).contains("(" + label + ") green");
    PerturbationResult katakana = run("option_order", "選んでください。\nア．赤\nイ．青\nウ．緑", "イ",
        1.0);
    assertThat(katakana.text()).contains(katakana.gold() + "．青");
  }

  @Test
  void should_be_not_applicable_or_flagged_when_options_or_gold_do_not_fit() {
    assertThat(run("option_order", JA, "東京", 1.0).outcome()).isEqualTo(Outcome.NOT_APPLICABLE);
    PerturbationResult r = run("option_order", MC, "バナナ", 1.0);
    assertThat(r.outcome()).isEqualTo(Outcome.FLAGGED);
    assertThat(r.detail()).contains("neither an option label nor an option's text");
    assertThat(r.text()).isEqualTo(MC);
  }

  @Test
  void should_wrap_the_whole_prompt_when_instruction_format_runs() {
    PerturbationResult ja = run("instruction_format", JA, null, 0.5);
    assertThat(ja.text()).contains(JA).isNotEqualTo(JA);
    assertThat(InstructionFormat.JAPANESE.stream().anyMatch(t -> ja.text()
        .equals(t.replace("%s", JA)))).isTrue();
    assertThat(run("instruction_format", EN, null, 0.5).text()).contains(EN);
  }

  @Test
  void should_change_only_case_when_casing_runs_and_keep_single_letters() {
    PerturbationResult r = run("casing", "Choose A or B: Which is larger?", null, 1.0);
    assertThat(r.text().toLowerCase(Locale.ROOT)).isEqualTo("choose a or b: which is larger?");
    assertThat(r.text()).contains(" A ", " B:");
  }

  @Test
  void should_never_touch_digits_code_or_urls_when_char_noise_runs() {
    String text = "Run `ls -la` on https://example.com/x and answer 42 times 17 quickly.";
    for (long seed = 0; seed < 200; seed++) {
      PerturbationResult r = new Perturber(seed).perturb(Perturbations.ruleBased("char_noise"),
          new PerturbationInput("r", text, null), 1.0);
      assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(r.text()).contains("`ls -la`", "https://example.com/x", "42", "17");
    }
  }

  @Test
  void should_refuse_and_flag_a_change_when_it_alters_a_number() {
    Perturbation breaking = new Perturbation() {
      public String name() {
        return "breaking";
      }

      public String description() {
        return "changes 3 to 4";
      }

      public String preserves() {
        return "nothing";
      }

      public PerturbationResult apply(PerturbationInput in, double s, SplittableRandom r) {
        return PerturbationResult.applied(in.text().replace("3", "4"), in.gold(), "");
      }

      public String violation(PerturbationInput in, PerturbationResult out) {
        return null;
      }
    };
    PerturbationResult r = perturber.perturb(breaking, new PerturbationInput("q", "2に3を足す",
        "5"), 1.0);
    assertThat(r.outcome()).isEqualTo(Outcome.FLAGGED);
    assertThat(r.text()).isEqualTo("2に3を足す");
    assertThat(r.detail()).contains("numbers would change from [2, 3] to [2, 4]");
  }

  @Test
  void should_list_valid_names_when_a_perturbation_is_unknown() {
    assertThatThrownBy(() -> Perturbations.parse("width, typo", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown perturbation 'typo'")
        .hasMessageContaining("char_noise, width, kana, kanji_kana, punctuation, whitespace, "
            + "casing, number_format, option_order, instruction_format, paraphrase");
    assertThat(Perturbations.parse("Width,default", List.of("kana", "width")))
        .containsExactly("width", "kana");
  }

  /** Random Japanese/English prompts with numbers, options and code. */
  private static String randomPrompt(SplittableRandom r) {
    String[] pieces = {"東京", "は", "日本", "の", "首都", "です", "。", "、", "りんご", "を", "3", "個",
        "1200", "円", "1,500", "二千", "食べ", "ました", "カタカナ", "テスト", "What", " is", " the",
        " answer", "?", " ", "!", "3.14", " Paris", ",", "ｶﾞｷﾞ", "ＡＢＣ", "１２", "`x = 1`", "\n",
        "年", "2024", "人口", "質問"};
    StringBuilder b = new StringBuilder();
    int n = 3 + r.nextInt(25);
    for (int i = 0; i < n; i++) {
      b.append(pieces[r.nextInt(pieces.length)]);
    }
    if (r.nextInt(3) == 0) {
      b.append("\nA) 赤い 12\nB) 青い 7\nC) 緑 3");
    }
    return b.toString();
  }

  @Test
  void should_keep_numbers_and_declared_invariants_when_run_on_many_random_prompts() {
    SplittableRandom random = new SplittableRandom(7);
    Map<String, Integer> applied = new ConcurrentHashMap<>();
    for (int i = 0; i < 600; i++) {
      String text = randomPrompt(random);
      double severity = random.nextDouble();
      for (Perturbation p : Perturbations.ruleBased()) {
        PerturbationInput in = new PerturbationInput("row" + i, text, "B");
        PerturbationResult raw = p.apply(in, severity, Seeds.random(1, in.rowId(), p.name()));
        if (raw.outcome() != Outcome.APPLIED) {
          continue;
        }
        applied.merge(p.name(), 1, Integer::sum);
        assertThat(Numbers.values(raw.text())).as("%s on <%s> gave <%s>", p.name(), text,
            raw.text()).isEqualTo(Numbers.values(text));
        assertThat(p.violation(in, raw)).as("%s on <%s> gave <%s>", p.name(), text, raw.text())
            .isNull();
      }
    }
    assertThat(applied.keySet()).containsExactlyInAnyOrderElementsOf(Perturbations.ruleBased()
        .stream().map(Perturbation::name).toList());
  }

  @Test
  void should_change_nothing_but_width_when_width_runs_on_random_prompts() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 300; i++) {
      String text = randomPrompt(random);
      PerturbationResult r = perturber.perturb(Perturbations.ruleBased("width"),
          new PerturbationInput("r" + i, text, null), random.nextDouble());
      assertThat(Normalizer.normalize(r.text(), Normalizer.Form.NFKC))
          .isEqualTo(Normalizer.normalize(text, Normalizer.Form.NFKC));
    }
  }

  @Test
  void should_give_the_same_result_when_rows_run_in_another_order_or_thread() {
    List<String> texts = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 200; i++) {
      texts.add(randomPrompt(random));
    }
    for (Perturbation p : Perturbations.ruleBased()) {
      List<String> sequential = IntStream.range(0, texts.size()).mapToObj(i -> perturber
          .perturb(p, new PerturbationInput("r" + i, texts.get(i), "B"), 0.5).text()).toList();
      Map<Integer, String> parallel = new ConcurrentHashMap<>();
      IntStream.range(0, texts.size()).boxed().sorted((a, b) -> b - a).parallel()
          .forEach(i -> parallel.put(i, perturber.perturb(p, new PerturbationInput("r" + i,
              texts.get(i), "B"), 0.5).text()));
      for (int i = 0; i < texts.size(); i++) {
        assertThat(parallel.get(i)).as(p.name()).isEqualTo(sequential.get(i));
      }
    }
  }

  @Test
  void should_keep_the_option_set_and_the_gold_option_when_options_are_shuffled() {
    SplittableRandom random = new SplittableRandom(5);
    String[] families = {"A)", "(1)", "ア．", "a."};
    for (int i = 0; i < 300; i++) {
      int n = 2 + random.nextInt(4);
      String family = families[random.nextInt(families.length)];
      StringBuilder b = new StringBuilder("Question " + i + "?");
      List<String> labels = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        String label = String.valueOf((family.equals("A)") ? "ABCDE" : family.equals("(1)")
            ? "12345" : family.equals("a.") ? "abcde" : "アイウエオ").charAt(k));
        labels.add(label);
        String prefix = family.equals("(1)") ? "(" + label + ")" : label + family.substring(1);
        b.append("\n").append(prefix).append(" option ").append((char) ('p' + k));
      }
      int goldIndex = random.nextInt(n);
      PerturbationResult r = new Perturber(i).perturb(Perturbations.ruleBased("option_order"),
          new PerturbationInput("r" + i, b.toString(), labels.get(goldIndex)), 1.0);
      assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
      List<OptionOrder.Option> after = OptionOrder.detect(r.text());
      String goldText = after.stream().filter(o -> o.label().equals(r.gold())).findFirst()
          .orElseThrow().text();
      assertThat(goldText).isEqualTo("option " + (char) ('p' + goldIndex));
      assertThat(after.stream().map(OptionOrder.Option::text).sorted().toList()).isEqualTo(
          OptionOrder.detect(b.toString()).stream().map(OptionOrder.Option::text).sorted()
              .toList());
    }
  }

  @Test
  void should_keep_a_gold_that_is_an_option_text_and_flag_a_multi_line_gold_when_shuffling() {
    // Found by trying the AIT: gold "a cat" was read as label a and remapped to "c cat"; a
    // multi-line gold "a) ...\nb) ..." was read as label a and only its first label remapped.
    String pets = "Which animal is a bird?\na) a dog\nb) a cat\nc) a hen";
    for (int seed = 0; seed < 20; seed++) {
      PerturbationResult r = new Perturber(seed).perturb(Perturbations.ruleBased("option_order"),
          new PerturbationInput("q" + seed, pets, "a hen"), 1.0);
      assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(r.gold()).isEqualTo("a hen");
      PerturbationResult labelled = new Perturber(seed).perturb(
          Perturbations.ruleBased("option_order"), new PerturbationInput("q" + seed, pets,
              "c) a hen"), 1.0);
      String label = labelled.gold().substring(0, 1);
      assertThat(labelled.text()).contains(label + ") a hen");
    }
    PerturbationResult list = run("option_order", pets, "a) 1\nb) 2\nc) 3", 1.0);
    assertThat(list.outcome()).isEqualTo(Outcome.FLAGGED);
  }

  @Test
  void should_never_change_option_labels_when_character_perturbations_run() {
    // Found by trying the AIT: kana turned the labels ア．イ． into あ．い．, char_noise
    // deleted or replaced "A)" / "b)", so the gold label named no option of the prompt, and
    // whitespace broke option lines in two (now refused by the guard, so it must not happen).
    String ja = "次のうち、哺乳類はどれですか？記号で答えてください。\nア．サメ\nイ．イルカ\nウ．マグロ";
    String en = "Which animal is a bird? Answer with the letter.\nA) a dog\nB) a cat\nC) a hen";
    for (String name : List.of("char_noise", "width", "kana", "kanji_kana", "punctuation",
        "whitespace", "casing", "number_format", "instruction_format")) {
      for (String text : List.of(ja, en, "Pick one:\na) a big brown dog\nb) a small cat",
          "偶数はどれ？\n1) 7\n2) 14")) {
        for (int seed = 0; seed < 40; seed++) {
          PerturbationResult r = new Perturber(seed).perturb(Perturbations.ruleBased(name),
              new PerturbationInput("q" + seed, text, null), 1.0);
          // whitespace put line breaks inside option lines, which ended the option list; the
          // guard refuses that, but whitespace must not do it (the row stays measurable).
          // (char_noise may still be refused: deleting a two-letter option text, サメ.)
          if (name.equals("whitespace")) {
            assertThat(r.outcome()).as(name + " on " + text + ": " + r.detail())
                .isNotEqualTo(Outcome.FLAGGED);
          }
          assertThat(OptionOrder.labels(r.text())).as(name + " on " + text + ": " + r.text())
              .isEqualTo(OptionOrder.labels(text));
          assertThat(OptionOrder.detect(r.text()).stream().map(o -> o.open() + o.label()
              + o.close()).toList()).as(name + ": " + r.text()).isEqualTo(
                  OptionOrder.detect(text).stream().map(o -> o.open() + o.label()
                      + o.close()).toList());
        }
      }
    }
  }

  @Test
  void should_flag_a_change_of_option_labels_when_a_perturbation_makes_one() {
    Perturbation lower = new Perturbation() {
      @Override
      public String name() {
        return "lower_all";
      }

      @Override
      public String description() {
        return "lower case";
      }

      @Override
      public String preserves() {
        return "everything but case";
      }

      @Override
      public PerturbationResult apply(PerturbationInput in, double severity,
          SplittableRandom random) {
        return PerturbationResult.applied(in.text().toLowerCase(Locale.ROOT), in.gold(), "lower");
      }

      @Override
      public String violation(PerturbationInput in, PerturbationResult out) {
        return null;
      }
    };
    PerturbationResult r = perturber.perturb(lower, new PerturbationInput("q1",
        "Pick one.\nA) Red\nB) Blue", "B"), 1.0);
    assertThat(r.outcome()).isEqualTo(Outcome.FLAGGED);
    assertThat(r.detail()).contains("option labels");
  }

  @Test
  void should_leave_phone_numbers_codes_dates_and_times_alone_when_number_format_runs() {
    // Found by trying the AIT: 03-1234-5678 became 03-1,234-５６７８ and 100-0001 became
    // １００-0001, values kept (the guard passed) but the number named something else.
    for (String text : List.of("電話番号は03-1234-5678、郵便番号は100-0001です。",
        "Call 555-1234 at 15:30 on 2024/10/25, room 0042.")) {
      for (int seed = 0; seed < 30; seed++) {
        PerturbationResult r = new Perturber(seed).perturb(Perturbations.ruleBased(
            "number_format"), new PerturbationInput("q" + seed, text, null), 1.0);
        assertThat(r.outcome()).as(r.text()).isEqualTo(Outcome.UNCHANGED);
      }
    }
    PerturbationResult price = run("number_format", "参加費は3000円、電話は03-1234-5678です。",
        null, 1.0);
    assertThat(price.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(price.text()).contains("03-1234-5678").doesNotContain("3000円");
  }

  @Test
  void should_never_edit_a_negation_when_char_noise_runs() {
    // Found by trying the AIT: char_noise turned 不可能ではない into 可能ではない and never into
    // ever, inverting the prompt (the guard checks numbers and non-letters only).
    String ja = "この薬は子どもには不可能ではないが、推奨されない。";
    String en = "I have never been to Paris and I do not like it, so I can't go.";
    for (int seed = 0; seed < 300; seed++) {
      String a = new Perturber(seed).perturb(Perturbations.ruleBased("char_noise"),
          new PerturbationInput("q" + seed, ja, null), 1.0).text();
      assertThat(a).contains("不");
      assertThat(a.split("ない", -1)).as(a).hasSize(3);
      String b = new Perturber(seed).perturb(Perturbations.ruleBased("char_noise"),
          new PerturbationInput("q" + seed, en, null), 1.0).text();
      assertThat(b).contains("never").contains(" not ").contains("can't");
    }
  }
}
