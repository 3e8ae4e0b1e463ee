package io.llmtestbed.ait.sdk.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackingCredentialsTest {

  @Test
  void should_send_basic_auth_when_username_and_password_are_set() {
    TrackingCredentials c = TrackingCredentials.fromEnv(Map.of("MLFLOW_TRACKING_USERNAME",
        "admin", "MLFLOW_TRACKING_PASSWORD", "password1234"));

    // base64("admin:password1234") computed with: printf 'admin:password1234' | base64
    assertThat(c.authorizationHeader()).hasValue("Basic YWRtaW46cGFzc3dvcmQxMjM0");
    assertThat(c.describe()).isEqualTo("user 'admin' (MLFLOW_TRACKING_USERNAME/PASSWORD)");
  }

  @Test
  void should_prefer_the_token_when_both_are_set() {
    TrackingCredentials c = TrackingCredentials.fromEnv(Map.of("MLFLOW_TRACKING_USERNAME", "u",
        "MLFLOW_TRACKING_PASSWORD", "p", "MLFLOW_TRACKING_TOKEN", "t0k"));

    assertThat(c.authorizationHeader()).hasValue("Bearer t0k");
  }

  @Test
  void should_send_nothing_and_hide_secrets_when_printed() {
    TrackingCredentials none = TrackingCredentials.fromEnv(Map.of("MLFLOW_TRACKING_TOKEN", " "));
    TrackingCredentials secret = new TrackingCredentials("u", "hunter2", null);

    assertThat(none.authorizationHeader()).isEmpty();
    assertThat(secret.toString()).doesNotContain("hunter2")
        .isEqualTo("TrackingCredentials[user 'u' (MLFLOW_TRACKING_USERNAME/PASSWORD)]");
  }
}
