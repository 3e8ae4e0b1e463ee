package io.llmtestbed.aits.safe.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The few-shot demonstrations of the atomic-fact prompt, written for this project (resource
 * {@code atomic_fact_demos.json}: English and Japanese sentences with their facts), and their
 * selection: the {@code k} demonstrations of the sentence's language nearest to it by
 * {@link Bm25}. Immutable and thread-safe.
 */
public final class Demonstrations {
  /** One sentence and the atomic facts a careful annotator would list for it. */
  public record Demo(Language language, String sentence, List<String> facts) {
    public Demo {
      facts = List.copyOf(facts);
    }
  }

  private final Map<Language, List<Demo>> demos = new EnumMap<>(Language.class);
  private final Map<Language, Bm25> index = new EnumMap<>(Language.class);

  private Demonstrations(List<Demo> all) {
    for (Language l : Language.values()) {
      List<Demo> of = all.stream().filter(d -> d.language() == l).toList();
      demos.put(l, of);
      index.put(l, new Bm25(of.stream().map(Demo::sentence).toList()));
    }
  }

  /** The built-in demonstrations. */
  public static Demonstrations builtIn() {
    try (InputStream in = Demonstrations.class.getResourceAsStream("atomic_fact_demos.json")) {
      if (in == null) {
        throw new IllegalStateException("resource atomic_fact_demos.json is missing from the "
            + "AIT jar; rebuild the module");
      }
      List<Demo> all = new ArrayList<>();
      for (JsonNode d : new ObjectMapper().readTree(in)) {
        List<String> facts = new ArrayList<>();
        d.get("facts").forEach(f -> facts.add(f.asText()));
        all.add(new Demo(Language.valueOf(d.get("language").asText().toUpperCase()),
            d.get("sentence").asText(), facts));
      }
      return new Demonstrations(all);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read atomic_fact_demos.json", e);
    }
  }

  /** All demonstrations of one language, in file order. */
  public List<Demo> all(Language language) {
    return demos.get(language);
  }

  /** The {@code k} demonstrations of {@code language} nearest to {@code sentence}, best first. */
  public List<Demo> nearest(Language language, String sentence, int k) {
    List<Demo> of = demos.get(language);
    return index.get(language).top(sentence, k).stream().map(of::get).toList();
  }
}
