package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.testing.AitHarness;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Inputs of this AIT's tests, and a run of the AIT through the SDK's {@link AitHarness}. */
final class Fixtures {
  static final List<String> DEMO_COLUMNS = List.of("question_id", "category", "inputs",
      "ground_truth", "outputs");

  private Fixtures() {}

  /** Writes {@code ait.input.json} under {@code root} and runs a new {@link RobustnessAit}. */
  static AitHarness.Result run(Path root, Map<String, String> inventories,
      Map<String, String> params) throws IOException {
    return AitHarness.run(new RobustnessAit(), root, inventories, params);
  }

  /** A row of the demo layout. */
  static List<Object> row(String id, String category, String input, String target,
      String output) {
    return Arrays.asList(id, category, input, target, output);
  }
}
