package io.llmtestbed.aits.safe.index;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.AnalyzerWrapper;
import org.apache.lucene.analysis.FilteringTokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.ja.JapaneseAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * How an index analyses text. {@code en}: Lucene's StandardAnalyzer with English stop words.
 * {@code ja}: kuromoji's JapaneseAnalyzer in search mode (compounds are also split into their
 * parts, so 空港 finds 関西国際空港). {@code auto}: both, each on its own fields, the English one
 * keeping only tokens without Chinese/Japanese characters and the Japanese one only tokens with
 * them, so a mixed collection is searched with both and no token is counted twice.
 */
public enum IndexLanguage {
  EN("StandardAnalyzer(english stop words)", List.of("title_en", "text_en")),
  JA("JapaneseAnalyzer(search mode, default stop tags)", List.of("title_ja", "text_ja")),
  AUTO("StandardAnalyzer(english stop words, non-CJK tokens)"
      + " + JapaneseAnalyzer(search mode, CJK tokens)",
      List.of("title_en", "text_en", "title_ja", "text_ja"));

  /**
   * Raised when this class's analysis changes in a way that changes the tokens: indexes built
   * before then must be rebuilt, and the manifest check says so.
   */
  public static final int ANALYSIS_REVISION = 1;

  private final String analyzerDescription;
  private final List<String> fields;

  IndexLanguage(String analyzerDescription, List<String> fields) {
    this.analyzerDescription = analyzerDescription;
    this.fields = fields;
  }

  /** Parses {@code en}, {@code ja} or {@code auto} (any case). */
  public static IndexLanguage parse(String value) {
    for (IndexLanguage l : values()) {
      if (l.code().equals(value == null ? "" : value.strip().toLowerCase(Locale.ROOT))) {
        return l;
      }
    }
    throw new IllegalArgumentException("index language must be one of en, ja, auto; got '"
        + value + "'");
  }

  /** {@code en}, {@code ja} or {@code auto}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What the manifest records; an index whose manifest differs must be rebuilt. */
  public String analyzerDescription() {
    return analyzerDescription + " rev " + ANALYSIS_REVISION;
  }

  /** The indexed fields, each analysed by {@link #analyzer()}. */
  public List<String> fields() {
    return fields;
  }

  /** A new analyzer for all of this language's fields (the caller closes it). */
  public Analyzer analyzer() {
    Map<String, Analyzer> perField = new HashMap<>();
    switch (this) {
      case EN -> {
        Analyzer en = english();
        perField.put("title_en", en);
        perField.put("text_en", en);
      }
      case JA -> {
        Analyzer ja = new JapaneseAnalyzer();
        perField.put("title_ja", ja);
        perField.put("text_ja", ja);
      }
      case AUTO -> {
        Analyzer en = new ScriptFiltered(english(), false);
        Analyzer ja = new ScriptFiltered(new JapaneseAnalyzer(), true);
        perField.put("title_en", en);
        perField.put("text_en", en);
        perField.put("title_ja", ja);
        perField.put("text_ja", ja);
      }
      default -> throw new IllegalStateException("unknown language " + this);
    }
    return new PerFieldAnalyzerWrapper(english(), perField);
  }

  private static Analyzer english() {
    return new StandardAnalyzer(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
  }

  static boolean hasCjk(CharSequence text) {
    for (int i = 0; i < text.length(); ) {
      int cp = Character.codePointAt(text, i);
      Character.UnicodeScript s = Character.UnicodeScript.of(cp);
      if (s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
          || s == Character.UnicodeScript.KATAKANA) {
        return true;
      }
      i += Character.charCount(cp);
    }
    return false;
  }

  /** Keeps only tokens with (or only tokens without) Chinese/Japanese characters. */
  private static final class ScriptFiltered extends AnalyzerWrapper {
    private final Analyzer delegate;
    private final boolean keepCjk;

    ScriptFiltered(Analyzer delegate, boolean keepCjk) {
      super(Analyzer.PER_FIELD_REUSE_STRATEGY);
      this.delegate = delegate;
      this.keepCjk = keepCjk;
    }

    @Override
    protected Analyzer getWrappedAnalyzer(String fieldName) {
      return delegate;
    }

    @Override
    protected TokenStreamComponents wrapComponents(String fieldName,
        TokenStreamComponents components) {
      TokenStream filtered = new FilteringTokenFilter(components.getTokenStream()) {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);

        @Override
        protected boolean accept() throws IOException {
          return hasCjk(term) == keepCjk;
        }
      };
      return new TokenStreamComponents(components.getSource(), filtered);
    }

    @Override
    public void close() {
      delegate.close();
      super.close();
    }
  }
}
