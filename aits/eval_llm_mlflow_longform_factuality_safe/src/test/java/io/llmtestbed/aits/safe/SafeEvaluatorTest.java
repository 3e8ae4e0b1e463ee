package io.llmtestbed.aits.safe;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.aits.safe.pipeline.FactResult;
import io.llmtestbed.aits.safe.pipeline.Language;
import io.llmtestbed.aits.safe.pipeline.Rating;
import io.llmtestbed.aits.safe.pipeline.SearchStep;
import io.llmtestbed.aits.safe.search.SearchResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeEvaluatorTest {
  static final String PROMPT = "Tell me a bio of Ada Lovelace.";
  static final String RESPONSE = "Ada Lovelace was born in London in 1815. She worked with "
      + "Charles Babbage on the Analytical Engine. Her father, Lord Byron, also liked Greece.";

  SafeWorld world;

  @BeforeEach
  void setUp() {
    world = new SafeWorld();
    world.splits.put("Ada Lovelace was born in London in 1815.",
        List.of("Ada Lovelace was born in London.", "Ada Lovelace was born in 1815."));
    world.splits.put("She worked with Charles Babbage on the Analytical Engine.",
        List.of("She worked with Charles Babbage.", "She worked on the Analytical Engine."));
    world.splits.put("Her father, Lord Byron, also liked Greece.",
        List.of("Her father was Lord Byron.", "Lord Byron liked Greece."));
    world.revisions.put("She worked with Charles Babbage.",
        "Ada Lovelace worked with Charles Babbage.");
    world.revisions.put("She worked on the Analytical Engine.",
        "Ada Lovelace worked on the Analytical Engine.");
    world.revisions.put("Her father was Lord Byron.", "Ada Lovelace's father was Lord Byron.");
    world.irrelevant.add("Lord Byron liked Greece.");
    world.verdicts.put("Ada Lovelace was born in London.", "S");
    world.verdicts.put("Ada Lovelace was born in 1815.", "S");
    world.verdicts.put("Ada Lovelace worked with Charles Babbage.", "S");
    world.verdicts.put("Ada Lovelace worked on the Analytical Engine.",
        "MORE Analytical Engine Lovelace notes");
    world.verdicts.put("Ada Lovelace's father was Lord Byron.", "NS");
    world.documents.put("Ada Lovelace was born in London.", List.of(new SearchResult(
        "Ada Lovelace", "Ada Lovelace (1815-1852) was born in London.", "doc-1", 3.2)));
    world.documents.put("Analytical Engine Lovelace notes", List.of(new SearchResult(
        "Analytical Engine", "Lovelace's notes describe the Analytical Engine.", "doc-2", 2.0)));
  }

  @AfterEach
  void tearDown() {
    world.close();
  }

  private SafeEvaluator evaluator(LlmClient llm, SafeSettings settings) {
    return new SafeEvaluator(settings, llm, world.search());
  }

  @Test
  void should_pin_every_step_when_rating_a_fixed_english_response() {
    try (LlmClient llm = world.llm(null);
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().build())) {
      ResponseResult r = safe.evaluate(PROMPT, RESPONSE);

      assertThat(r.language()).isEqualTo(Language.EN);
      assertThat(r.sentences()).extracting(s -> s.text()).containsExactly(
          "Ada Lovelace was born in London in 1815.",
          "She worked with Charles Babbage on the Analytical Engine.",
          "Her father, Lord Byron, also liked Greece.");
      assertThat(r.facts()).extracting(f -> f.fact().text()).containsExactly(
          "Ada Lovelace was born in London.", "Ada Lovelace was born in 1815.",
          "She worked with Charles Babbage.", "She worked on the Analytical Engine.",
          "Her father was Lord Byron.", "Lord Byron liked Greece.");
      assertThat(r.facts()).extracting(FactResult::revised).containsExactly(
          "Ada Lovelace was born in London.", "Ada Lovelace was born in 1815.",
          "Ada Lovelace worked with Charles Babbage.",
          "Ada Lovelace worked on the Analytical Engine.",
          "Ada Lovelace's father was Lord Byron.", "Lord Byron liked Greece.");
      assertThat(r.facts()).extracting(FactResult::relevant)
          .containsExactly(true, true, true, true, true, false);
      assertThat(r.facts()).extracting(FactResult::rating).containsExactly(Rating.SUPPORTED,
          Rating.SUPPORTED, Rating.SUPPORTED, Rating.SUPPORTED, Rating.NOT_SUPPORTED,
          Rating.IRRELEVANT);
      FactResult engine = r.facts().get(3);
      assertThat(engine.steps()).extracting(SearchStep::query).containsExactly(
          "Ada Lovelace worked on the Analytical Engine.", "Analytical Engine Lovelace notes");
      assertThat(engine.steps()).extracting(SearchStep::origin).containsExactly("fact", "llm");
      assertThat(engine.steps().get(1).results()).extracting(SearchResult::source)
          .containsExactly("doc-2");
      assertThat(r.supported()).isEqualTo(4);
      assertThat(r.notSupported()).isEqualTo(1);
      assertThat(r.irrelevant()).isEqualTo(1);
      assertThat(r.unrated()).isZero();
      assertThat(r.precision()).isEqualTo(0.8);
      assertThat(r.recallAtK(64)).isEqualTo(4.0 / 64);
      assertThat(r.f1AtK(4)).isEqualTo(2 * 0.8 * 1.0 / 1.8);
      // 3 splits + 3 batched revisions + 1 decision per relevant fact + 1 for the second step
      assertThat(r.llmRequests()).isEqualTo(3 + 3 + 5 + 1);
      assertThat(r.searchRequests()).isEqualTo(6);
      assertThat(world.server.requestCount()).isEqualTo(12);
      assertThat(world.server.calls()).allSatisfy(c -> assertThat(c.temperature()).isEqualTo(0.0));
    }
  }

  @Test
  void should_split_and_rate_a_japanese_response_with_japanese_prompts() {
    String response = "夏目漱石は1867年に生まれた作家です。代表作に「吾輩は猫である。」があります！";
    world.splits.put("夏目漱石は1867年に生まれた作家です。",
        List.of("夏目漱石は1867年に生まれた。", "夏目漱石は作家である。"));
    world.splits.put("代表作に「吾輩は猫である。」があります！",
        List.of("夏目漱石の代表作に『吾輩は猫である』がある。"));
    world.verdicts.put("夏目漱石は1867年に生まれた。", "S");
    world.verdicts.put("夏目漱石は作家である。", "S");
    try (LlmClient llm = world.llm(null);
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().build())) {
      ResponseResult r = safe.evaluate("夏目漱石について教えてください。", response);

      assertThat(r.language()).isEqualTo(Language.JA);
      assertThat(r.sentences()).extracting(s -> s.text()).containsExactly(
          "夏目漱石は1867年に生まれた作家です。", "代表作に「吾輩は猫である。」があります！");
      assertThat(r.facts()).extracting(f -> f.fact().text()).containsExactly(
          "夏目漱石は1867年に生まれた。", "夏目漱石は作家である。",
          "夏目漱石の代表作に『吾輩は猫である』がある。");
      assertThat(r.facts()).extracting(FactResult::revised)
          .containsExactlyElementsOf(r.facts().stream().map(f -> f.fact().text()).toList());
      assertThat(r.facts()).extracting(FactResult::relevant).containsOnly(true);
      assertThat(r.facts()).extracting(f -> f.steps().get(0).query()).containsExactly(
          "夏目漱石は1867年に生まれた。", "夏目漱石は作家である。",
          "夏目漱石の代表作に『吾輩は猫である』がある。");
      assertThat(r.facts()).extracting(FactResult::rating).containsExactly(Rating.SUPPORTED,
          Rating.SUPPORTED, Rating.NOT_SUPPORTED);
      assertThat(world.server.calls()).filteredOn(c -> c.lastUserContent().contains("対象の文"))
          .hasSize(2).allSatisfy(c -> assertThat(c.lastUserContent())
              .contains("原子的な事実").contains("例文: 夏目漱石は1867年に江戸で生まれ"));
      assertThat(r.precision()).isEqualTo(2.0 / 3);
    }
  }

  @Test
  void should_answer_a_second_run_from_the_cache_with_zero_llm_calls(@TempDir Path cache) {
    ResponseResult first;
    try (LlmClient llm = world.llm(cache);
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().build())) {
      first = safe.evaluate(PROMPT, RESPONSE);
    }
    int calls = world.server.requestCount();
    try (LlmClient llm = world.llm(cache);
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().build())) {
      ResponseResult second = safe.evaluate(PROMPT, RESPONSE);

      assertThat(world.server.requestCount()).as("LLM calls in the second run")
          .isEqualTo(calls);
      assertThat(llm.accounting().calls()).isZero();
      assertThat(second.llmCacheHits()).isEqualTo(second.llmRequests());
      assertThat(second.facts()).extracting(FactResult::rating)
          .containsExactlyElementsOf(first.facts().stream().map(FactResult::rating).toList());
    }
  }

  @Test
  void should_make_the_original_call_pattern_when_configured_like_the_original() {
    try (LlmClient llm = world.llm(null);
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().likeOriginal().build())) {
      ResponseResult r = safe.evaluate(PROMPT, RESPONSE);

      // per sentence 1 split; per fact 1 revision + 1 relevance; per relevant fact 5 queries
      // and 1 final decision; 5 searches per relevant fact
      assertThat(r.llmRequests()).isEqualTo(3 + 6 * 2 + 5 * 6);
      assertThat(r.searchRequests()).isEqualTo(5 * 5);
      assertThat(r.facts()).extracting(FactResult::rating).doesNotContain(Rating.UNRATED);
    }
  }

  @Test
  void should_rate_a_fact_not_supported_when_every_search_is_empty() {
    try (LlmClient llm = world.llm(null);
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().build())) {
      ResponseResult r = safe.evaluate(PROMPT, "Ada Lovelace owned a red bicycle.");

      FactResult f = r.facts().get(0);
      assertThat(f.rating()).isEqualTo(Rating.NOT_SUPPORTED);
      assertThat(f.steps()).singleElement()
          .satisfies(s -> assertThat(s.results()).isEmpty());
      assertThat(world.server.calls()).anySatisfy(c -> assertThat(c.lastUserContent())
          .contains("(no results)"));
    }
  }

  @Test
  void should_repair_a_malformed_answer_and_rate_the_fact() {
    world.server.when(c -> c.lastUserContent().contains("TARGET SENTENCE: Ada wrote code.")
        && c.messages().size() == 1).reply("Ada wrote code, I think.");
    try (LlmClient llm = world.llm(null);
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().build())) {
      ResponseResult r = safe.evaluate(PROMPT, "Ada wrote code.");

      assertThat(r.facts()).singleElement().satisfies(f -> {
        assertThat(f.fact().text()).isEqualTo("Ada wrote code.");
        assertThat(f.rating()).isEqualTo(Rating.NOT_SUPPORTED);
      });
      assertThat(r.sentences().get(0).llmRequests()).as("split + repair + revision")
          .isEqualTo(3);
      assertThat(world.server.calls()).anySatisfy(c -> assertThat(c.lastUserContent())
          .startsWith("Your answer could not be read: no line starts with \"- \""));
    }
  }

  @Test
  void should_count_a_fact_unrated_with_the_reason_when_the_answer_stays_malformed() {
    world.server.when(c -> c.promptContains("STATEMENT TO RATE: Ada wrote code."))
        .reply("Maybe.");
    try (LlmClient llm = world.llm(null);
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().build())) {
      ResponseResult r = safe.evaluate(PROMPT, "Ada wrote code.");

      FactResult f = r.facts().get(0);
      assertThat(f.rating()).isEqualTo(Rating.UNRATED);
      assertThat(f.reason()).startsWith("safe.rate: malformed answer after 3 request(s): no "
          + "answer in square brackets among [Supported], [Not Supported], [Need more]");
      assertThat(r.unrated()).isEqualTo(1);
      assertThat(r.facts()).hasSize(1);
    }
  }

  @Test
  void should_count_a_fact_unrated_when_the_llm_times_out() {
    world.server.when(c -> c.promptContains("STATEMENT TO RATE: Ada wrote code.")).hang();
    world.install();
    try (LlmClient llm = io.llmtestbed.ait.sdk.llm.LlmClients.create(
            io.llmtestbed.ait.sdk.llm.LlmSettings.builder().baseUrl(world.server.baseUrl())
                .model("m").timeout(Duration.ofMillis(300)).maxRetries(1)
                .option("retry_initial_ms", "5").build());
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().build())) {
      ResponseResult r = safe.evaluate(PROMPT, "Ada wrote code.");

      FactResult f = r.facts().get(0);
      assertThat(f.rating()).isEqualTo(Rating.UNRATED);
      assertThat(f.reason()).startsWith("safe.rate: LLM error TIMEOUT after 2 attempt(s)");
    }
  }

  @Test
  void should_rate_every_fact_through_a_429_storm_or_count_it_unrated() {
    world.verdicts.put("Ada wrote code.", "S");
    world.server.when(c -> c.promptContains("STATEMENT TO RATE: Ada wrote code."))
        .failTimes(2, 429).reply("[Supported]");
    world.server.when(c -> c.promptContains("STATEMENT TO RATE: Ada sang.")).failTimes(50, 429)
        .reply("[Supported]");
    try (LlmClient llm = world.llm(null);
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().build())) {
      ResponseResult r = safe.evaluate(PROMPT, "Ada wrote code. Ada sang.");

      assertThat(r.facts()).hasSize(2);
      assertThat(r.facts().get(0).rating()).as("recovered after 2 x 429")
          .isEqualTo(Rating.SUPPORTED);
      assertThat(r.facts().get(1).rating()).isEqualTo(Rating.UNRATED);
      assertThat(r.facts().get(1).reason()).contains("RATE_LIMITED");
      assertThat(llm.accounting().retries()).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void should_not_search_a_repeated_query_again_and_ask_for_a_new_one() {
    world.verdicts.put("Ada wrote code.", "MORE Ada wrote code.");
    try (LlmClient llm = world.llm(null);
        SafeEvaluator safe = evaluator(llm, SafeSettings.builder().build())) {
      ResponseResult r = safe.evaluate(PROMPT, "Ada wrote code.");

      FactResult f = r.facts().get(0);
      assertThat(f.duplicateQueries()).isEqualTo(1);
      assertThat(f.steps()).extracting(SearchStep::query)
          .containsExactly("Ada wrote code.", "Ada wrote code. evidence 2");
      assertThat(f.rating()).isEqualTo(Rating.SUPPORTED);
      assertThat(world.searches.get()).isEqualTo(2);
    }
  }
}
