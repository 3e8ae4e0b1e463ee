package io.llmtestbed.aits.answeraccuracy;

import io.llmtestbed.ait.sdk.mlflow.EvalRow;
import io.llmtestbed.ait.sdk.mlflow.EvalTable;
import io.llmtestbed.ait.sdk.mlflow.JsonText;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunSource;
import io.llmtestbed.ait.sdk.provenance.Provenance;
import io.llmtestbed.ait.sdk.provenance.RunSources;
import io.llmtestbed.ait.sdk.report.CsvWriter;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.aits.answeraccuracy.metrics.Language;
import io.llmtestbed.aits.answeraccuracy.metrics.MetricEngine;
import io.llmtestbed.aits.answeraccuracy.metrics.RowScores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Streams one run's eval table through the metric engine: one row in memory at a time, scores
 * kept column-wise in {@link RunScores}, each row also written to the per-row CSV.
 */
final class RunScorer {
  /** The column that pairs rows of two runs when both tables have it (the demo guarantees it). */
  static final String KEY_COLUMN = "question_id";
  /** Category of every row when the table has no category column. */
  static final String ALL = "(all)";
  /** Header of the per-row scores CSV download. */
  static final List<String> ROW_CSV_HEADER = List.of("run", "run_id", "row", KEY_COLUMN,
      "category", "language", "null_prediction", "exact_match", "token_f1", "rouge_l",
      "token_f1_ja", "rouge_l_ja", "char_f1", "judge_score");
  private static final long PROGRESS_EVERY = 250_000;

  private final Settings settings;
  private final MetricEngine engine;
  private final Logger log;
  private final Provenance provenance;

  /** {@code provenance} receives each run read and the sha256 of its table. */
  RunScorer(Settings settings, Logger log, Provenance provenance) {
    this.settings = settings;
    this.provenance = provenance;
    this.engine = new MetricEngine(settings.language(), settings.normalization());
    this.log = log;
  }

  /**
   * Scores every row of the run's table.
   *
   * @param label the run's name in outputs
   * @param keepKeys keep each row's {@link #KEY_COLUMN} in memory (for pairing runs and the
   *     write-back table); otherwise it only goes to the per-row CSV
   * @throws AitException E102 when the table lacks the configured columns, has no row to score,
   *     or every prediction is null
   */
  RunScores score(MlflowRunSource source, String label, CsvWriter rowCsv, boolean keepKeys) {
    try (EvalTable table = RunSources.openDigested(provenance, source)) {
      Map<String, String> required = new LinkedHashMap<>();
      required.put(settings.predictionColumn(), "prediction_column");
      required.put(settings.targetColumn(), "target_column");
      table.requireColumns(required);
      boolean hasCategory = table.hasColumn(settings.categoryColumn());
      boolean hasJudge = table.hasColumn(settings.judgeColumn());
      boolean hasKey = table.hasColumn(KEY_COLUMN);
      boolean keyed = hasKey && keepKeys;
      if (!hasCategory) {
        log.warn("Run {}: no column '{}' (parameter category_column) among {}; every row goes "
            + "to category '{}'", label, settings.categoryColumn(), table.columns(), ALL);
      }
      RunScores scores = new RunScores(label, source.run().runId(), keyed);
      CellKinds predictionKinds = new CellKinds();
      CellKinds referenceKinds = new CellKinds();
      long languageMismatch = 0;
      for (EvalRow row : table) {
        String reference = row.string(settings.targetColumn());
        if (reference == null) {
          scores.skipNullReference();
          continue;
        }
        referenceKinds.count(row.value(settings.targetColumn()));
        predictionKinds.count(row.value(settings.predictionColumn()));
        String prediction = row.string(settings.predictionColumn());
        if (mismatched(prediction, reference)) {
          languageMismatch++;
        }
        String cell = hasCategory ? row.string(settings.categoryColumn()) : null;
        String category = cell == null ? ALL : cell;
        String key = hasKey ? row.string(KEY_COLUMN) : null;
        Double judge = hasJudge ? row.number(settings.judgeColumn()) : null;
        RowScores s = engine.score(prediction, reference);
        if (engine.lastRowTruncated()) {
          scores.countTruncated();
        }
        scores.add(row.index(), key, category, s, judge);
        writeRow(rowCsv, scores, row.index(), key, category, s, judge);
        if (scores.rowsRead() % PROGRESS_EVERY == 0) {
          log.info("Run {}: {} rows scored", label, scores.rowsRead());
        }
      }
      check(source, label, scores);
      warnCellKinds(label, "prediction_column", settings.predictionColumn(), predictionKinds);
      warnCellKinds(label, "target_column", settings.targetColumn(), referenceKinds);
      warnLanguage(label, languageMismatch, scores.rows());
      if (scores.truncatedRows() > 0) {
        log.warn("Run {}: {} of {} rows have a prediction or reference longer than {} tokens; "
            + "their rouge_l (and rouge_l_ja) is computed on the first {} tokens only, so it "
            + "can differ from rouge-score's (token F1 uses every token)", label,
            scores.truncatedRows(), scores.rows(), MetricEngine.MAX_LCS_TOKENS,
            MetricEngine.MAX_LCS_TOKENS);
      }
      log.info("Run {}: {} rows read, {} scored ({} Japanese), {} null predictions counted as "
          + "wrong, {} rows without a reference skipped", label, scores.rowsRead(),
          scores.rows(), scores.japaneseRows(), scores.nullPredictions(), scores.nullReferences());
      return scores;
    }
  }

