package io.llmtestbed.aits.safe.pipeline;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Step 1a of SAFE: splits a response into sentences, each of which is then split into atomic
 * facts.
 *
 * <ul>
 *   <li>Paragraphs: the text is cut at line breaks first (list items and headings are
 *       sentences of their own), and blank lines are dropped.
 *   <li>English: {@link BreakIterator}'s sentence instance, then two repairs. A break after an
 *       initial ({@code J. R. R. Tolkien}), a known abbreviation ({@code Dr.}, {@code U.S.},
 *       {@code e.g.}, {@code No.}, ...) or before a lower-case letter or digit is undone; and a
 *       fragment of one word is joined to the sentence before it.
 *   <li>Japanese: a sentence ends after {@code 。！？!?} (with any closing brackets or quotes right
 *       after it), except inside brackets and quotes ({@code 「」『』（）()""}), so a quotation
 *       with its own {@code 。} stays in its sentence.
 * </ul>
 *
 * Thread-safe (no state).
 */
public final class SentenceSplitter {
  // LIMIT: a fixed English abbreviation list; an abbreviation not on it may split a sentence.
  private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "sr",
      "jr", "st", "mt", "ft", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "rev",
      "hon", "pres", "vs", "etc", "e.g", "i.e", "cf", "al", "inc", "ltd", "co", "corp", "no",
      "vol", "ch", "fig", "approx", "est", "dept", "univ", "jan", "feb", "mar", "apr", "jun",
      "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "a.m", "p.m",
      "ph.d", "b.a", "m.a", "b.sc", "m.sc", "d.c");
  private static final Pattern INITIAL = Pattern.compile("(?:^|[\\s(])\\p{Lu}\\.$");
  private static final String JA_ENDS = "。！？!?";
  private static final String JA_OPEN = "「『（(“【〔［";
  private static final String JA_CLOSE = "」』）)”】〕］";

  /** The sentences of {@code text} in order, trimmed, none empty; null or blank gives none. */
  public List<String> split(String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    for (String paragraph : text.split("\\R")) {
      String p = paragraph.strip();
      if (p.isEmpty()) {
        continue;
      }
      if (Language.detect(p) == Language.JA) {
        out.addAll(splitJapanese(p));
      } else {
        out.addAll(splitEnglish(p));
      }
    }
    return out;
  }

  static List<String> splitJapanese(String p) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int depth = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      current.append(c);
      if (JA_OPEN.indexOf(c) >= 0) {
        depth++;
      } else if (JA_CLOSE.indexOf(c) >= 0 && depth > 0) {
        depth--;
      } else if (c == '"') {
        depth += countQuotes(current) % 2 == 1 ? 1 : -1;
      }
      if (JA_ENDS.indexOf(c) >= 0 && depth <= 0) {
        // keep closing brackets, quotes and further end marks with the sentence they close
        while (i + 1 < p.length() && (JA_CLOSE.indexOf(p.charAt(i + 1)) >= 0
            || JA_ENDS.indexOf(p.charAt(i + 1)) >= 0)) {
          current.append(p.charAt(++i));
        }
        add(out, current);
        depth = 0;
      }
    }
    add(out, current);
    return out;
  }

  private static int countQuotes(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '"') {
        n++;
      }
    }
    return n;
  }

  private static void add(List<String> out, StringBuilder current) {
    String s = current.toString().strip();
    if (!s.isEmpty()) {
      out.add(s);
    }
    current.setLength(0);
  }

  static List<String> splitEnglish(String p) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    it.setText(p);
    List<String> raw = new ArrayList<>();
    for (int start = it.first(), end = it.next(); end != BreakIterator.DONE;
        start = end, end = it.next()) {
      String s = p.substring(start, end).strip();
      if (!s.isEmpty()) {
        raw.add(s);
      }
    }
    List<String> out = new ArrayList<>();
    for (String s : raw) {
      if (!out.isEmpty() && shouldJoin(out.get(out.size() - 1), s)) {
        out.set(out.size() - 1, out.get(out.size() - 1) + " " + s);
      } else {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean shouldJoin(String previous, String next) {
    if (INITIAL.matcher(previous).find()) {
      return true;
    }
    String last = lastWord(previous);
    if (last.endsWith(".") && ABBREVIATIONS.contains(
        last.substring(0, last.length() - 1).toLowerCase(Locale.ROOT))) {
      return true;
    }
    int first = next.codePointAt(0);
    if (Character.isLowerCase(first)) {
      return true;
    }
    // a fragment of one word (e.g. "Jr." cut off, or a stray "Yes.") joins its neighbour
    return next.split("\\s+").length == 1 && !next.matches("\\p{Lu}\\p{L}*[.!?]");
  }

  private static String lastWord(String s) {
    int space = Math.max(s.lastIndexOf(' '), s.lastIndexOf('('));
    return s.substring(space + 1);
  }
}
