package io.llmtestbed.aits.answeraccuracy;

import io.llmtestbed.aits.answeraccuracy.metrics.RowScores;

/**
 * The per-row measures of this AIT, with the names used in {@code ait.output.json}, the CSV
 * tables and the MLflow write-back.
 */
enum Metric {
  EXACT_MATCH("exact_match", "exact match (1 when the answer equals the reference)", true),
  TOKEN_F1("token_f1", "token F1, rouge-score tokenizer", false),
  ROUGE_L("rouge_l", "ROUGE-L F, rouge-score tokenizer (MLflow rougeL/v1)", false),
  TOKEN_F1_JA("token_f1_ja", "token F1, kuromoji on Japanese rows", false),
  ROUGE_L_JA("rouge_l_ja", "ROUGE-L F, kuromoji on Japanese rows", false),
  CHAR_F1("char_f1", "character F1 (NFKC, no whitespace)", false),
  JUDGE_SCORE("judge_score_mean", "mean judge score", false);

  private final String measureName;
  private final String label;
  private final boolean proportion;

  Metric(String measureName, String label, boolean proportion) {
    this.measureName = measureName;
    this.label = label;
    this.proportion = proportion;
  }

  /** The measure name, e.g. {@code rouge_l}. */
  String measureName() {
    return measureName;
  }

  /** A short description for chart titles and tables. */
  String label() {
    return label;
  }

  /** True for exact match: a 0/1 outcome, Wilson interval and McNemar test. */
  boolean proportion() {
    return proportion;
  }

  /** True for the measures computed from text (all but the judge score). */
  boolean textual() {
    return this != JUDGE_SCORE;
  }

  /** This measure's value in a row's scores; not for {@link #JUDGE_SCORE}. */
  double of(RowScores s) {
    switch (this) {
      case EXACT_MATCH:
        return s.exactMatch();
      case TOKEN_F1:
        return s.tokenF1();
      case ROUGE_L:
        return s.rougeL();
      case TOKEN_F1_JA:
        return s.tokenF1Ja();
      case ROUGE_L_JA:
        return s.rougeLJa();
      case CHAR_F1:
        return s.charF1();
      default:
        throw new IllegalStateException(this + " is not computed from text");
    }
  }
}
