package io.llmtestbed.ait.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackTest {

  @Test
  void should_parse_exports_as_bash_printf_q_writes_them() {
    String text = "export MLFLOW_TRACKING_URI=http://127.0.0.1:5055\n"
        + "export TESTBED_HOME=/work/my\\ repo/.testbed\n"
        + "export QUOTED='a b'\n"
        + "stack: some other line\n";

    Map<String, String> env = LocalStack.parseExports(text);

    assertThat(env).containsExactly(Map.entry("MLFLOW_TRACKING_URI", "http://127.0.0.1:5055"),
        Map.entry("TESTBED_HOME", "/work/my repo/.testbed"), Map.entry("QUOTED", "a b"));
  }
}
