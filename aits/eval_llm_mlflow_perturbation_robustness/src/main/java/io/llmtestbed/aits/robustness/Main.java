package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.runtime.AitMain;

/** Entry point: {@code java -jar eval_llm_mlflow_perturbation_robustness.jar <input-dir>}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    AitMain.run(new RobustnessAit(), args);
  }
}