  /** Whether a row contradicts a forced language: Japanese text under en, none under ja. */
  private boolean mismatched(String prediction, String reference) {
    Language forced = settings.language();
    if (forced == Language.AUTO) {
      return false;
    }
    boolean japanese = Language.containsJapanese(prediction)
        || Language.containsJapanese(reference);
    return forced == Language.EN ? japanese : !japanese;
  }

  private void warnLanguage(String label, long rows, long scored) {
    if (rows == 0) {
      return;
    }
    if (settings.language() == Language.EN) {
      log.warn("Run {}: {} of {} rows contain Japanese (kana or kanji) but language=en, so "
          + "their token F1 and ROUGE-L count no Japanese tokens and score 0 even on an exact "
          + "match. Fix: set language=auto (kuromoji on Japanese rows)", label, rows, scored);
    } else {
      log.warn("Run {}: {} of {} rows contain no Japanese (kana or kanji) but language=ja, so "
          + "their *_ja measures use kuromoji on non-Japanese text. Fix: set language=auto",
          label, rows, scored);
    }
  }

  private void warnCellKinds(String label, String parameter, String column, CellKinds kinds) {
    if (kinds.scalars > 0) {
      log.warn("Run {}: {} cells of column '{}' (parameter {}) are JSON numbers or booleans, "
          + "not strings (first: {}); they are scored as their JSON text", label, kinds.scalars,
          column, parameter, kinds.firstScalar);
    }
    if (kinds.nested > 0) {
      log.warn("Run {}: {} cells of column '{}' (parameter {}) are JSON arrays or objects "
          + "(first: {}); they are scored as compact JSON text, which is probably the wrong "
          + "column. Fix: set {} to the column holding the answer text", label, kinds.nested,
          column, parameter, kinds.firstNested, parameter);
    }
  }

  /** Counts cells of one column that are not JSON strings. */
  private static final class CellKinds {
    long scalars;
    long nested;
    String firstScalar;
    String firstNested;

    void count(Object cell) {
      if (cell instanceof Number || cell instanceof Boolean) {
        if (scalars++ == 0) {
          firstScalar = cell.toString();
        }
      } else if (cell instanceof JsonText) {
        if (nested++ == 0) {
          String text = cell.toString();
          firstNested = text.length() <= 40 ? text : text.substring(0, 37) + "...";
        }
      }
    }
  }

  private void check(MlflowRunSource source, String label, RunScores scores) {
    if (scores.rowsRead() == 0) {
      throw AitException.invalidInput(source.describe() + ": its eval table has no rows "
          + "(\"data\" is empty), so there is nothing to measure. Fix: log the evaluation with "
          + "at least one row, or remove this run from the evaluation_runs inventory");
    }
    if (scores.rows() == 0) {
      throw AitException.invalidInput(source.describe() + ", eval table: all "
          + scores.rowsRead() + " rows have a null '" + settings.targetColumn() + "' (parameter "
          + "target_column), so no row has a reference to compare with. Fix: set target_column "
          + "to the column holding the reference answers");
    }
    if (scores.nullPredictions() == scores.rows()) {
      throw AitException.invalidInput(source.describe() + ", eval table: all "
          + scores.rows() + " predictions in column '" + settings.predictionColumn()
          + "' (parameter prediction_column) are null, so the model answered nothing. Fix: set "
          + "prediction_column to the column holding the model's answers, or re-run the model");
    }
    if (scores.nullPredictions() > 0) {
      log.warn("Run {}: {} of {} predictions are null; each counts as wrong (score 0 on every "
          + "measure) and scoring continues", label, scores.nullPredictions(), scores.rows());
    }
    if (scores.nullReferences() > 0) {
      log.warn("Run {}: {} of {} rows have a null reference ('{}') and are left out of every "
          + "measure", label, scores.nullReferences(), scores.rowsRead(),
          settings.targetColumn());
    }
  }

  private static void writeRow(CsvWriter csv, RunScores scores, long index, String key,
      String category, RowScores s, Double judge) {
    List<Object> cells = new ArrayList<>(ROW_CSV_HEADER.size());
    cells.add(scores.label());
    cells.add(scores.runId());
    cells.add(index);
    cells.add(key);
    cells.add(category);
    cells.add(s.language().parameterValue());
    cells.add(s.nullPrediction() ? 1 : 0);
    cells.add((int) s.exactMatch());
    cells.add(s.tokenF1());
    cells.add(s.rougeL());
    cells.add(s.tokenF1Ja());
    cells.add(s.rougeLJa());
    cells.add(s.charF1());
    cells.add(judge);
    csv.row(cells);
  }
}
