package io.llmtestbed.aits.safe.cli;

import io.llmtestbed.aits.safe.index.IndexBuilder;
import io.llmtestbed.aits.safe.index.IndexLanguage;
import io.llmtestbed.aits.safe.index.IndexManifest;
import io.llmtestbed.aits.safe.index.PassageSplitter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code index}: builds a Lucene index from a JSONL document collection. */
@Command(name = "index", mixinStandardHelpOptions = true,
    description = "Build the local BM25 search index from a JSONL collection of "
        + "{\"title\", \"text\", \"url\"?, \"id\"?} lines.")
final class IndexCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--collection", required = true, paramLabel = "DOCS.jsonl",
      description = "The document collection.")
  Path collection;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Index directory: new, empty, or holding an index built before "
          + "(it is replaced).")
  Path out;

  @Option(names = "--language", defaultValue = "auto", paramLabel = "en|ja|auto",
      description = "Analyzer: en (StandardAnalyzer), ja (kuromoji), auto (both; "
          + "default ${DEFAULT-VALUE}).")
  String language;

  @Option(names = "--passage-words", defaultValue = "" + PassageSplitter.DEFAULT_WORDS,
      paramLabel = "N", description = "Passage size in words (default ${DEFAULT-VALUE}).")
  int passageWords;

  @Override
  public Integer call() {
    IndexManifest m = new IndexBuilder(IndexLanguage.parse(language), passageWords)
        .build(collection, out);
    PrintWriter w = spec.commandLine().getOut();
    w.println("documents: " + m.documents());
    w.println("passages: " + m.passages());
    w.println("language: " + m.language() + " (" + m.analyzer() + ")");
    w.println("lucene: " + m.luceneVersion());
    w.println("collection sha256: " + m.collectionSha256());
    w.println("index digest: " + m.indexDigest());
    w.println("index: " + out.toAbsolutePath());
    w.flush();
    return 0;
  }
}
