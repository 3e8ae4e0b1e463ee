package io.llmtestbed.aits.robustness.perturb;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.lucene.analysis.ja.JapaneseTokenizer;
import org.apache.lucene.analysis.ja.tokenattributes.ReadingAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * Kanji -> kana: kuromoji (Lucene, IPADIC, mode NORMAL) splits the text into words; on
 * {@code severity} of the words that contain kanji and have a reading in the dictionary, the
 * word is replaced by its reading in hiragana. Words without a reading (unknown words) and words
 * with a kanji numeral are skipped, as are protected spans.
 */
final class KanjiKana implements Perturbation {
  /** A word to replace: its span and its reading in hiragana. */
  private record Word(int start, int end, String reading) {}

  private final ThreadLocal<Tokenizer> tokenizers = ThreadLocal.withInitial(Tokenizer::new);

  @Override
  public String name() {
    return "kanji_kana";
  }

  @Override
  public String description() {
    return "kanji -> hiragana reading on severity x the kuromoji words that contain kanji and "
        + "have a dictionary reading (words without a reading or with a kanji numeral are "
        + "skipped)";
  }

  @Override
  public String preserves() {
    return "every character that is not kanji or kana, in order (only kanji words become "
        + "their kana reading)";
  }

  @Override
  public PerturbationResult apply(PerturbationInput in, double severity,
      SplittableRandom random) {
    String s = in.text();
    if (s.codePoints().noneMatch(Chars::isKanji)) {
      return PerturbationResult.unchanged(in, "no kanji");
    }
    boolean[] guarded = ProtectedSpans.mask(s);
    List<Word> words = new ArrayList<>();
    for (Word w : tokenizers.get().words(s)) {
      String surface = s.substring(w.start(), w.end());
      boolean inCode = false;
      for (int i = w.start(); i < w.end(); i++) {
        inCode |= guarded[i];
      }
      if (!inCode && surface.codePoints().anyMatch(Chars::isKanji)
          && surface.codePoints().noneMatch(Chars::isKanjiNumeral)) {
        words.add(w);
      }
    }
    int n = Chars.count(words.size(), severity);
    if (n == 0) {
      return PerturbationResult.unchanged(in, "no kanji word with a known reading");
    }
    boolean[] chosen = Chars.choose(words.size(), n, random);
    StringBuilder out = new StringBuilder(s.length());
    int pos = 0;
    for (int k = 0; k < words.size(); k++) {
      if (chosen[k]) {
        Word w = words.get(k);
        out.append(s, pos, w.start()).append(w.reading());
        pos = w.end();
      }
    }
    out.append(s, pos, s.length());
    return PerturbationResult.applied(out.toString(), in.gold(), n + " word(s) to kana");
  }

  @Override
  public String violation(PerturbationInput in, PerturbationResult out) {
    java.util.function.IntPredicate jp = c -> (Chars.isKanji(c) && !Chars.isKanjiNumeral(c))
        || Chars.isHiragana(c) || Chars.isKatakana(c);
    return Chars.without(in.text(), jp).equals(Chars.without(out.text(), jp)) ? null
        : "a character other than kanji or kana changed";
  }

  /** One kuromoji tokenizer per thread (it is not thread-safe). */
  private static final class Tokenizer {
    private final JapaneseTokenizer tokenizer =
        new JapaneseTokenizer(null, false, JapaneseTokenizer.Mode.NORMAL);
    private final OffsetAttribute offset = tokenizer.addAttribute(OffsetAttribute.class);
    private final ReadingAttribute reading = tokenizer.addAttribute(ReadingAttribute.class);

    List<Word> words(String text) {
      List<Word> out = new ArrayList<>();
      try {
        tokenizer.setReader(new StringReader(text));
        tokenizer.reset();
        while (tokenizer.incrementToken()) {
          String r = reading.getReading();
          // IPADIC gives "*" or nothing for unknown words: no reading is known, so skip.
          // LIMIT: the reading is that of kuromoji's best analysis; where a word has several
          // readings (日本: にっぽん / にほん) the one chosen may not be the usual one.
          if (r != null && !r.isEmpty() && !"*".equals(r)
              && r.codePoints().allMatch(c -> Chars.isKatakana(c) || c == 'ー')) {
            out.add(new Word(offset.startOffset(), offset.endOffset(), Kana.toHiragana(r)));
          }
        }
        tokenizer.end();
      } catch (IOException e) {
        throw new UncheckedIOException("kuromoji failed on an in-memory string", e);
      } finally {
        try {
          tokenizer.close();
        } catch (IOException e) {
          throw new UncheckedIOException("kuromoji failed to close an in-memory reader", e);
        }
      }
      return out;
    }
  }
}
