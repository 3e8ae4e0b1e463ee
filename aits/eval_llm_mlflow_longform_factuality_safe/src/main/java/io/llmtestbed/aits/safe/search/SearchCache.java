package io.llmtestbed.aits.safe.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Content-addressed store of search answers under {@code <cacheDir>/search/}. The key is the
 * sha256 of the canonical JSON of the backend's {@link SearchBackend#cacheIdentity()}, its
 * {@link SearchBackend#indexDigest()}, the query and k, so a changed index or backend never
 * answers from a stale entry. Entries are written to a temporary file and moved into place, so
 * concurrent writers of the same key leave one whole entry.
 */
public final class SearchCache {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  /** @param cacheDir the shared cache directory; entries go to its {@code search/} child */
  public SearchCache(Path cacheDir) {
    this.dir = cacheDir.resolve("search");
  }

  /** The directory holding the entries. */
  public Path dir() {
    return dir;
  }

  /** The key of one search: a sha256 in hex. */
  public static String key(String describe, String indexDigest, String query, int k) {
    ObjectNode node = JSON.createObjectNode();
    // Fields in a fixed order: the serialised text is the canonical form that is hashed.
    node.put("describe", describe);
    node.put("indexDigest", indexDigest);
    node.put("query", query);
    node.put("k", k);
    return sha256(node.toString());
  }

  /** The stored answer for a key; empty when there is none or the entry cannot be read. */
  public Optional<List<SearchResult>> get(String key) {
    Path file = file(key);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      List<SearchResult> results = new ArrayList<>();
      for (JsonNode r : root.path("results")) {
        results.add(new SearchResult(r.path("title").asText(""), r.path("text").asText(""),
            r.path("source").asText(""), r.path("score").asDouble()));
      }
      return Optional.of(List.copyOf(results));
    } catch (IOException e) {
      // A damaged entry is a miss: the search is made again and the entry rewritten.
      return Optional.empty();
    }
  }

  /** Stores an answer; {@code query} and {@code k} are kept in the entry for people reading it. */
  public void put(String key, String query, int k, List<SearchResult> results) {
    ObjectNode root = JSON.createObjectNode();
    root.put("query", query);
    root.put("k", k);
    ArrayNode array = root.putArray("results");
    for (SearchResult r : results) {
      array.addObject().put("title", r.title()).put("text", r.text())
          .put("source", r.source()).put("score", r.score());
    }
    Path file = file(key);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), key, ".tmp");
      Files.writeString(tmp, root.toString(), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write search cache entry " + file
          + ": check that the cache directory is writable or set no cache directory", e);
    }
  }

  /** Number of entries. */
  public long size() {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".json")).count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list search cache " + dir, e);
    }
  }

  /**
   * sha256 over the sorted entry names and contents, for provenance; the digest of an empty or
   * missing cache is the sha256 of the empty string.
   */
  public String digest() {
    MessageDigest md = sha256();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        List<Path> entries = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        for (Path p : entries) {
          md.update(dir.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
          md.update(Files.readAllBytes(p));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read search cache " + dir, e);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private Path file(String key) {
    return dir.resolve(key.substring(0, 2)).resolve(key + ".json");
  }

  static String sha256(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
