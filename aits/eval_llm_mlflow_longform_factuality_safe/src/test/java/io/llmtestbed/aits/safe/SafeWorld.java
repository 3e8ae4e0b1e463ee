package io.llmtestbed.aits.safe;

import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmClients;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer;
import io.llmtestbed.aits.safe.search.SearchBackend;
import io.llmtestbed.aits.safe.search.SearchResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted rater for tests: a {@link ScriptedLlmServer} whose answers are chosen by the
 * content of SAFE's prompts (the marker lines of {@code Prompts}), and a small in-memory search
 * backend. The test fills the maps; unknown inputs get neutral defaults (a sentence is one
 * fact, a fact is kept as it is and relevant, a statement is Not Supported).
 */
public final class SafeWorld implements AutoCloseable {
  private static final Pattern NUMBERED = Pattern.compile("^(\\d+)\\. (.*)$");

  public final ScriptedLlmServer server = ScriptedLlmServer.start();
  /** sentence → its atomic facts. */
  public final Map<String, List<String>> splits = new HashMap<>();
  /** fact → revised fact. */
  public final Map<String, String> revisions = new HashMap<>();
  /** revised facts that are irrelevant. */
  public final Set<String> irrelevant = new HashSet<>();
  /**
   * revised statement → decision: {@code S}, {@code NS}, or {@code MORE <query>} (ask for
   * another search once, then decide S).
   */
  public final Map<String, String> verdicts = new HashMap<>();
  /** query → documents (title, text). */
  public final Map<String, List<SearchResult>> documents = new HashMap<>();
  public final AtomicInteger searches = new AtomicInteger();

  private boolean installed;
  /** Latency of every world rule (set before {@link #install}). */
  public Duration latency = Duration.ZERO;

  /**
   * Adds the world's rules after any rule the test added first (the first matching rule wins,
   * so a test's own rule for one prompt overrides the world). Called by {@link #llm}.
   */
  public synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    server.when(c -> task(c).contains("TARGET SENTENCE: ") || task(c).contains("対象の文: "))
        .latency(latency).reply(c -> split(task(c)));
    server.when(c -> task(c).contains("FACTS TO REWRITE:")).latency(latency).reply(c -> revise(task(c)));
    server.when(c -> task(c).contains("FACT TO REWRITE: ")).latency(latency).reply(c -> {
      String fact = after(task(c), "FACT TO REWRITE: ");
      return "The fact uses a pronoun.\n```\n" + revisions.getOrDefault(fact, fact) + "\n```";
    });
    server.when(c -> task(c).contains("STATEMENT FOR RELEVANCE: ")).latency(latency).reply(c ->
        irrelevant.contains(after(task(c), "STATEMENT FOR RELEVANCE: ")) ? "Off topic. [Irrelevant]"
            : "It is about the subject. [Relevant]");
    server.when(c -> task(c).contains("STATEMENT TO RATE: ")).latency(latency).reply(c -> decide(task(c)));
    server.when(c -> task(c).contains("STATEMENT TO SEARCH: "))
        .latency(latency).reply(c -> "```\n" + after(task(c), "STATEMENT TO SEARCH: ")
            + " evidence " + (queriesIn(task(c)) + 1) + "\n```");
    server.defaultReply("I cannot help with that.");
  }

  /** The task prompt: the first user message (later ones are repair requests). */
  public static String task(ScriptedLlmServer.ChatCall c) {
    return c.messages().stream().filter(m -> m.role().equals("user")).findFirst()
        .map(m -> m.content()).orElse("");
  }

  static int queriesIn(String prompt) {
    return prompt.split("\nQuery \\d+: ", -1).length - 1;
  }

  static String after(String prompt, String marker) {
    String rest = prompt.substring(prompt.lastIndexOf(marker) + marker.length());
    return rest.lines().findFirst().orElse("").strip();
  }

  private String split(String prompt) {
    String sentence = prompt.contains("TARGET SENTENCE: ") ? after(prompt, "TARGET SENTENCE: ")
        : after(prompt, "対象の文: ");
    List<String> facts = splits.getOrDefault(sentence, List.of(sentence));
    if (facts.isEmpty()) {
      return "- None";
    }
    StringBuilder sb = new StringBuilder("Here are the facts:\n");
    facts.forEach(f -> sb.append("- ").append(f).append('\n'));
    return sb.toString();
  }

  private String revise(String prompt) {
    String list = prompt.substring(prompt.indexOf("FACTS TO REWRITE:") + 17);
    StringBuilder sb = new StringBuilder("```\n");
    for (String line : list.strip().split("\\R")) {
      Matcher m = NUMBERED.matcher(line.strip());
      if (m.matches()) {
        String revised = revisions.getOrDefault(m.group(2), m.group(2));
        sb.append(m.group(1)).append(". ").append(revised)
            .append(irrelevant.contains(revised) ? " [Irrelevant]" : " [Relevant]").append('\n');
      }
    }
    return sb.append("```").toString();
  }

  private String decide(String prompt) {
    String statement = after(prompt, "STATEMENT TO RATE: ");
    String verdict = verdicts.getOrDefault(statement, "NS");
    boolean last = !prompt.contains("[Need more]");
    if (verdict.startsWith("MORE ")) {
      if (queriesIn(prompt) < 2 && !last) {
        return "The results say nothing about it yet.\n```\n" + verdict.substring(5)
            + "\n```\n[Need more]";
      }
      return "The second search confirms it. [Supported]";
    }
    return verdict.equals("S") ? "The results confirm the statement.\n[Supported]"
        : "No result confirms it.\n[Not Supported]";
  }

  /** An in-memory search backend over {@link #documents} (exact query match). */
  public SearchBackend search() {
    return new SearchBackend() {
      @Override
      public List<SearchResult> search(String query, int k) {
        searches.incrementAndGet();
        List<SearchResult> r = documents.getOrDefault(query, List.of());
        return new ArrayList<>(r.subList(0, Math.min(k, r.size())));
      }

      @Override
      public String describe() {
        return "memory:test";
      }

      @Override
      public String indexDigest() {
        return "0";
      }

      @Override
      public void close() {}
    };
  }

  /** An LLM client on the scripted server; {@code cache} null = no cache. */
  public LlmClient llm(Path cache) {
    install();
    return LlmClients.create(LlmSettings.builder().backend("openai").baseUrl(server.baseUrl())
        .model("scripted-model").timeout(Duration.ofSeconds(5)).maxRetries(2)
        .option("retry_initial_ms", "5").option("retry_max_ms", "20").cacheDir(cache).build());
  }

  @Override
  public void close() {
    server.close();
  }
}
