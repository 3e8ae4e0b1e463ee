package io.llmtestbed.aits.robustness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbed.ait.sdk.mlflow.EvalRow;
import io.llmtestbed.ait.sdk.mlflow.EvalTable;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunSource;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.aits.robustness.perturb.Outcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/** Reads the original run's rows and a perturbed run's answers from eval tables. */
final class RunTables {
  static final String KEY_COLUMN = "question_id";
  static final String CATEGORY_COLUMN = "category";
  static final String STATUS_COLUMN = "perturbation_status";
  static final String DETAIL_COLUMN = "perturbation_detail";
  static final String LABEL_MAP_COLUMN = "label_map";
  static final String FAILURE_COLUMN = "failure";
  static final String ORIGINAL_INPUT_COLUMN = "original_inputs";
  static final String LLM_GENERATED_COLUMN = "llm_generated";
  /** Offline combined tables: the perturbation of each row (empty or none = original). */
  static final String PERTURBATION_COLUMN = "perturbation";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunTables() {}

  /**
   * The original run's rows.
   *
   * @param needInput whether the input column must exist (active mode)
   * @throws AitException E102 when a required column is missing or the table has no row
   */
  static boolean hasColumn(MlflowRunSource source, String column) {
    try (EvalTable table = source.evalTable()) {
      return table.hasColumn(column);
    }
  }

  /** Rows of a combined table that belong to the original run. */
  static Predicate<EvalRow> isOriginal() {
    return r -> {
      String p = r.string(PERTURBATION_COLUMN);
      return p == null || p.isBlank() || Tags.BASELINE.equals(p);
    };
  }

  /** The perturbation names of a combined table, in first-seen order. */
  static List<String> perturbationValues(MlflowRunSource source) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    try (EvalTable table = source.evalTable()) {
      for (EvalRow r : table) {
        String p = r.string(PERTURBATION_COLUMN);
        if (p != null && !p.isBlank() && !Tags.BASELINE.equals(p)) {
          names.add(p.strip());
        }
      }
    }
    return new ArrayList<>(names);
  }

  static List<OriginalRow> original(MlflowRunSource source, Settings s, boolean needInput,
      Predicate<EvalRow> keep) {
    try (EvalTable table = source.evalTable()) {
      Map<String, String> required = new LinkedHashMap<>();
      required.put(s.predictionColumn(), "prediction_column");
      if (needInput) {
        required.put(s.inputColumn(), "input_column");
      }
      table.requireColumns(required);
      boolean keyed = table.hasColumn(KEY_COLUMN);
      List<OriginalRow> rows = new ArrayList<>();
      for (EvalRow row : table) {
        if (!keep.test(row)) {
          continue;
        }
        int index = rows.size();
        String key = keyed ? row.string(KEY_COLUMN) : null;
        rows.add(new OriginalRow(index, key == null ? String.valueOf(index) : key, key != null,
            table.hasColumn(CATEGORY_COLUMN) ? row.string(CATEGORY_COLUMN) : null,
            table.hasColumn(s.inputColumn()) ? row.string(s.inputColumn()) : null,
            table.hasColumn(s.targetColumn()) ? row.string(s.targetColumn()) : null,
            row.string(s.predictionColumn())));
      }
      if (rows.isEmpty()) {
        throw AitException.invalidInput(source.describe() + ": its eval table has no rows "
            + "(\"data\" is empty), so there is nothing to perturb or compare. Fix: give the "
            + "run of an evaluation with at least one row");
      }
      return rows;
    }
  }

  /**
   * A perturbed run's answers aligned with the original rows by {@code question_id} (by row
   * index when either table lacks it). Original rows without a match are results with failure
   * {@code missing_row}.
   */
  static List<RowResult> perturbed(MlflowRunSource source, Settings s,
      List<OriginalRow> original, Predicate<EvalRow> keep) {
    Map<String, RowResult> byKey = new HashMap<>();
    try (EvalTable table = source.evalTable()) {
      Map<String, String> required = new LinkedHashMap<>();
      required.put(s.predictionColumn(), "prediction_column");
      table.requireColumns(required);
      // Pair by question_id only when both tables have it, else by row position.
      boolean keyed = table.hasColumn(KEY_COLUMN) && originalKeyed(original);
      int index = -1;
      for (EvalRow row : table) {
        if (!keep.test(row)) {
          continue;
        }
        index++;
        String key = keyed ? row.string(KEY_COLUMN) : "#" + index;
        String answer = row.string(s.predictionColumn());
        String failure = table.hasColumn(FAILURE_COLUMN) ? row.string(FAILURE_COLUMN) : null;
        if (failure == null && answer == null) {
          failure = "null_output";
        } else if (failure == null && answer.isBlank()) {
          failure = "empty_answer";
        }
        Outcome outcome = table.hasColumn(STATUS_COLUMN) && row.string(STATUS_COLUMN) != null
            ? Outcome.valueOf(row.string(STATUS_COLUMN).toUpperCase(Locale.ROOT))
            : Outcome.APPLIED;
        byKey.put(key == null ? "#" + index : key, new RowResult(index, key, outcome,
            table.hasColumn(DETAIL_COLUMN) ? row.string(DETAIL_COLUMN) : null,
            table.hasColumn(s.inputColumn()) ? row.string(s.inputColumn()) : null,
            table.hasColumn(s.targetColumn()) ? row.string(s.targetColumn()) : null, answer,
            failure, labelMap(table.hasColumn(LABEL_MAP_COLUMN)
                ? row.string(LABEL_MAP_COLUMN) : null)));
      }
    } catch (IllegalArgumentException e) {
      throw AitException.invalidInput(source.describe() + ": column '" + STATUS_COLUMN
          + "' holds a value that is not one of applied, unchanged, not_applicable, flagged, "
          + "failed (" + e.getMessage() + ")", e);
    }
    List<RowResult> out = new ArrayList<>(original.size());
    boolean byPosition = byKey.keySet().stream().allMatch(k -> k.startsWith("#"));
    for (OriginalRow o : original) {
      RowResult r = byKey.get(byPosition ? "#" + o.index() : o.key());
      out.add(r != null ? new RowResult(o.index(), o.key(), r.outcome(), r.detail(), r.input(),
          r.gold() == null ? o.gold() : r.gold(), r.answer(), r.failure(), r.labelMap())
          : new RowResult(o.index(), o.key(), Outcome.APPLIED, "no row with this key in "
              + source.describe(), null, o.gold(), null, "missing_row", Map.of()));
    }
    return out;
  }

  /** Whether the original rows carry question_id values (not row positions). */
  private static boolean originalKeyed(List<OriginalRow> original) {
    return original.stream().anyMatch(o -> o.hasKey());
  }

  private static Map<String, String> labelMap(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      JsonNode node = JSON.readTree(json);
      Map<String, String> map = new HashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
      return map;
    } catch (IOException e) {
      throw new IllegalArgumentException("label_map cell is not a JSON object: " + json, e);
    }
  }

  /** A label map as a JSON object string ("" when empty). */
  static String labelMapJson(Map<String, String> map) {
    if (map.isEmpty()) {
      return "";
    }
    try {
      return JSON.writeValueAsString(new java.util.TreeMap<>(map));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a label map as JSON", e);
    }
  }
}
