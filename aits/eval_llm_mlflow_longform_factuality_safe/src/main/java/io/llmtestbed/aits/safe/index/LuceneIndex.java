package io.llmtestbed.aits.safe.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open, read-only index built by {@link IndexBuilder}; thread-safe. A query is analysed with
 * the index's {@link IndexLanguage} into terms, one optional clause per term and field, ranked by
 * BM25.
 */
public final class LuceneIndex implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LuceneIndex.class);

  /** One passage found. */
  public record Hit(String documentId, int ordinal, String title, String text, String source,
      double score) {}

  private final Directory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final Analyzer analyzer;
  private final IndexLanguage language;
  private final IndexManifest manifest;
  private final String location;

  private LuceneIndex(Directory directory, IndexManifest manifest, String location)
      throws IOException {
    this.directory = directory;
    this.reader = DirectoryReader.open(directory);
    this.searcher = new IndexSearcher(reader);
    this.searcher.setSimilarity(new BM25Similarity());
    this.language = IndexLanguage.parse(manifest.language());
    this.analyzer = language.analyzer();
    this.manifest = manifest;
    this.location = location;
  }

  /**
   * Opens the index in {@code indexDir}.
   *
   * @throws IndexException NOT_AN_INDEX without a manifest; STALE when it was built by another
   *     Lucene version, analyzer or format (the message names both and the command to rebuild);
   *     UNREADABLE when Lucene cannot read it
   */
  public static LuceneIndex open(Path indexDir) {
    IndexManifest manifest = IndexManifest.read(indexDir);
    checkCurrent(indexDir, manifest);
    Directory dir = null;
    try {
      dir = FSDirectory.open(indexDir);
      return new LuceneIndex(dir, manifest, indexDir.toString());
    } catch (IndexFormatTooOldException | IndexFormatTooNewException e) {
      closeQuietly(dir);
      throw new IndexException(IndexException.Reason.STALE, "search index " + indexDir
          + " was written in a Lucene format this build (Lucene " + Version.LATEST
          + ") cannot read (" + e.getMessage() + "): " + rebuild(indexDir, manifest), e);
    } catch (CorruptIndexException e) {
      closeQuietly(dir);
      throw new IndexException(IndexException.Reason.UNREADABLE, "search index " + indexDir
          + " is damaged (" + e.getMessage() + "): " + rebuild(indexDir, manifest), e);
    } catch (IOException e) {
      closeQuietly(dir);
      throw new IndexException(IndexException.Reason.UNREADABLE, "cannot open search index "
          + indexDir + " (" + e.getMessage() + "): check the path and permissions, or "
          + rebuild(indexDir, manifest), e);
    }
  }

  /**
   * An index of a raw collection, built on first use: kept under
   * {@code <cacheDir>/lucene-index/<indexDigest>} and reused while the collection and settings
   * are unchanged; built in memory when {@code cacheDir} is null.
   */
  public static LuceneIndex forCollection(Path collection, IndexLanguage language,
      int passageWords, Path cacheDir) {
    IndexBuilder builder = new IndexBuilder(language, passageWords);
    String sha = DocumentCollection.sha256(collection);
    String digest = IndexManifest.digest(sha, language, passageWords, Version.LATEST.toString());
    if (cacheDir == null) {
      return inMemory(builder, collection, sha);
    }
    Path target = cacheDir.resolve("lucene-index").resolve(digest);
    if (Files.isRegularFile(target.resolve(IndexManifest.FILE_NAME))) {
      LOG.debug("Reusing on-the-fly index {} for {}", target, collection);
      return open(target);
    }
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      tmp = Files.createTempDirectory(target.getParent(), digest.substring(0, 12) + "-");
      builder.build(collection, tmp);
      moveIntoPlace(tmp, target);
    } catch (IOException e) {
      throw new IndexException(IndexException.Reason.UNREADABLE, "cannot build the search "
          + "index of " + collection + " under cache directory " + cacheDir + " ("
          + e.getMessage() + "): check that it is writable, or set no cache directory", e);
    } finally {
      deleteTree(tmp);
    }
    return open(target);
  }

  private static LuceneIndex inMemory(IndexBuilder builder, Path collection, String sha) {
    List<CollectionDocument> docs = DocumentCollection.read(collection);
    Directory dir = new ByteBuffersDirectory();
    try {
      long passages = builder.write(docs, dir);
      IndexManifest manifest = builder.manifest(collection, sha, docs.size(), passages);
      return new LuceneIndex(dir, manifest, collection + " (in memory)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build in-memory index of " + collection, e);
    }
  }

  /**
   * Finds up to {@code k} passages; empty when no query term is left after analysis (only stop
   * words, say) or nothing matches.
   */
  public List<Hit> search(String query, int k) {
    try {
      BooleanQuery.Builder q = new BooleanQuery.Builder();
      int clauses = 0;
      for (String field : language.fields()) {
        for (String term : terms(field, query)) {
          if (clauses == IndexSearcher.getMaxClauseCount()) {
            break;
          }
          q.add(new TermQuery(new Term(field, term)), BooleanClause.Occur.SHOULD);
          clauses++;
        }
      }
      if (clauses == 0) {
        return List.of();
      }
      ScoreDoc[] top = searcher.search(q.build(), k).scoreDocs;
      StoredFields stored = searcher.storedFields();
      List<Hit> hits = new ArrayList<>(top.length);
      for (ScoreDoc sd : top) {
        Document d = stored.document(sd.doc);
        hits.add(new Hit(d.get(IndexBuilder.ID),
            d.getField(IndexBuilder.ORDINAL).numericValue().intValue(),
            d.get(IndexBuilder.TITLE), d.get(IndexBuilder.TEXT), d.get(IndexBuilder.SOURCE),
            sd.score));
      }
      return hits;
    } catch (IOException e) {
      throw new IndexException(IndexException.Reason.UNREADABLE, "search in index " + location
          + " failed: " + e.getMessage(), e);
    }
  }

  private Set<String> terms(String field, String text) throws IOException {
    Set<String> terms = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        terms.add(term.toString());
      }
      ts.end();
    }
    return terms;
  }

  /** The manifest the index was opened with. */
  public IndexManifest manifest() {
    return manifest;
  }

  /** The index directory, or the collection for an in-memory index. */
  public String location() {
    return location;
  }

  @Override
  public void close() {
    try {
      reader.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close search index " + location, e);
    } finally {
      analyzer.close();
    }
  }

  private static void checkCurrent(Path indexDir, IndexManifest m) {
    String lucene = Version.LATEST.toString();
    List<String> problems = new ArrayList<>();
    if (m.formatVersion() != IndexManifest.FORMAT_VERSION) {
      problems.add("index format " + m.formatVersion() + " (this build writes "
          + IndexManifest.FORMAT_VERSION + ")");
    }
    if (!lucene.equals(m.luceneVersion())) {
      problems.add("Lucene " + m.luceneVersion() + " (this build uses Lucene " + lucene + ")");
    }
    IndexLanguage language;
    try {
      language = IndexLanguage.parse(m.language());
    } catch (IllegalArgumentException e) {
      problems.add("language '" + m.language() + "' (known: en, ja, auto)");
      language = null;
    }
    if (language != null && !language.analyzerDescription().equals(m.analyzer())) {
      problems.add("analyzer '" + m.analyzer() + "' (this build analyses " + language.code()
          + " with '" + language.analyzerDescription() + "')");
    }
    if (!problems.isEmpty()) {
      throw new IndexException(IndexException.Reason.STALE, "search index " + indexDir
          + " was built with " + String.join(", ", problems) + ", so its search results would "
          + "not match this build's: " + rebuild(indexDir, m));
    }
  }

  private static String rebuild(Path indexDir, IndexManifest m) {
    String collection = m.collection().isEmpty() ? "<docs.jsonl>" : m.collection();
    String language = m.language().isEmpty() ? "auto" : m.language();
    return "rebuild it with `java -cp <ait jar>:lib/* io.llmtestbed.aits.safe.cli.SafeCli index "
        + "--collection " + collection + " --out " + indexDir + " --language " + language + "`";
  }

  private static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      // Another process built the same digest first (equal digests, equal indexes): keep
      // theirs, or for a file system without atomic moves, fall back to a plain move.
      if (!Files.exists(target)) {
        Files.move(tmp, target);
      }
    } catch (IOException e) {
      if (!Files.isRegularFile(target.resolve(IndexManifest.FILE_NAME))) {
        throw e;
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.debug("Could not delete temporary index directory {}", dir, e);
    }
  }

  private static void closeQuietly(Directory dir) {
    if (dir == null) {
      return;
    }
    try {
      dir.close();
    } catch (IOException e) {
      LOG.debug("Could not close directory after a failed open", e);
    }
  }
}
