package io.llmtestbed.ait.sdk.mlflow;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// The rules mirror mlflow/utils/validation.py of MLflow 3.17.2: regex ^[/\w.\- :]*$ (Python's
// Unicode \w), posixpath.normpath(name) == name, at most 250 characters.
class MlflowWriteBackKeyTest {

  @ParameterizedTest
  @ValueSource(strings = {"exact_match/v1", "ait.answer_accuracy.token_f1", "rouge L/mean",
      "judge:score", "正答率", "a-b_c.d/e f"})
  void should_accept_keys_mlflow_accepts(String key) {
    assertThatCode(() -> MlflowWriteBack.validateKey("metric", key)).doesNotThrowAnyException();
  }

  @Test
  void should_name_allowed_characters_when_key_has_others() {
    assertThatThrownBy(() -> MlflowWriteBack.validateKey("metric", "accuracy(%)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metric key 'accuracy(%)' is not accepted by MLflow: names may only contain "
            + "letters, digits, underscores (_), dashes (-), periods (.), spaces, colons (:) and "
            + "slashes (/). Fix: replace the other characters, e.g. with _");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/abs", "a//b", "a/./b", "a/../b", "trailing/", "."})
  void should_reject_keys_that_change_as_paths(String key) {
    assertThatThrownBy(() -> MlflowWriteBack.validateKey("tag", key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tag key '" + key + "' is not accepted by MLflow: as a path it "
            + "would resolve to ");
  }

  @Test
  void should_give_the_limit_when_key_is_too_long() {
    String key = "m".repeat(251);

    assertThatThrownBy(() -> MlflowWriteBack.validateKey("metric", key))
        .hasMessage("metric key '" + "m".repeat(40) + "...' has 251 characters; MLflow allows at "
            + "most 250");
  }
}
