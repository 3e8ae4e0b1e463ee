package io.llmtestbed.ait.sdk.mlflow;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Artifact path rules shared by the run sources. */
final class ArtifactPaths {

  private ArtifactPaths() {
  }

  /**
   * Normalises a relative artifact path ('/'-separated, no leading or trailing '/').
   *
   * @throws IllegalArgumentException for absolute paths or {@code ..} segments
   */
  static String normalise(String path) {
    if (path == null) {
      return "";
    }
    String p = path.replace('\\', '/');
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    if (p.startsWith("/")) {
      throw new IllegalArgumentException("artifact path must be relative to the run's artifact "
          + "root, got '" + path + "'. Fix: drop the leading '/'");
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    for (String segment : p.split("/")) {
      if (segment.equals("..")) {
        throw new IllegalArgumentException("artifact path must stay inside the run's artifact "
            + "root, got '" + path + "' with a '..' segment");
      }
    }
    return p;
  }

  /** Percent-encodes each segment of a '/'-separated path for use in a URL path. */
  static String encodePath(String path) {
    List<String> out = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      out.add(encode(segment));
    }
    return String.join("/", out);
  }

  /** Percent-encodes a query or path component (spaces as %20). */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Recursive listing of files below {@code root}, sorted by path. */
  static List<ArtifactEntry> walk(MlflowRunSource source, String root) {
    List<ArtifactEntry> files = new ArrayList<>();
    for (ArtifactEntry e : source.listArtifacts(root)) {
      if (e.directory()) {
        files.addAll(walk(source, e.path()));
      } else {
        files.add(e);
      }
    }
    files.sort(Comparator.comparing(ArtifactEntry::path));
    return files;
  }

  /** A short listing of what a run has, for "artifact missing" messages. */
  static String describeListing(MlflowRunSource source) {
    try {
      List<ArtifactEntry> all = walk(source, "");
      if (all.isEmpty()) {
        return "the run has no artifacts";
      }
      String shown = all.stream().limit(20).map(ArtifactEntry::path)
          .collect(Collectors.joining(", "));
      return "the run has: " + shown + (all.size() > 20 ? " (and " + (all.size() - 20)
          + " more)" : "");
    } catch (RuntimeException e) {
      return "the run's artifacts could not be listed (" + e.getMessage() + ")";
    }
  }

  static MlflowRunException missing(MlflowRunSource source, String path) {
    return new MlflowRunException(MlflowRunException.Kind.ARTIFACT_NOT_FOUND, source.describe()
        + " has no artifact '" + path + "'; " + describeListing(source) + ". Fix: check the "
        + "artifact name (mlflow.evaluate logs eval_results_table.json unless a metric_prefix is "
        + "set) or select another run");
  }
}
