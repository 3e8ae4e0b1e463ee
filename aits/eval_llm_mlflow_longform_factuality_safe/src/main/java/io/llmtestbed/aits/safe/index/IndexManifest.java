package io.llmtestbed.aits.safe.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The file {@value #FILE_NAME} the {@code index} command writes into an index directory, last,
 * so its presence means the index is complete. It says what the index was built from and how;
 * {@link LuceneIndex#open} refuses an index whose Lucene version, analyzer or format differs
 * from this build's.
 *
 * @param formatVersion {@link #FORMAT_VERSION} at build time
 * @param luceneVersion the Lucene version that wrote the index, e.g. {@code 9.12.3}
 * @param language {@code en}, {@code ja} or {@code auto}
 * @param analyzer {@link IndexLanguage#analyzerDescription()} at build time
 * @param passageWords the passage size used
 * @param documents documents read from the collection
 * @param passages passages indexed
 * @param collection the collection path as given to the builder (for people; not in the digest)
 * @param collectionSha256 sha256 of the collection file's bytes
 * @param indexDigest sha256 of the collection digest and all settings above except the counts
 *     and the path: equal digests mean equal search results
 */
public record IndexManifest(int formatVersion, String luceneVersion, String language,
    String analyzer, int passageWords, long documents, long passages, String collection,
    String collectionSha256, String indexDigest) {

  /** The manifest's file name inside an index directory. */
  public static final String FILE_NAME = "safe-index.json";

  /** Raised when the document layout of the index (fields, stored values) changes. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The digest of an index built from a collection with these settings. */
  public static String digest(String collectionSha256, IndexLanguage language, int passageWords,
      String luceneVersion) {
    String canonical = "llm-testbed-safe-index|format=" + FORMAT_VERSION + "|lucene="
        + luceneVersion + "|language=" + language.code() + "|analyzer="
        + language.analyzerDescription() + "|passageWords=" + passageWords + "|collection="
        + collectionSha256;
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** Writes the manifest into {@code indexDir}. */
  public void write(Path indexDir) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("format", "llm-testbed-safe-index");
    node.put("formatVersion", formatVersion);
    node.put("luceneVersion", luceneVersion);
    node.put("language", language);
    node.put("analyzer", analyzer);
    node.put("passageWords", passageWords);
    node.put("documents", documents);
    node.put("passages", passages);
    node.put("collection", collection);
    node.put("collectionSha256", collectionSha256);
    node.put("indexDigest", indexDigest);
    Files.writeString(indexDir.resolve(FILE_NAME), JSON.writeValueAsString(node) + "\n",
        StandardCharsets.UTF_8);
  }

  /**
   * Reads the manifest of {@code indexDir}.
   *
   * @throws IndexException NOT_AN_INDEX when there is none or it cannot be parsed
   */
  public static IndexManifest read(Path indexDir) {
    Path file = indexDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IndexException(IndexException.Reason.NOT_AN_INDEX, "search index directory "
          + indexDir + " has no " + FILE_NAME + ", so it was not built by the index command "
          + "(or the build did not finish): build it with `SafeCli index --collection "
          + "<docs.jsonl> --out " + indexDir + "`");
    }
    try {
      JsonNode n = JSON.readTree(file.toFile());
      if (!"llm-testbed-safe-index".equals(n.path("format").asText())) {
        throw new IOException("field 'format' is '" + n.path("format").asText()
            + "', expected 'llm-testbed-safe-index'");
      }
      return new IndexManifest(n.path("formatVersion").asInt(-1),
          n.path("luceneVersion").asText(""), n.path("language").asText(""),
          n.path("analyzer").asText(""), n.path("passageWords").asInt(-1),
          n.path("documents").asLong(-1), n.path("passages").asLong(-1),
          n.path("collection").asText(""), n.path("collectionSha256").asText(""),
          n.path("indexDigest").asText(""));
    } catch (IOException e) {
      throw new IndexException(IndexException.Reason.NOT_AN_INDEX, "search index manifest "
          + file + " cannot be read (" + e.getMessage() + "): rebuild the index with "
          + "`SafeCli index --collection <docs.jsonl> --out " + indexDir + "`", e);
    }
  }
}
