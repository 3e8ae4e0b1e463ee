package io.llmtestbed.ait.sdk.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials for an MLflow tracking server: a username/password pair (HTTP Basic) or a token
 * (Bearer). When both are given the token wins, as in MLflow's own clients.
 *
 * @param username MLFLOW_TRACKING_USERNAME, or null
 * @param password MLFLOW_TRACKING_PASSWORD, or null
 * @param token MLFLOW_TRACKING_TOKEN, or null
 */
public record TrackingCredentials(String username, String password, String token) {

  /** No credentials (an open server such as the local stack). */
  public static final TrackingCredentials NONE = new TrackingCredentials(null, null, null);

  /** Reads MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD and MLFLOW_TRACKING_TOKEN. */
  public static TrackingCredentials fromEnv() {
    return fromEnv(System.getenv());
  }

  /** Reads the three variables from the given map (blank values count as absent). */
  public static TrackingCredentials fromEnv(Map<String, String> env) {
    return new TrackingCredentials(blankToNull(env.get("MLFLOW_TRACKING_USERNAME")),
        blankToNull(env.get("MLFLOW_TRACKING_PASSWORD")),
        blankToNull(env.get("MLFLOW_TRACKING_TOKEN")));
  }

  /** The HTTP Authorization header value, if any credentials are set. */
  public Optional<String> authorizationHeader() {
    if (token != null) {
      return Optional.of("Bearer " + token);
    }
    if (username != null) {
      String pair = username + ":" + (password == null ? "" : password);
      return Optional.of("Basic "
          + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return Optional.empty();
  }

  /** Describes which kind of credentials are set, without revealing them. */
  public String describe() {
    if (token != null) {
      return "a token (MLFLOW_TRACKING_TOKEN)";
    }
    if (username != null) {
      return "user '" + username + "' (MLFLOW_TRACKING_USERNAME/PASSWORD)";
    }
    return "no credentials";
  }

  @Override
  public String toString() {
    return "TrackingCredentials[" + describe() + "]";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
