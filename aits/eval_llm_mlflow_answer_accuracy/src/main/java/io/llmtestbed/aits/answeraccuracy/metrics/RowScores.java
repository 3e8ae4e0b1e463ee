package io.llmtestbed.aits.answeraccuracy.metrics;

/**
 * The scores of one (prediction, reference) row, each in [0, 1].
 *
 * @param language the tokenizer family used for the Japanese-aware scores ({@link Language#EN}
 *     or {@link Language#JA}, never {@link Language#AUTO})
 * @param nullPrediction true when the prediction was null; every score is then 0
 * @param exactMatch 1 or 0 under the engine's {@link ExactMatchMode}
 * @param tokenF1 SQuAD-style token F1 with the rouge-score tokenizer (0 for Japanese-only text)
 * @param rougeL ROUGE-L F-measure with the rouge-score tokenizer, as MLflow's {@code rougeL/v1}
 * @param tokenF1Ja token F1 with the row's language tokenizer (kuromoji for {@code ja} rows,
 *     the rouge-score tokenizer for {@code en} rows)
 * @param rougeLJa ROUGE-L F-measure with the row's language tokenizer
 * @param charF1 character-level F1 (NFKC, whitespace removed)
 */
public record RowScores(
    Language language,
    boolean nullPrediction,
    double exactMatch,
    double tokenF1,
    double rougeL,
    double tokenF1Ja,
    double rougeLJa,
    double charF1) {}
