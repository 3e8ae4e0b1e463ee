package io.llmtestbed.aits.safe.search;

import io.llmtestbed.aits.safe.index.IndexException;
import io.llmtestbed.aits.safe.index.IndexLanguage;
import io.llmtestbed.aits.safe.index.IndexManifest;
import io.llmtestbed.aits.safe.index.LuceneIndex;
import io.llmtestbed.aits.safe.index.PassageSplitter;
import java.util.List;
import java.util.Locale;

/**
 * Searches a local Lucene BM25 index: nothing leaves the machine, so this is the default inside
 * a private network. Results are passages (about 100 words of whole sentences) with their
 * document's title, and the document URL (else its id) as the source.
 */
public final class LuceneSearchBackend implements SearchBackend {

  private final LuceneIndex index;

  private LuceneSearchBackend(LuceneIndex index) {
    this.index = index;
  }

  /**
   * Opens {@link SearchSettings#indexDir()} or, when it is null, builds (or reuses, under
   * {@link SearchSettings#cacheDir()}) the index of {@link SearchSettings#collection()}.
   *
   * @throws SearchException CONFIGURATION when neither is set or the collection is bad; INDEX
   *     when the index is missing, stale or damaged (the message says how to rebuild it)
   */
  public static LuceneSearchBackend open(SearchSettings settings) {
    try {
      if (settings.indexDir() != null) {
        return new LuceneSearchBackend(LuceneIndex.open(settings.indexDir()));
      }
      if (settings.collection() != null) {
        return new LuceneSearchBackend(LuceneIndex.forCollection(settings.collection(),
            IndexLanguage.parse(settings.language()), PassageSplitter.DEFAULT_WORDS,
            settings.cacheDir()));
      }
    } catch (IndexException e) {
      SearchException.Kind kind = e.reason() == IndexException.Reason.BAD_COLLECTION
          ? SearchException.Kind.CONFIGURATION : SearchException.Kind.INDEX;
      throw new SearchException(kind, e.getMessage(), e);
    }
    throw new SearchException(SearchException.Kind.CONFIGURATION, "the lucene search backend "
        + "needs an index directory (setting indexDir, built by `SafeCli index`) or a JSONL "
        + "document collection (setting collection); neither is set");
  }

  @Override
  public List<SearchResult> search(String query, int k) {
    try {
      return index.search(query, k).stream()
          .map(h -> new SearchResult(h.title(), h.text(), h.source(), h.score()))
          .toList();
    } catch (IndexException e) {
      throw new SearchException(SearchException.Kind.INDEX, e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    IndexManifest m = index.manifest();
    return String.format(Locale.ROOT, "lucene:%s (%s, %d documents, %d passages, Lucene %s)",
        index.location(), m.language(), m.documents(), m.passages(), m.luceneVersion());
  }

  /**
   * The backend without the index's location: the index digest in the cache key already covers
   * the collection's bytes and every setting that changes results, so the same index copied to
   * another path (a per-job inventory directory) is answered from the cache.
   */
  @Override
  public String cacheIdentity() {
    IndexManifest m = index.manifest();
    return String.format(Locale.ROOT, "lucene (%s, %s, Lucene %s)", m.language(), m.analyzer(),
        m.luceneVersion());
  }

  @Override
  public String indexDigest() {
    return index.manifest().indexDigest();
  }

  /** The manifest of the open index. */
  public IndexManifest manifest() {
    return index.manifest();
  }

  @Override
  public void close() {
    index.close();
  }
}
