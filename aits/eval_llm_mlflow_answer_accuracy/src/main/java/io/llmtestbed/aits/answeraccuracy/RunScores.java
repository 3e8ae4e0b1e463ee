package io.llmtestbed.aits.answeraccuracy;

import io.llmtestbed.aits.answeraccuracy.metrics.Language;
import io.llmtestbed.aits.answeraccuracy.metrics.RowScores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-row scores of one run, kept column-wise in primitive arrays (about 60 bytes a row
 * plus the row keys) so that intervals and paired tests can resample them.
 *
 * <p>Rows whose reference is null are not scored and not stored; {@link #nullReferences()}
 * counts them.
 */
final class RunScores {
  private final String label;
  private final String runId;
  private final Map<Metric, DoubleList> values = new EnumMap<>(Metric.class);
  private final DoubleList judge = new DoubleList();
  private final DoubleList judgeRowOf = new DoubleList();
  private final Map<String, Integer> categoryIds = new LinkedHashMap<>();
  private final List<String> categoryNames = new ArrayList<>();
  private int[] categories = new int[1024];
  private long[] tableRows = new long[1024];
  private byte[] flags = new byte[1024];
  // LIMIT: the pairing keys are kept as strings (about 50 bytes a row) when runs are paired or
  // written back; tens of millions of rows need more heap than -Xmx512m (one million fit).
  private final List<String> keys = new ArrayList<>();
  private final boolean keyed;
  private int rows;
  private long rowsRead;
  private long nullPredictions;
  private long nullReferences;
  private long japaneseRows;
  private long truncatedRows;

  private static final byte JAPANESE = 1;
  private static final byte NULL_PREDICTION = 2;

  RunScores(String label, String runId, boolean keyed) {
    this.label = label;
    this.runId = runId;
    this.keyed = keyed;
    for (Metric m : Metric.values()) {
      if (m.textual()) {
        values.put(m, new DoubleList());
      }
    }
  }

  /** Counts a row that was read but not scored because its reference is null. */
  void skipNullReference() {
    rowsRead++;
    nullReferences++;
  }

  /**
   * Stores one scored row.
   *
   * @param tableRow the row's index in the table
   * @param key the row's pairing key, or null when the run has no key column
   * @param judgeScore the row's judge score, or null
   */
  void add(long tableRow, String key, String category, RowScores scores, Double judgeScore) {
    if (rows == categories.length) {
      int capacity = rows + (rows >> 1);
      categories = Arrays.copyOf(categories, capacity);
      tableRows = Arrays.copyOf(tableRows, capacity);
      flags = Arrays.copyOf(flags, capacity);
    }
    Integer id = categoryIds.get(category);
    if (id == null) {
      id = categoryNames.size();
      categoryIds.put(category, id);
      categoryNames.add(category);
    }
    categories[rows] = id;
    tableRows[rows] = tableRow;
    byte f = 0;
    if (scores.language() == Language.JA) {
      f |= JAPANESE;
      japaneseRows++;
    }
    if (scores.nullPrediction()) {
      f |= NULL_PREDICTION;
      nullPredictions++;
    }
    flags[rows] = f;
    for (Map.Entry<Metric, DoubleList> e : values.entrySet()) {
      e.getValue().add(e.getKey().of(scores));
    }
    if (judgeScore != null && Double.isFinite(judgeScore)) {
      judge.add(judgeScore);
      judgeRowOf.add(rows);
    }
    if (keyed) {
      keys.add(key);
    }
    rows++;
    rowsRead++;
  }

  /** Counts a scored row whose ROUGE-L was computed on truncated token sequences. */
  void countTruncated() {
    truncatedRows++;
  }

  /** Scored rows whose ROUGE-L was computed on the first MAX_LCS_TOKENS tokens only. */
  long truncatedRows() {
    return truncatedRows;
  }

  String label() {
    return label;
  }

  String runId() {
    return runId;
  }

  /** Scored rows. */
  int rows() {
    return rows;
  }

  long rowsRead() {
    return rowsRead;
  }

  long nullPredictions() {
    return nullPredictions;
  }

  long nullReferences() {
    return nullReferences;
  }

  long japaneseRows() {
    return japaneseRows;
  }

  /** Rows with a finite judge score. */
  int judgedRows() {
    return judge.size();
  }

  boolean keyed() {
    return keyed;
  }

  String key(int row) {
    return keys.get(row);
  }

  long tableRow(int row) {
    return tableRows[row];
  }

  boolean japanese(int row) {
    return (flags[row] & JAPANESE) != 0;
  }

  boolean nullPrediction(int row) {
    return (flags[row] & NULL_PREDICTION) != 0;
  }

  String category(int row) {
    return categoryNames.get(categories[row]);
  }

  /** Category names in the order first seen. */
  List<String> categoryNames() {
    return categoryNames;
  }

  /** Every scored row's value of a text measure. */
  double[] values(Metric metric) {
    if (metric == Metric.JUDGE_SCORE) {
      return judge.toArray();
    }
    return values.get(metric).toArray();
  }

  double value(Metric metric, int row) {
    return values.get(metric).get(row);
  }

  /** The values of one category (judge: only rows with a score). */
  double[] values(Metric metric, String category) {
    Integer id = categoryIds.get(category);
    if (id == null) {
      return new double[0];
    }
    DoubleList out = new DoubleList();
    if (metric == Metric.JUDGE_SCORE) {
      for (int i = 0; i < judge.size(); i++) {
        if (categories[(int) judgeRowOf.get(i)] == id) {
          out.add(judge.get(i));
        }
      }
    } else {
      DoubleList all = values.get(metric);
      for (int row = 0; row < rows; row++) {
        if (categories[row] == id) {
          out.add(all.get(row));
        }
      }
    }
    return out.toArray();
  }

  /** The judge score of a scored row, or NaN when it has none. */
  double judgeOf(int row) {
    // Judged rows are stored in row order, so a binary search finds the row's entry.
    int lo = 0;
    int hi = judgeRowOf.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      double r = judgeRowOf.get(mid);
      if (r < row) {
        lo = mid + 1;
      } else if (r > row) {
        hi = mid - 1;
      } else {
        return judge.get(mid);
      }
    }
    return Double.NaN;
  }
}
