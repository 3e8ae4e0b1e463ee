package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.mlflow.EvalRow;
import io.llmtestbed.ait.sdk.mlflow.EvalTable;
import io.llmtestbed.ait.sdk.mlflow.TrackingServer;
import io.llmtestbed.ait.sdk.testing.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The scripted model of demo.sh (not a model, not a test): a {@link ScriptedLlmServer} that
 * answers each demo question with the run's own ground_truth, found by character-bigram overlap
 * with the run's inputs, and answers "わかりません" when the prompt holds half-width katakana
 * (brittle to the width perturbation on purpose) or matches no question. Its numbers are
 * scripted and are labelled so in the demo output. Arguments: tracking URI, run id, file to
 * write the base URL to. Runs until killed.
 */
public final class DemoScriptedServer {
  private DemoScriptedServer() {}

  public static void main(String[] args) throws Exception {
    List<Set<String>> questions = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    try (TrackingServer server = TrackingServer.connect(args[0]);
        EvalTable table = server.run(args[1]).evalTable()) {
      for (EvalRow row : table) {
        questions.add(bigrams(row.string("inputs")));
        String gold = row.string("ground_truth");
        answers.add(gold == null ? "（スクリプト応答）参照回答がありません。" : gold);
      }
    }
    ScriptedLlmServer llm = ScriptedLlmServer.start();
    llm.when(c -> ActiveModeTest.halfWidthKatakana(c.lastUserContent())).reply("わかりません");
    llm.defaultReply(c -> {
      Set<String> prompt = bigrams(c.lastUserContent());
      int best = -1;
      double score = 0;
      for (int i = 0; i < questions.size(); i++) {
        Set<String> both = new HashSet<>(prompt);
        both.retainAll(questions.get(i));
        double jaccard = both.size() / (double) Math.max(1, prompt.size()
            + questions.get(i).size() - both.size());
        if (jaccard > score) {
          score = jaccard;
          best = i;
        }
      }
      return best >= 0 && score >= 0.2 ? answers.get(best) : "わかりません";
    });
    Files.writeString(Path.of(args[2]), llm.baseUrl());
    Thread.currentThread().join();
  }

  private static Set<String> bigrams(String text) {
    String t = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKC);
    StringBuilder b = new StringBuilder();
    t.codePoints().filter(Character::isLetterOrDigit).map(c -> c >= 0x30A1 && c <= 0x30F6
        ? c - 0x60 : Character.toLowerCase(c)).forEach(b::appendCodePoint);
    Set<String> out = new HashSet<>();
    for (int i = 0; i + 2 <= b.length(); i++) {
      out.add(b.substring(i, i + 2));
    }
    return out;
  }
}
