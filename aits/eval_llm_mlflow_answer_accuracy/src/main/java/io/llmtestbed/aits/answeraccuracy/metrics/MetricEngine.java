package io.llmtestbed.aits.answeraccuracy.metrics;

import java.util.Objects;

/**
 * Scores one (prediction, reference) row at a time: exact match, token F1, ROUGE-L, their
 * Japanese-aware variants and character F1 (see {@link RowScores} for each).
 *
 * <p>Streaming and lean: nothing is kept between rows except reused scratch arrays, and the
 * rouge-score tokenizer makes no string per token. One engine per thread; not thread-safe.
 */
public final class MetricEngine {
  private final Language language;
  private final ExactMatchMode exactMatchMode;
  private final RougeTokenizer rougeTokenizer = new RougeTokenizer();
  private final Vocabulary vocabulary = new Vocabulary();
  private final TokenSequence predictionTokens = new TokenSequence();
  private final TokenSequence referenceTokens = new TokenSequence();
  private final Overlap overlap = new Overlap();
  private final CharOverlap charOverlap = new CharOverlap();
  private JapaneseTokens japaneseTokens;
  private boolean truncated;

  /** The longest token sequence ROUGE-L compares; longer texts are cut for ROUGE-L only. */
  public static final int MAX_LCS_TOKENS = Overlap.MAX_LCS_TOKENS;

  /**
   * @param language {@link Language#AUTO} to pick the Japanese-aware tokenizer per row
   * @param exactMatchMode how exact match compares
   */
  public MetricEngine(Language language, ExactMatchMode exactMatchMode) {
    this.language = Objects.requireNonNull(language, "language");
    this.exactMatchMode = Objects.requireNonNull(exactMatchMode, "exactMatchMode");
  }

  /**
   * Scores one row.
   *
   * @param prediction the model's answer; null scores 0 everywhere (a missing answer is wrong)
   * @param reference the expected answer, never null
   */
  public RowScores score(String prediction, String reference) {
    Objects.requireNonNull(reference, "reference");
    Language rowLanguage = language.resolve(prediction, reference);
    truncated = false;
    if (prediction == null) {
      return new RowScores(rowLanguage, true, 0, 0, 0, 0, 0, 0);
    }
    double exact = exactMatchMode.score(prediction, reference);
    tokenizeRouge(prediction, reference);
    double tokenF1 = overlap.tokenF1(predictionTokens, referenceTokens, vocabulary.size());
    double rougeL = overlap.rougeL(predictionTokens, referenceTokens);
    truncated = overlap.lastTruncated();
    double tokenF1Ja = tokenF1;
    double rougeLJa = rougeL;
    // NFKC once per text: both the kuromoji path and character F1 start from it.
    String predictionNfkc = CharOverlap.nfkc(prediction);
    String referenceNfkc = CharOverlap.nfkc(reference);
    if (rowLanguage == Language.JA) {
      tokenizeJapanese(predictionNfkc, referenceNfkc);
      tokenF1Ja = overlap.tokenF1(predictionTokens, referenceTokens, vocabulary.size());
      rougeLJa = overlap.rougeL(predictionTokens, referenceTokens);
      truncated |= overlap.lastTruncated();
    }
    double charF1 = charOverlap.charF1(predictionNfkc, referenceNfkc);
    return new RowScores(rowLanguage, false, exact, tokenF1, rougeL, tokenF1Ja, rougeLJa, charF1);
  }

  /**
   * Whether the last {@link #score} cut the prediction or the reference to
   * {@link #MAX_LCS_TOKENS} tokens for ROUGE-L (rouge_l or rouge_l_ja), so that its ROUGE-L is
   * computed on the first tokens only.
   */
  public boolean lastRowTruncated() {
    return truncated;
  }

  private void tokenizeRouge(String prediction, String reference) {
    vocabulary.clear();
    predictionTokens.clear();
    referenceTokens.clear();
    rougeTokenizer.tokenize(reference, vocabulary, referenceTokens);
    rougeTokenizer.tokenize(prediction, vocabulary, predictionTokens);
  }

  private void tokenizeJapanese(String predictionNfkc, String referenceNfkc) {
    // LIMIT: kuromoji is about three quarters of the time on Japanese rows and runs on one
    // thread; scoring rows in parallel (one engine per thread) is not done yet.
    if (japaneseTokens == null) {
      // Loading the kuromoji dictionaries takes a moment; English-only tables never pay it.
      japaneseTokens = new JapaneseTokens();
    }
    vocabulary.clear();
    predictionTokens.clear();
    referenceTokens.clear();
    japaneseTokens.tokenize(JapaneseTokens.prepareNfkc(referenceNfkc), vocabulary,
        referenceTokens);
    japaneseTokens.tokenize(JapaneseTokens.prepareNfkc(predictionNfkc), vocabulary,
        predictionTokens);
  }
}
