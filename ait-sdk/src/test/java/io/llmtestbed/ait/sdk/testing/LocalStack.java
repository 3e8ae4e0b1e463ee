package io.llmtestbed.ait.sdk.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that makes sure the local stack (PostgreSQL + S3Mock + MLflow server) runs
 * before the tests of a class: it runs {@code <repo>/infra/local/stack.sh start} once per JVM
 * (the script is idempotent and reuses running services) and parses {@code stack.sh env}.
 *
 * <pre>{@code
 * @ExtendWith(LocalStack.class)
 * class MyIT {
 *   @Test void should_read_run_when_logged() {
 *     TrackingServer server = TrackingServer.connect(LocalStack.trackingUri());
 *   }
 * }
 * }</pre>
 *
 * <p>The repository root is found by walking up from the working directory to the first
 * directory holding {@code infra/local/stack.sh}, or taken from the system property or
 * environment variable {@code TESTBED_REPO}. The stack is left running after the tests: other
 * modules' tests share it, and {@code stack.sh stop} keeps its data.
 */
public final class LocalStack implements BeforeAllCallback {

  private static final long START_TIMEOUT_MINUTES = 15;
  private static Map<String, String> env;

  @Override
  public void beforeAll(ExtensionContext context) {
    env();
  }

  /** The variables {@code stack.sh env} exports, starting the stack first if needed. */
  public static synchronized Map<String, String> env() {
    if (env == null) {
      Path script = repoRoot().resolve("infra/local/stack.sh");
      run(script, "start", START_TIMEOUT_MINUTES);
      env = Collections.unmodifiableMap(parseExports(run(script, "env", 2)));
    }
    return env;
  }

  /** The MLflow tracking URI of the stack, e.g. {@code http://127.0.0.1:5055}. */
  public static String trackingUri() {
    String uri = env().get("MLFLOW_TRACKING_URI");
    if (uri == null) {
      throw new IllegalStateException("stack.sh env printed no MLFLOW_TRACKING_URI; got keys "
          + env().keySet() + ". Fix: check infra/local/stack.sh cmd_env");
    }
    return uri;
  }

  /** The repository root (holds {@code infra/local/stack.sh}). */
  public static Path repoRoot() {
    String configured = System.getProperty("TESTBED_REPO", System.getenv("TESTBED_REPO"));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("infra/local/stack.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find infra/local/stack.sh above "
        + Path.of("").toAbsolutePath() + ". Fix: run the tests inside the repository or set "
        + "TESTBED_REPO to its root");
  }

  /** Parses {@code export NAME=value} lines as bash's {@code printf %q} writes them. */
  static Map<String, String> parseExports(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\\R")) {
      String l = line.strip();
      if (!l.startsWith("export ") || !l.contains("=")) {
        continue;
      }
      String assignment = l.substring("export ".length());
      int eq = assignment.indexOf('=');
      out.put(assignment.substring(0, eq), unquote(assignment.substring(eq + 1)));
    }
    return out;
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
      return v.substring(1, v.length() - 1);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length()) {
        sb.append(v.charAt(++i));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String run(Path script, String command, long timeoutMinutes) {
    try {
      Path log = Files.createTempFile("stack-" + command + "-", ".log");
      Process p = new ProcessBuilder(List.of("bash", script.toString(), command))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(script + " " + command + " did not finish in "
            + timeoutMinutes + " min; output in " + log);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(script + " " + command + " failed with exit status "
            + p.exitValue() + ":\n" + tail(output) + "\nFix: run it by hand and see "
            + "'stack.sh logs'");
      }
      Files.deleteIfExists(log);
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script + " " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script + " " + command, e);
    }
  }

  private static String tail(String s) {
    String[] lines = s.split("\\R");
    int from = Math.max(0, lines.length - 30);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }
}
