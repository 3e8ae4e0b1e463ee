package io.llmtestbed.aits.safe.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a BM25 Lucene index from a JSONL {@link DocumentCollection}: each document is split by
 * the {@link PassageSplitter}, each passage indexed with its document's title under the fields
 * of the {@link IndexLanguage}, and an {@link IndexManifest} written last.
 */
public final class IndexBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(IndexBuilder.class);

  static final String ID = "id";
  static final String ORDINAL = "ordinal";
  static final String TITLE = "title";
  static final String TEXT = "text";
  static final String SOURCE = "source";

  private final IndexLanguage language;
  private final PassageSplitter splitter;

  public IndexBuilder(IndexLanguage language, int passageWords) {
    this.language = java.util.Objects.requireNonNull(language, "language");
    this.splitter = new PassageSplitter(passageWords);
  }

  public IndexBuilder(IndexLanguage language) {
    this(language, PassageSplitter.DEFAULT_WORDS);
  }

  /**
   * Builds the index of {@code collection} into {@code outDir}, replacing an index the command
   * built there before.
   *
   * @throws IndexException BAD_COLLECTION for a bad collection; NOT_AN_INDEX when
   *     {@code outDir} holds other files (it is never emptied unless it holds an index)
   */
  public IndexManifest build(Path collection, Path outDir) {
    refuseForeignDirectory(outDir);
    List<CollectionDocument> docs = DocumentCollection.read(collection);
    String sha = DocumentCollection.sha256(collection);
    try {
      Files.createDirectories(outDir);
      Files.deleteIfExists(outDir.resolve(IndexManifest.FILE_NAME));
      long passages;
      try (Directory dir = FSDirectory.open(outDir)) {
        passages = write(docs, dir);
      }
      IndexManifest manifest = manifest(collection, sha, docs.size(), passages);
      manifest.write(outDir);
      LOG.info("Indexed {} documents as {} passages ({}) into {}", docs.size(), passages,
          language.code(), outDir);
      return manifest;
    } catch (IOException e) {
      throw new IndexException(IndexException.Reason.UNREADABLE, "cannot write the search "
          + "index into " + outDir + " (" + e.getMessage() + "): check that it is a writable "
          + "directory with free space", e);
    }
  }

  /** Writes the passages of {@code docs} into an open directory; returns the passage count. */
  long write(List<CollectionDocument> docs, Directory dir) throws IOException {
    long passages = 0;
    try (Analyzer analyzer = language.analyzer();
        IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig(analyzer)
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
            .setSimilarity(new BM25Similarity()))) {
      for (CollectionDocument doc : docs) {
        for (Passage p : splitter.split(doc)) {
          writer.addDocument(document(p));
          passages++;
        }
      }
      writer.commit();
    }
    return passages;
  }

  IndexManifest manifest(Path collection, String sha, long documents, long passages) {
    String lucene = Version.LATEST.toString();
    return new IndexManifest(IndexManifest.FORMAT_VERSION, lucene, language.code(),
        language.analyzerDescription(), splitter.targetWords(), documents, passages,
        collection.toString(), sha,
        IndexManifest.digest(sha, language, splitter.targetWords(), lucene));
  }

  private Document document(Passage p) {
    Document d = new Document();
    d.add(new StringField(ID, p.documentId(), Field.Store.YES));
    d.add(new StoredField(ORDINAL, p.ordinal()));
    d.add(new StoredField(TITLE, p.title()));
    d.add(new StoredField(TEXT, p.text()));
    d.add(new StoredField(SOURCE, p.source()));
    for (String field : language.fields()) {
      d.add(new TextField(field, field.startsWith("title") ? p.title() : p.text(),
          Field.Store.NO));
    }
    return d;
  }

  private static void refuseForeignDirectory(Path outDir) {
    if (!Files.isDirectory(outDir) || Files.isRegularFile(outDir.resolve(IndexManifest.FILE_NAME))) {
      return;
    }
    try (Stream<Path> entries = Files.list(outDir)) {
      if (entries.findAny().isPresent()) {
        throw new IndexException(IndexException.Reason.NOT_AN_INDEX, "index output directory "
            + outDir + " is not empty and holds no " + IndexManifest.FILE_NAME + ": choose an "
            + "empty or new directory (the builder only replaces an index it built itself)");
      }
    } catch (IOException e) {
      throw new IndexException(IndexException.Reason.UNREADABLE, "cannot list index output "
          + "directory " + outDir + ": " + e.getMessage(), e);
    }
  }
}
