package io.llmtestbed.aits.safe.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers of the model's answers. Each returns a value or says what is wrong, so that the
 * caller can ask again with that reason (see {@link LlmStep}).
 */
public final class Answers {
  private static final Pattern CODE_BLOCK =
      Pattern.compile("```[ \\t]*[A-Za-z0-9_+-]*[ \\t]*\\R?(.*?)```", Pattern.DOTALL);
  private static final Pattern BRACKET = Pattern.compile("\\[([^\\[\\]\\n]{1,40})\\]");
  private static final Pattern BULLET =
      Pattern.compile("^\\s*(?:[-*•・]|\\d{1,3}[.)])\\s*(.*\\S)\\s*$");
  private static final Pattern NONE = Pattern.compile("(?i)^(none|n/a|なし|該当なし)[.。]?$");

  private Answers() {}

  /** A parsed answer, or the reason it could not be read. */
  public record Parsed<T>(T value, String problem) {
    /** A successful parse. */
    public static <T> Parsed<T> of(T value) {
      return new Parsed<>(value, null);
    }

    /** A failed parse with the reason to tell the model. */
    public static <T> Parsed<T> fail(String problem) {
      return new Parsed<>(null, problem);
    }

    /** True when a value was read. */
    public boolean ok() {
      return problem == null;
    }
  }

  /**
   * The bullet list of an atomic-fact answer: lines starting with {@code - }, {@code * },
   * {@code •}, {@code ・} or {@code 1.}; other lines (a preamble, a blank line) are ignored.
   * A single bullet {@code None} (or {@code なし}) is the empty list: the sentence states no fact.
   * No bullet at all is a failure.
   */
  public static Parsed<List<String>> bullets(String answer) {
    List<String> items = new ArrayList<>();
    for (String line : answer.split("\\R")) {
      Matcher m = BULLET.matcher(line);
      if (m.matches()) {
        items.add(m.group(1).strip());
      }
    }
    if (items.isEmpty()) {
      return Parsed.fail("no line starts with \"- \"; write one fact per line, each starting with "
          + "\"- \", or \"- None\" when the sentence states no fact");
    }
    if (items.size() == 1 && NONE.matcher(items.get(0)).matches()) {
      return Parsed.of(List.of());
    }
    items.removeIf(s -> NONE.matcher(s).matches());
    return Parsed.of(List.copyOf(items));
  }

  /** The content of the first fenced code block, stripped; a failure when there is none. */
  public static Parsed<String> codeBlock(String answer) {
    Matcher m = CODE_BLOCK.matcher(answer);
    while (m.find()) {
      String content = m.group(1).strip();
      if (!content.isEmpty()) {
        return Parsed.of(content);
      }
    }
    return Parsed.fail("no non-empty code block (text between ``` and ```) in the answer; put "
        + "the answer in a code block");
  }

  /**
   * The last bracketed label of the answer that is one of {@code labels} (compared without
   * punctuation, case or extra spaces), returned as written in {@code labels}. Earlier brackets
   * (citations such as {@code [1]}, or the options restated) are skipped.
   */
  public static Parsed<String> label(String answer, List<String> labels) {
    Matcher m = BRACKET.matcher(answer);
    String found = null;
    while (m.find()) {
      Optional<String> match = match(m.group(1), labels);
      if (match.isPresent()) {
        found = match.get();
      }
    }
    if (found == null) {
      return Parsed.fail("no answer in square brackets among " + bracketed(labels)
          + "; end the answer with exactly one of them");
    }
    return Parsed.of(found);
  }

  static Optional<String> match(String raw, List<String> labels) {
    String n = normal(raw);
    return labels.stream().filter(l -> normal(l).equals(n)).findFirst();
  }

  static String normal(String s) {
    return s.replaceAll("[^\\p{L}\\p{N} ]", " ").replaceAll("\\s+", " ").strip()
        .toLowerCase(Locale.ROOT);
  }

  static String bracketed(List<String> labels) {
    return String.join(", ", labels.stream().map(l -> "[" + l + "]").toList());
  }

  /** A query normalised for duplicate detection: lower case, punctuation and spaces folded. */
  public static String queryKey(String query) {
    return normal(query);
  }
}
