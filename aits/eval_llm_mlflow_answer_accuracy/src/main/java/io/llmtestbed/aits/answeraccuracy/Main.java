package io.llmtestbed.aits.answeraccuracy;

import io.llmtestbed.ait.sdk.runtime.AitMain;

/** Entry point: {@code java -jar eval_llm_mlflow_answer_accuracy.jar <input-dir>}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    AitMain.run(new AnswerAccuracyAit(), args);
  }
}
