package io.llmtestbed.aits.robustness.perturb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The perturbations by name, and the parser of the {@code perturbations} parameter. */
public final class Perturbations {
  /** The LLM-generated one; it needs a client and is built by the caller. */
  public static final String PARAPHRASE = "paraphrase";
  private static final Map<String, Perturbation> RULE_BASED = new LinkedHashMap<>();

  static {
    for (Perturbation p : List.of(new CharNoise(), new Width(), new Kana(), new KanjiKana(),
        new Punctuation(), new Whitespace(), new Casing(), new NumberFormat(), new OptionOrder(),
        new InstructionFormat())) {
      RULE_BASED.put(p.name(), p);
    }
  }

  private Perturbations() {}

  /** The rule-based perturbations in their documented order. */
  public static List<Perturbation> ruleBased() {
    return List.copyOf(RULE_BASED.values());
  }

  /** Every valid name, rule-based first, then {@value #PARAPHRASE}. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(RULE_BASED.keySet());
    names.add(PARAPHRASE);
    return names;
  }

  /** A rule-based perturbation by name. */
  public static Perturbation ruleBased(String name) {
    Perturbation p = RULE_BASED.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no rule-based perturbation '" + name + "'; valid: "
          + String.join(", ", RULE_BASED.keySet()));
    }
    return p;
  }

  /**
   * Parses a comma list of names (spaces and case ignored, duplicates dropped); the word
   * {@code default} stands for {@code fallback}.
   *
   * @throws IllegalArgumentException for an empty list or an unknown name, listing the valid
   *     names
   */
  public static List<String> parse(String value, List<String> fallback) {
    List<String> out = new ArrayList<>();
    for (String part : (value == null ? "" : value).split(",")) {
      String name = part.strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (name.equals("default")) {
        fallback.stream().filter(n -> !out.contains(n)).forEach(out::add);
        continue;
      }
      if (!names().contains(name)) {
        throw new IllegalArgumentException("parameter 'perturbations': unknown perturbation '"
            + part.strip() + "'. Valid names: " + String.join(", ", names()) + " (or default). "
            + "Fix: correct the name in the comma list");
      }
      if (!out.contains(name)) {
        out.add(name);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("parameter 'perturbations' is empty ('" + value
          + "'); give a comma list of " + String.join(", ", names()) + ", or default");
    }
    return out;
  }
}
