package io.llmtestbed.aits.robustness.perturb;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Instruction-format variants: the prompt is wrapped in one of several templates chosen at
 * random: {@code Question: ...\nAnswer:}, {@code Q: ...\nA:}, a markdown heading, a polite or a
 * plain request; Japanese prompts get Japanese templates ({@code 質問：...\n回答：}, {@code ###
 * 質問}, {@code 次の質問にお答えください。} (polite), {@code 次の質問に答えて。} (plain)).
 * Severity is not used.
 */
final class InstructionFormat implements Perturbation {
  static final List<String> ENGLISH = List.of("Question: %s\nAnswer:", "Q: %s\nA:",
      "### Question\n\n%s\n\n### Answer\n", "Please answer the following question.\n\n%s",
      "Answer this.\n%s");
  static final List<String> JAPANESE = List.of("質問：%s\n回答：", "### 質問\n\n%s\n\n### 回答\n",
      "次の質問にお答えください。\n\n%s", "次の質問に答えて。\n%s", "問：%s\n答：");

  @Override
  public String name() {
    return "instruction_format";
  }

  @Override
  public String description() {
    return "the prompt wrapped in one of 5 templates per language: Question:/Answer:, Q:/A:, "
        + "markdown headings, a polite or a plain request (質問：/回答：, ### 質問, "
        + "お答えください / 答えて)";
  }

  @Override
  public String preserves() {
    return "the whole original prompt, unchanged, inside the wrapper";
  }

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    List<String> templates = Chars.containsJapanese(in.text()) ? JAPANESE : ENGLISH;
    int k = random.nextInt(templates.size());
    String text = templates.get(k).replace("%s", in.text());
    return PerturbationResult.applied(text, in.gold(), "template " + (k + 1));
  }

  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    return out.text().contains(in.text()) ? null : "the original prompt is not in the wrapper";
  }
}
