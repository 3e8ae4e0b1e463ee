package io.llmtestbed.aits.safe.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.util.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneIndexTest {

  @TempDir
  Path tmp;

  @Test
  void should_report_documents_passages_and_digest_when_building() {
    IndexManifest m = new IndexBuilder(IndexLanguage.AUTO).build(Fixtures.collection(),
        tmp.resolve("idx"));

    assertThat(m.documents()).isEqualTo(16);
    // curie (177 words) becomes two passages, every other document one.
    assertThat(m.passages()).isEqualTo(17);
    assertThat(m.luceneVersion()).isEqualTo(Version.LATEST.toString());
    assertThat(m.indexDigest()).hasSize(64)
        .isEqualTo(IndexManifest.digest(DocumentCollection.sha256(Fixtures.collection()),
            IndexLanguage.AUTO, 100, Version.LATEST.toString()));
    assertThat(IndexManifest.read(tmp.resolve("idx"))).isEqualTo(m);
  }

  @Test
  void should_keep_title_on_every_passage_when_document_is_long() {
    new IndexBuilder(IndexLanguage.EN).build(Fixtures.collection(), tmp.resolve("idx"));

    try (LuceneIndex index = LuceneIndex.open(tmp.resolve("idx"))) {
      List<LuceneIndex.Hit> first = index.search("Warsaw 1867 University of Paris", 1);
      List<LuceneIndex.Hit> second = index.search("aplastic anaemia radiation exposure", 1);

      assertThat(first).singleElement().satisfies(h -> {
        assertThat(h.title()).isEqualTo("Marie Curie");
        assertThat(h.ordinal()).isZero();
        assertThat(h.text()).startsWith("Marie Curie was a physicist").doesNotContain("anaemia");
      });
      assertThat(second).singleElement().satisfies(h -> {
        assertThat(h.title()).isEqualTo("Marie Curie");
        assertThat(h.ordinal()).isEqualTo(1);
        assertThat(h.source()).isEqualTo("fixture://curie");
      });
    }
  }

  @Test
  void should_rank_matching_english_document_first_when_querying_english() {
    new IndexBuilder(IndexLanguage.EN).build(Fixtures.collection(), tmp.resolve("idx"));

    try (LuceneIndex index = LuceneIndex.open(tmp.resolve("idx"))) {
      assertThat(index.search("Which engineer designed the tower for the 1889 World's Fair?", 3))
          .first().extracting(LuceneIndex.Hit::documentId).isEqualTo("eiffel");
      assertThat(index.search("first landing on the Moon Armstrong", 3))
          .first().extracting(LuceneIndex.Hit::documentId).isEqualTo("apollo11");
    }
  }

  @Test
  void should_find_japanese_document_by_word_inside_compound_when_language_is_ja() {
    new IndexBuilder(IndexLanguage.JA).build(Fixtures.collection(), tmp.resolve("idx"));

    try (LuceneIndex index = LuceneIndex.open(tmp.resolve("idx"))) {
      // 空港 occurs in the collection only inside the compound 関西国際空港.
      assertThat(index.search("空港", 5)).extracting(LuceneIndex.Hit::documentId)
          .containsExactly("kix");
      assertThat(index.search("日本で一番高い山の標高", 3)).first()
          .extracting(LuceneIndex.Hit::documentId).isEqualTo("fuji");
    }
  }

  @Test
  void should_search_both_languages_when_language_is_auto() {
    new IndexBuilder(IndexLanguage.AUTO).build(Fixtures.collection(), tmp.resolve("idx"));

    try (LuceneIndex index = LuceneIndex.open(tmp.resolve("idx"))) {
      assertThat(index.search("空港", 5)).extracting(LuceneIndex.Hit::documentId)
          .containsExactly("kix");
      assertThat(index.search("東海道新幹線はいつ開業したか", 3)).first()
          .extracting(LuceneIndex.Hit::documentId).isEqualTo("shinkansen");
      assertThat(index.search("Lovelace Analytical Engine algorithm", 3)).first()
          .extracting(LuceneIndex.Hit::documentId).isEqualTo("lovelace");
    }
  }

  @Test
  void should_return_empty_list_when_nothing_matches_or_only_stop_words_remain() {
    new IndexBuilder(IndexLanguage.AUTO).build(Fixtures.collection(), tmp.resolve("idx"));

    try (LuceneIndex index = LuceneIndex.open(tmp.resolve("idx"))) {
      assertThat(index.search("zebra quokka", 5)).isEmpty();
      assertThat(index.search("the of and", 5)).isEmpty();
    }
  }

  @Test
  void should_refuse_index_with_the_rebuild_command_when_built_by_another_lucene_version()
      throws IOException {
    Path idx = tmp.resolve("idx");
    new IndexBuilder(IndexLanguage.JA).build(Fixtures.collection(), idx);
    rewriteManifest(idx, "\"luceneVersion\" : \"" + Version.LATEST + "\"",
        "\"luceneVersion\" : \"8.11.2\"");

    assertThatThrownBy(() -> LuceneIndex.open(idx))
        .isInstanceOfSatisfying(IndexException.class,
            e -> assertThat(e.reason()).isEqualTo(IndexException.Reason.STALE))
        .hasMessageContaining("was built with Lucene 8.11.2 (this build uses Lucene "
            + Version.LATEST + ")")
        .hasMessageContaining("SafeCli index --collection " + Fixtures.collection()
            + " --out " + idx + " --language ja");
  }

  @Test
  void should_refuse_index_when_built_with_another_analyzer() throws IOException {
    Path idx = tmp.resolve("idx");
    new IndexBuilder(IndexLanguage.EN).build(Fixtures.collection(), idx);
    rewriteManifest(idx, "english stop words) rev", "no stop words) rev");

    assertThatThrownBy(() -> LuceneIndex.open(idx))
        .isInstanceOf(IndexException.class)
        .hasMessageContaining("analyzer 'StandardAnalyzer(no stop words) rev 1'")
        .hasMessageContaining("this build analyses en with 'StandardAnalyzer(english stop "
            + "words) rev 1'");
  }

  @Test
  void should_name_the_index_command_when_directory_has_no_manifest() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("empty"));

    assertThatThrownBy(() -> LuceneIndex.open(dir))
        .isInstanceOfSatisfying(IndexException.class,
            e -> assertThat(e.reason()).isEqualTo(IndexException.Reason.NOT_AN_INDEX))
        .hasMessageContaining("has no safe-index.json")
        .hasMessageContaining("SafeCli index --collection <docs.jsonl> --out " + dir);
  }

  @Test
  void should_refuse_to_build_into_a_directory_holding_other_files() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(dir.resolve("notes.txt"), "keep me");

    assertThatThrownBy(() -> new IndexBuilder(IndexLanguage.EN).build(Fixtures.collection(), dir))
        .isInstanceOf(IndexException.class)
        .hasMessageContaining("index output directory " + dir + " is not empty");
    assertThat(dir.resolve("notes.txt")).hasContent("keep me");
  }

  @Test
  void should_name_file_line_and_field_when_collection_line_is_bad() throws IOException {
    Path bad = tmp.resolve("bad.jsonl");
    Files.writeString(bad, "{\"title\":\"A\",\"text\":\"fine\"}\n{\"title\":\"B\"}\n");

    assertThatThrownBy(() -> new IndexBuilder(IndexLanguage.EN).build(bad, tmp.resolve("i")))
        .isInstanceOfSatisfying(IndexException.class,
            e -> assertThat(e.reason()).isEqualTo(IndexException.Reason.BAD_COLLECTION))
        .hasMessage("document collection " + bad + " line 2: field 'text' is missing; each "
            + "line needs string fields 'title' and 'text'");
  }

  @Test
  void should_read_a_collection_that_starts_with_a_byte_order_mark() throws IOException {
    Path bom = tmp.resolve("bom.jsonl");
    Files.writeString(bom, "\uFEFF{\"title\":\"A\",\"text\":\"first document\"}\n");

    assertThat(DocumentCollection.read(bom)).extracting(CollectionDocument::title)
        .containsExactly("A");
  }

  @Test
  void should_name_the_line_and_utf8_when_collection_bytes_are_not_utf8() throws IOException {
    Path latin1 = tmp.resolve("latin1.jsonl");
    Files.write(latin1, "{\"title\":\"A\",\"text\":\"ok\"}\n{\"title\":\"B\",\"text\":\"caf\u00e9\"}\n"
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> DocumentCollection.read(latin1))
        .isInstanceOf(IndexException.class)
        .hasMessageContaining(latin1 + " line 2: the bytes are not UTF-8")
        .hasMessageContaining("re-save it as UTF-8");
  }

  @Test
  void should_change_digest_when_collection_or_language_changes() throws IOException {
    Path copy = tmp.resolve("copy.jsonl");
    Files.copy(Fixtures.collection(), copy);
    String en = new IndexBuilder(IndexLanguage.EN).build(copy, tmp.resolve("a")).indexDigest();
    String again = new IndexBuilder(IndexLanguage.EN).build(copy, tmp.resolve("b")).indexDigest();
    String ja = new IndexBuilder(IndexLanguage.JA).build(copy, tmp.resolve("c")).indexDigest();
    Files.writeString(copy, "{\"title\":\"X\",\"text\":\"one more\"}\n",
        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    String changed = new IndexBuilder(IndexLanguage.EN).build(copy, tmp.resolve("d"))
        .indexDigest();

    assertThat(again).isEqualTo(en);
    assertThat(ja).isNotEqualTo(en);
    assertThat(changed).isNotEqualTo(en);
  }

  @Test
  void should_build_collection_index_once_under_cache_dir_and_reuse_it() throws IOException {
    Path cache = tmp.resolve("cache");
    String digest;
    try (LuceneIndex first = LuceneIndex.forCollection(Fixtures.collection(),
        IndexLanguage.AUTO, 100, cache)) {
      digest = first.manifest().indexDigest();
      assertThat(first.search("空港", 1)).extracting(LuceneIndex.Hit::documentId)
          .containsExactly("kix");
    }
    Path built = cache.resolve("lucene-index").resolve(digest);
    long stamp = Files.getLastModifiedTime(built.resolve(IndexManifest.FILE_NAME)).toMillis();
    try (LuceneIndex second = LuceneIndex.forCollection(Fixtures.collection(),
        IndexLanguage.AUTO, 100, cache)) {
      assertThat(second.manifest().indexDigest()).isEqualTo(digest);
      assertThat(second.location()).isEqualTo(built.toString());
    }
    try (Stream<Path> dirs = Files.list(cache.resolve("lucene-index"))) {
      assertThat(dirs).containsExactly(built);
    }
    assertThat(Files.getLastModifiedTime(built.resolve(IndexManifest.FILE_NAME)).toMillis())
        .isEqualTo(stamp);
  }

  @Test
  void should_build_in_memory_when_no_cache_dir_is_set() {
    try (LuceneIndex index = LuceneIndex.forCollection(Fixtures.collection(), IndexLanguage.EN,
        100, null)) {
      assertThat(index.location()).endsWith("(in memory)");
      assertThat(index.search("chlorophyll", 1)).extracting(LuceneIndex.Hit::documentId)
          .containsExactly("photosynthesis");
    }
  }

  private static void rewriteManifest(Path idx, String from, String to) throws IOException {
    Path file = idx.resolve(IndexManifest.FILE_NAME);
    String text = Files.readString(file);
    assertThat(text).contains(from);
    Files.writeString(file, text.replace(from, to));
  }
}
