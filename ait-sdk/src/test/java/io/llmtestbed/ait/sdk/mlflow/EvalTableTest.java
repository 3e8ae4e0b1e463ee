package io.llmtestbed.ait.sdk.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalTableTest {

  @TempDir
  Path dir;

  static EvalTable table(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return EvalTable.open("test.json", () -> new ByteArrayInputStream(bytes));
  }

  @Test
  void should_read_columns_and_rows_when_layout_is_split() {
    String json = "{\"columns\":[\"question_id\",\"category\",\"inputs\",\"ground_truth\","
        + "\"outputs\",\"judge_score\"],\"data\":[[\"q1\",\"math\",\"1+1?\",\"2\",\"2\",9.5],"
        + "[\"q2\",\"writing\",\"Write.\",null,\"Text\",7]]}";

    try (EvalTable t = table(json)) {
      List<EvalRow> rows = t.rows().toList();

      assertThat(t.columns()).containsExactly("question_id", "category", "inputs",
          "ground_truth", "outputs", "judge_score");
      assertThat(rows).hasSize(2);
      assertThat(rows.get(0).string("question_id")).isEqualTo("q1");
      assertThat(rows.get(0).number("judge_score")).isEqualTo(9.5);
      assertThat(rows.get(1).number("judge_score")).isEqualTo(7.0);
      assertThat(rows.get(1).string("ground_truth")).isNull();
      assertThat(rows.get(1).isNull("ground_truth")).isTrue();
      assertThat(rows.get(1).index()).isEqualTo(1);
    }
  }

  @Test
  void should_keep_japanese_text_when_cells_are_japanese() {
    String json = "{\"columns\":[\"inputs\",\"outputs\"],\"data\":[[\"日本の首都はどこですか？\","
        + "\"東京です。\\n改行も「引用」も\"]]}";

    try (EvalTable t = table(json)) {
      EvalRow row = t.iterator().next();

      assertThat(row.string("inputs")).isEqualTo("日本の首都はどこですか？");
      assertThat(row.string("outputs")).isEqualTo("東京です。\n改行も「引用」も");
    }
  }

  @Test
  void should_return_nested_values_as_json_text() {
    String json = "{\"columns\":[\"annotations\",\"n\"],\"data\":[[[{\"text\":\"a\",\"is-supported"
        + "\":true}],{\"k\":[1,2]}],[null,null]]}";

    try (EvalTable t = table(json)) {
      List<EvalRow> rows = t.rows().toList();

      assertThat(rows.get(0).string("annotations")).isEqualTo("[{\"text\":\"a\",\"is-supported\""
          + ":true}]");
      assertThat(rows.get(0).value("n")).isEqualTo(new JsonText("{\"k\":[1,2]}"));
      assertThat(rows.get(1).string("annotations")).isNull();
    }
  }

  @Test
  void should_read_numbers_booleans_and_numeric_text() {
    String json = "{\"columns\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"data\":[[3,true,\" 0.25 \",\"\","
        + "NaN]]}";

    try (EvalTable t = table(json)) {
      EvalRow row = t.iterator().next();

      assertThat(row.value("a")).isEqualTo(3L);
      assertThat(row.number("b")).isEqualTo(1.0);
      assertThat(row.number("c")).isEqualTo(0.25);
      assertThat(row.number("d")).isNull();
      assertThat(row.number("e")).isNaN();
      assertThat(row.string("a")).isEqualTo("3");
    }
  }

  @Test
  void should_name_row_and_column_when_text_is_not_a_number() {
    try (EvalTable t = table("{\"columns\":[\"judge_score\"],\"data\":[[\"[[8]]\"]]}")) {
      EvalRow row = t.iterator().next();

      assertThatThrownBy(() -> row.number("judge_score"))
          .isInstanceOf(EvalTableException.class)
          .hasMessage("eval table test.json: row 0 column 'judge_score' holds '[[8]]', not a "
              + "number. Fix: choose a numeric column for this measure, or clean the column "
              + "before logging the table");
    }
  }

  @Test
  void should_read_rows_when_columns_come_after_data_and_index_is_present() {
    String json = "{\"index\":[0,1],\"data\":[[\"x\",1],[\"y\",2]],\"columns\":[\"id\",\"v\"]}";
    AtomicInteger opens = new AtomicInteger();
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    try (EvalTable t = EvalTable.open("late.json", () -> {
      opens.incrementAndGet();
      return new ByteArrayInputStream(bytes);
    })) {
      assertThat(t.columns()).containsExactly("id", "v");
      assertThat(t.rows().map(r -> r.string("id") + r.number("v")).toList())
          .containsExactly("x1.0", "y2.0");
      assertThat(opens).hasValue(2);
    }
  }

  @Test
  void should_skip_index_and_unknown_keys_when_columns_come_first() {
    String json = "{\"columns\":[\"id\"],\"index\":[5],\"schema\":{\"x\":1},\"data\":[[\"a\"]]}";

    try (EvalTable t = table(json)) {
      assertThat(t.rows().map(r -> r.string("id")).toList()).containsExactly("a");
    }
  }

  @Test
  void should_give_no_rows_when_table_is_empty() {
    try (EvalTable t = table("{\"columns\":[\"inputs\",\"outputs\"],\"data\":[]}")) {
      assertThat(t.columns()).containsExactly("inputs", "outputs");
      assertThat(t.rows()).isEmpty();
    }
    try (EvalTable t = table("{\"columns\":[\"inputs\"]}")) {
      assertThat(t.rows()).isEmpty();
    }
  }

  @Test
  void should_name_missing_columns_present_columns_and_parameter_when_required() {
    Map<String, String> required = new LinkedHashMap<>();
    required.put("outputs", "prediction_column");
    required.put("ground_truth", "reference_column");
    required.put("inputs", null);

    try (EvalTable t = table("{\"columns\":[\"inputs\",\"answer\",\"reference\"],\"data\":[]}")) {
      assertThatThrownBy(() -> t.requireColumns(required))
          .isInstanceOf(EvalTableException.class)
          .hasMessage("eval table test.json lacks required column(s) [outputs, ground_truth]; "
              + "columns present: [inputs, answer, reference]. Fix: set parameter "
              + "'prediction_column' to one of the present columns instead of 'outputs'; set "
              + "parameter 'reference_column' to one of the present columns instead of "
              + "'ground_truth'; or log the table with these columns (mlflow.evaluate with "
              + "predictions= and targets= set)");
      assertThat(t.requireColumns("inputs", "answer")).isSameAs(t);
    }
  }

  @Test
  void should_report_line_and_column_when_json_is_malformed() {
    String json = "{\"columns\":[\"a\",\"b\"],\n\"data\":[[1,2],\n[3 4]]}";

    try (EvalTable t = table(json)) {
      assertThatThrownBy(() -> t.rows().toList())
          .isInstanceOf(EvalTableException.class)
          .hasMessageStartingWith("eval table test.json is not valid JSON at line 3, column 4: "
              + "Unexpected character ('4' (code 52)): was expecting comma to separate Array "
              + "entries")
          .hasMessageEndingWith("Fix: re-download or re-log the artifact; a truncated upload "
              + "ends like this");
    }
  }

  @Test
  void should_report_truncated_file_when_stream_ends_early() {
    try (EvalTable t = table("{\"columns\":[\"a\"],\"data\":[[1],[2")) {
      assertThatThrownBy(() -> t.rows().toList())
          .hasMessageStartingWith("eval table test.json is not valid JSON at line 1, column 32: "
              + "Unexpected end-of-input: expected close marker for Array (start marker at "
              + "[line: 1, column: 30]).");
    }
  }

  @Test
  void should_suggest_split_layout_when_table_is_records_layout() {
    assertThatThrownBy(() -> table("[{\"inputs\":\"x\"}]"))
        .isInstanceOf(EvalTableException.class)
        .hasMessage("eval table test.json: the table must be a JSON object {\"columns\": [...], "
            + "\"data\": [[...]]} (pandas orient=\"split\"), but found START_ARRAY at line 1, "
            + "column 1");
    assertThatThrownBy(() -> table("{\"inputs\":[\"x\"]}"))
        .hasMessage("eval table test.json has no \"columns\" key; it is not in pandas split "
            + "layout. Fix: log it with mlflow.evaluate or DataFrame.to_json(orient=\"split\")");
  }

  @Test
  void should_name_the_row_when_its_width_differs() {
    try (EvalTable t = table("{\"columns\":[\"a\",\"b\"],\"data\":[[1,2],[3]]}")) {
      assertThatThrownBy(() -> t.rows().toList())
          .hasMessageStartingWith("eval table test.json: row 1 has 1 values but the table has 2 "
              + "columns [a, b]");
    }
  }

  @Test
  void should_list_columns_when_row_is_asked_for_unknown_column() {
    try (EvalTable t = table("{\"columns\":[\"a\"],\"data\":[[1]]}")) {
      EvalRow row = t.iterator().next();

      assertThatThrownBy(() -> row.string("outputs"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("eval table test.json has no column 'outputs'; columns present: [a]");
    }
  }

  @Test
  void should_refuse_second_pass() {
    try (EvalTable t = table("{\"columns\":[\"a\"],\"data\":[[1]]}")) {
      t.rows().toList();

      assertThatThrownBy(t::iterator)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("single-pass");
    }
  }

  @Test
  void should_read_file_and_name_it_when_file_is_missing() throws IOException {
    Path file = dir.resolve("eval_results_table.json");
    Files.writeString(file, "{\"columns\":[\"x\"],\"data\":[[\"y\"]]}");

    try (EvalTable t = EvalTable.open(file)) {
      assertThat(t.rows().map(r -> r.string("x")).toList()).containsExactly("y");
    }
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> EvalTable.open(missing))
        .hasMessage("eval table " + missing + " does not exist or is not a file. Fix: point the "
            + "inventory at the eval_results_table.json logged by mlflow.evaluate");
  }
}
