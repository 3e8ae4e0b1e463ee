package io.llmtestbed.ait.sdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "No code path of the project opens a connection outside loopback and private ranges" with
 * default settings: every place in the project's main Java sources that builds a network client
 * or opens a connection must be {@link GuardedHttp} or a call site listed in {@link #GUARDED}
 * whose guard is found in the code. A new unguarded client makes this test fail.
 */
class EgressCodeScanTest {

  /** Constructions of outbound clients and connections. */
  private static final Pattern CONNECTS = Pattern.compile(
      "HttpClient\\s*\\.\\s*new(Builder|HttpClient)\\s*\\("
          + "|\\.openConnection\\s*\\("
          + "|\\.openStream\\s*\\(\\s*\\)"
          + "|new\\s+(java\\.net\\.)?(Socket|DatagramSocket|OkHttpClient)\\s*\\("
          + "|(Asynchronous)?SocketChannel\\s*\\.\\s*open\\s*\\("
          + "|new\\s+MlflowClient\\s*\\("
          + "|HttpClients\\s*\\.\\s*(create|custom)"
          + "|HttpClientBuilder\\s*\\.\\s*create\\s*\\("
          + "|\\b[A-Z]\\w*Client\\s*\\.\\s*(builder|create)\\s*\\(");

  private static final String NET = "ait-sdk/src/main/java/io/llmtestbed/ait/sdk/net/";

  /**
   * Call sites that build a client other than GuardedHttp, each with the file and the text that
   * proves its calls go through the egress policy.
   */
  private static final Map<String, Guard> GUARDED = Map.of(
      // mlflow-client uses its own Apache HttpClient: checked at construction and per call.
      "ait-sdk/src/main/java/io/llmtestbed/ait/sdk/mlflow/TrackingServer.java",
      new Guard("ait-sdk/src/main/java/io/llmtestbed/ait/sdk/mlflow/TrackingServer.java",
          "EgressPolicy.current().check(uri, TRACKING_PURPOSE"),
      // AWS SDK Bedrock client: an ExecutionInterceptor checks every HTTP attempt.
      "llm-backends/bedrock/src/main/java/io/llmtestbed/ait/llm/bedrock/BedrockClient.java",
      new Guard("llm-backends/bedrock/src/main/java/io/llmtestbed/ait/llm/bedrock/"
          + "EgressInterceptor.java", ".check("));

  private record Guard(String file, String evidence) {
  }

  private static Path repo;
  private static Map<String, List<String>> found;

  @BeforeAll
  static void scan() throws IOException {
    repo = repoRoot();
    found = occurrences(repo);
  }

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !(Files.isDirectory(p.resolve("ait-sdk"))
        && Files.isRegularFile(p.resolve("pom.xml")))) {
      p = p.getParent();
    }
    assertThat(p).as("repository root above " + Path.of("").toAbsolutePath()).isNotNull();
    return p;
  }

  /** "path:line: match" for each construction in the main Java sources of all modules. */
  private static Map<String, List<String>> occurrences(Path root) throws IOException {
    Map<String, List<String>> found = new TreeMap<>();
    for (Path f : mainJavaFiles(root)) {
      String rel = root.relativize(f).toString().replace('\\', '/');
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = CONNECTS.matcher(lines.get(i));
        while (m.find()) {
          found.computeIfAbsent(rel, k -> new ArrayList<>()).add(rel + ":" + (i + 1) + ": "
              + m.group());
        }
      }
    }
    return found;
  }

  /** Java files under any src/main/java, skipping build output, hidden and data directories. */
  private static List<Path> mainJavaFiles(Path root) throws IOException {
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        boolean skip = !dir.equals(root) && (name.startsWith(".") || name.equals("target")
            || name.equals("node_modules") || name.equals("test") || name.equals("cdk.out"));
        return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String s = file.toString().replace('\\', '/');
        if (s.endsWith(".java") && s.contains("/src/main/java/")) {
          out.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  @Test
  void should_find_only_guarded_clients_when_scanning_main_sources() {
    List<String> unguarded = new ArrayList<>();
    found.forEach((file, hits) -> {
      if (!file.startsWith(NET) && !GUARDED.containsKey(file)) {
        unguarded.addAll(hits);
      }
    });
    assertThat(unguarded)
        .as("network clients built outside GuardedHttp; fix: send through "
            + "io.llmtestbed.ait.sdk.net.GuardedHttp, or call EgressPolicy.current().check(...) "
            + "before each call and add the call site to EgressCodeScanTest.GUARDED")
        .isEmpty();
    assertThat(found).as("the scan sees the known call sites (a broken scan finds nothing)")
        .containsKeys(NET + "GuardedHttp.java",
            "ait-sdk/src/main/java/io/llmtestbed/ait/sdk/mlflow/TrackingServer.java");
  }

  @Test
  void should_find_each_listed_guard_in_its_code() {
    GUARDED.forEach((site, guard) -> {
      assertThat(found).as("listed call site %s still builds a client (else drop it from "
          + "GUARDED)", site).containsKey(site);
      Path file = repo.resolve(guard.file());
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new AssertionError("guard file " + guard.file() + " of " + site + " is missing", e);
      }
      assertThat(text).as("egress guard of %s in %s", site, guard.file())
          .contains(guard.evidence());
    });
  }

  @Test
  void should_flag_an_unguarded_client_when_one_is_written() {
    for (String code : List.of("HttpClient client = HttpClient.newHttpClient();",
        "var c = java.net.http.HttpClient.newBuilder().build();",
        "URLConnection c = new URL(u).openConnection();",
        "try (Socket s = new Socket(host, 80)) {",
        "S3Client s3 = S3Client.builder().build();",
        "var m = new MlflowClient(uri);")) {
      assertThat(CONNECTS.matcher(code).find()).as(code).isTrue();
    }
    assertThat(CONNECTS.matcher("HttpServer.create(new InetSocketAddress(0), 0)").find())
        .as("an inbound server is not egress").isFalse();
  }
}
