package io.llmtestbed.aits.safe.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Reads a document collection: UTF-8 JSONL, one object per line with string fields
 * {@code title} and {@code text} (required; title may be empty) and optional {@code url} and
 * {@code id}. Blank lines are skipped. Ids must be unique.
 */
public final class DocumentCollection {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DocumentCollection() {}

  /**
   * Reads every document.
   *
   * @throws IndexException (BAD_COLLECTION) naming the file and line of the first bad document
   */
  public static List<CollectionDocument> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IndexException(IndexException.Reason.BAD_COLLECTION, "document collection "
          + file + " does not exist or is not a file: pass a JSONL file with one {\"title\", "
          + "\"text\"} object per line");
    }
    List<CollectionDocument> docs = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int number = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        number++;
        if (number == 1 && line.startsWith("\uFEFF")) {
          // a byte-order mark, as editors on Windows write: not part of the first document
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        CollectionDocument doc = parse(file, number, line);
        if (!ids.add(doc.id())) {
          throw bad(file, number, "id '" + doc.id() + "' is used by an earlier line; ids must "
              + "be unique");
        }
        docs.add(doc);
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IndexException(IndexException.Reason.BAD_COLLECTION, "document collection "
          + file + " line " + firstNonUtf8Line(file) + ": the bytes are not UTF-8 (" + e + "); the "
          + "collection must be UTF-8 text: re-save it as UTF-8 (e.g. iconv -f SHIFT_JIS -t "
          + "UTF-8)", e);
    } catch (IOException e) {
      throw new IndexException(IndexException.Reason.BAD_COLLECTION, "cannot read document "
          + "collection " + file + " as UTF-8 text: " + e.getMessage(), e);
    }
    if (docs.isEmpty()) {
      throw new IndexException(IndexException.Reason.BAD_COLLECTION, "document collection "
          + file + " has no documents: it needs at least one line {\"title\": ..., \"text\": ...}");
    }
    return List.copyOf(docs);
  }

  /**
   * The number of the first line whose bytes are not UTF-8 (the reader decodes ahead of the line
   * it returns, so its position does not tell); 0 when none is found.
   */
  static long firstNonUtf8Line(Path file) {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
      long number = 1;
      int b;
      while (true) {
        b = in.read();
        if (b == '\n' || b < 0) {
          try {
            StandardCharsets.UTF_8.newDecoder()
                .decode(java.nio.ByteBuffer.wrap(line.toByteArray()));
          } catch (java.nio.charset.CharacterCodingException e) {
            return number;
          }
          if (b < 0) {
            return 0;
          }
          line.reset();
          number++;
        } else {
          line.write(b);
        }
      }
    } catch (IOException e) {
      return 0;
    }
  }

  /** sha256 (hex) of the file's bytes: the collection part of an index digest. */
  public static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md())) {
      byte[] buffer = new byte[64 * 1024];
      while (in.read(buffer) >= 0) {
        // reading feeds the digest
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new IndexException(IndexException.Reason.BAD_COLLECTION, "cannot read document "
          + "collection " + file + ": " + e.getMessage(), e);
    }
  }

  private static CollectionDocument parse(Path file, int number, String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw bad(file, number, "the line is not JSON (" + e.getOriginalMessage() + ")");
    }
    if (!node.isObject()) {
      throw bad(file, number, "the line must be a JSON object, got " + node.getNodeType());
    }
    String title = string(file, number, node, "title", true);
    String text = string(file, number, node, "text", true);
    if (text.isBlank()) {
      throw bad(file, number, "field 'text' is blank; every document needs text to search");
    }
    String url = string(file, number, node, "url", false);
    String id = string(file, number, node, "id", false);
    return new CollectionDocument(id == null || id.isBlank() ? "line-" + number : id, title,
        text, url);
  }

  private static String string(Path file, int number, JsonNode node, String field,
      boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw bad(file, number, "field '" + field + "' is missing; each line needs string "
            + "fields 'title' and 'text'");
      }
      return null;
    }
    if (!value.isTextual()) {
      if (field.equals("id") && value.isIntegralNumber()) {
        return value.asText();
      }
      throw bad(file, number, "field '" + field + "' must be a string, got "
          + value.getNodeType());
    }
    return value.asText();
  }

  private static IndexException bad(Path file, int number, String rule) {
    return new IndexException(IndexException.Reason.BAD_COLLECTION,
        "document collection " + file + " line " + number + ": " + rule);
  }

  private static MessageDigest md() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
