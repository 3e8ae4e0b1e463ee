package io.llmtestbed.aits.answeraccuracy;

import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.aits.answeraccuracy.metrics.ExactMatchMode;
import io.llmtestbed.aits.answeraccuracy.metrics.Language;

/**
 * The parameters of one AIT run, read and checked once.
 *
 * @param predictionColumn the column holding the model's answer
 * @param targetColumn the column holding the reference answer
 * @param categoryColumn the column used for the per-category breakdown
 * @param judgeColumn the column holding a numeric judge score per row
 * @param language how rows are assigned to the Japanese-aware tokenizer
 * @param normalization how exact match compares
 * @param confidenceLevel coverage of every interval, in (0, 1)
 * @param bootstrapSamples resamples for bootstrap intervals and paired bootstrap tests
 * @param seed seed of every resampling, so results are reproducible
 * @param writeBack whether to write results into runs read from a tracking server
 */
record Settings(
    String predictionColumn,
    String targetColumn,
    String categoryColumn,
    String judgeColumn,
    Language language,
    ExactMatchMode normalization,
    double confidenceLevel,
    int bootstrapSamples,
    long seed,
    boolean writeBack) {

  static Settings from(AitContext ctx) {
    try {
      return new Settings(
          column(ctx, "prediction_column"),
          column(ctx, "target_column"),
          column(ctx, "category_column"),
          column(ctx, "judge_column"),
          Language.parse(ctx.stringParam("language")),
          ExactMatchMode.parse(ctx.stringParam("normalization")),
          ctx.doubleParam("confidence_level"),
          ctx.intParam("bootstrap_samples"),
          ctx.intParam("seed"),
          ctx.boolParam("write_back"));
    } catch (IllegalArgumentException e) {
      throw AitException.invalidInput(e.getMessage(), e);
    }
  }

  private static String column(AitContext ctx, String parameter) {
    String value = ctx.stringParam(parameter);
    if (value == null || value.isBlank()) {
      throw AitException.invalidInput("parameter '" + parameter + "' is empty; it must name a "
          + "column of the eval table. Fix: pass the column name, or leave the parameter out "
          + "to use its default");
    }
    return value.trim();
  }
}
