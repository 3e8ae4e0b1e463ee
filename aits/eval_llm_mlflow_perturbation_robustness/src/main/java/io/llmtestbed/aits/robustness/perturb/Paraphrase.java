package io.llmtestbed.aits.robustness.perturb;

import io.llmtestbed.ait.sdk.llm.ChatMessage;
import io.llmtestbed.ait.sdk.llm.ChatRequest;
import io.llmtestbed.ait.sdk.llm.ChatResponse;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmException;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * LLM-generated paraphrase through the SDK's llm client (purpose {@value #PURPOSE}): the model
 * is asked to reword the prompt keeping every number, name, option label and code. Every output
 * row, table and run that uses it is marked {@code llm_generated}. The meaning guard checks the
 * numbers and the option labels; the rest of the meaning is the paraphrasing model's
 * responsibility, which is why its rows are marked.
 */
public final class Paraphrase implements Perturbation {
  /** The purpose of the paraphrase calls in the accounting and egress audit. */
  public static final String PURPOSE = "robustness.paraphrase";
  static final String ENGLISH_INSTRUCTION = "Rewrite the following text in different words. "
      + "Keep its meaning, every number, name, option label and code exactly as they are. "
      + "Reply with the rewritten text only.";
  static final String JAPANESE_INSTRUCTION = "次の文章を、意味を変えずに別の言い回しで書き換えて"
      + "ください。数値・固有名詞・選択肢の記号・コードはそのまま残し、書き換えた文章だけを出力して"
      + "ください。";

  private final LlmClient client;
  private final Double temperature;

  /**
   * @param client the client that paraphrases (may be the model under test or another one)
   * @param temperature sampling temperature of the paraphrase calls; null = endpoint default
   */
  public Paraphrase(LlmClient client, Double temperature) {
    this.client = Objects.requireNonNull(client, "client");
    this.temperature = temperature;
  }

  @Override
  public String name() {
    return Perturbations.PARAPHRASE;
  }

  @Override
  public String description() {
    return "an LLM-generated paraphrase (llm client, purpose robustness.paraphrase, parameter "
        + "paraphrase_temperature); rows are marked llm_generated";
  }

  @Override
  public String preserves() {
    return "checked: every number and the option labels; the rest is the paraphrasing "
        + "model's responsibility (rows marked llm_generated)";
  }

  @Override
  public boolean llmGenerated() {
    return true;
  }

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    String instruction = Chars.containsJapanese(in.text()) ? JAPANESE_INSTRUCTION
        : ENGLISH_INSTRUCTION;
    ChatRequest request = ChatRequest.builder()
        .message(ChatMessage.user(instruction + "\n\n" + in.text()))
        .temperature(temperature)
        .seed(random.nextLong() & Long.MAX_VALUE)
        .purpose(PURPOSE)
        .build();
    ChatResponse response;
    try {
      response = client.chat(request);
    } catch (LlmException e) {
      return PerturbationResult.failed(in, "paraphrase call failed (" + e.kind() + "): "
          + e.getMessage());
    }
    String text = response.text().strip();
    if (text.isEmpty()) {
      return PerturbationResult.failed(in, "the paraphrasing model returned empty text");
    }
    if (text.equals(in.text().strip())) {
      return PerturbationResult.unchanged(in, "the paraphrase equals the prompt");
    }
    return PerturbationResult.applied(text, in.gold(), "llm-generated paraphrase");
  }

  // LIMIT: the guard checks numbers and option labels only; a paraphrase that changes names or
  // negation passes it, which is why every paraphrased row is marked llm_generated.
  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    List<String> before = OptionOrder.detect(in.text()).stream().map(OptionOrder.Option::label)
        .toList();
    List<String> after = OptionOrder.detect(out.text()).stream().map(OptionOrder.Option::label)
        .toList();
    return before.equals(after) ? null : "the option labels changed (" + before + " -> "
        + after + ")";
  }
}
