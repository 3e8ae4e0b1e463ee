package io.llmtestbed.aits.safe.index;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The hand-written test collection in src/test/resources/search (see its README). */
public final class Fixtures {

  private Fixtures() {}

  /** 16 documents, 10 English and 6 Japanese; {@code curie} is longer than one passage. */
  public static Path collection() {
    try {
      return Path.of(Fixtures.class.getResource("/search/collection.jsonl").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
