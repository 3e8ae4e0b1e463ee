package io.llmtestbed.aits.safe;

import io.llmtestbed.ait.sdk.runtime.AitMain;

/** Entry point: {@code java -jar eval_llm_mlflow_longform_factuality_safe.jar <input-dir>}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    AitMain.run(new SafeAit(), args);
  }
}
