package io.llmtestbed.ait.sdk.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvWriterTest {

  @TempDir
  Path dir;

  @Test
  void should_quote_fields_as_rfc_4180_requires() {
    assertThat(CsvWriter.field("plain")).isEqualTo("plain");
    assertThat(CsvWriter.field("a,b")).isEqualTo("\"a,b\"");
    assertThat(CsvWriter.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(CsvWriter.field("line1\nline2")).isEqualTo("\"line1\nline2\"");
    assertThat(CsvWriter.field("cr\rhere")).isEqualTo("\"cr\rhere\"");
    assertThat(CsvWriter.field(" padded ")).isEqualTo("\" padded \"");
    assertThat(CsvWriter.field("")).isEmpty();
  }

  @Test
  void should_write_empty_cells_when_values_are_missing() {
    assertThat(CsvWriter.field(null)).isEmpty();
    assertThat(CsvWriter.field(Double.NaN)).isEmpty();
    assertThat(CsvWriter.field(Double.POSITIVE_INFINITY)).isEmpty();
    assertThat(CsvWriter.field(0.8125)).isEqualTo("0.8125");
    assertThat(CsvWriter.field(42L)).isEqualTo("42");
  }

  @Test
  void should_write_utf8_without_bom_with_header_and_crlf() throws IOException {
    Path csv = dir.resolve("out/per_category.csv");

    CsvWriter.write(csv, List.of("カテゴリ", "正答率", "説明"), List.of(
        List.of("数学", 0.75, "「計算」, 文章題"),
        Arrays.asList("作文", null, "改行\nあり")));

    byte[] bytes = Files.readAllBytes(csv);
    assertThat(bytes[0]).isNotEqualTo((byte) 0xEF);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(
        "カテゴリ,正答率,説明\r\n数学,0.75,\"「計算」, 文章題\"\r\n作文,,\"改行\nあり\"\r\n");
  }

  @Test
  void should_name_row_and_widths_when_row_is_short() {
    Path csv = dir.resolve("t.csv");

    try (CsvWriter w = CsvWriter.open(csv, List.of("a", "b"))) {
      w.row("1", "2");
      assertThatThrownBy(() -> w.row("3"))
          .hasMessage("CSV " + csv + " row 2 has 1 cells but the header has 2 columns");
      assertThat(w.rowCount()).isEqualTo(1);
    }
  }

  @Test
  void should_refuse_duplicate_column_names() {
    Path csv = dir.resolve("t.csv");

    assertThatThrownBy(() -> CsvWriter.open(csv, List.of("score", "score")))
        .hasMessage("CSV " + csv + " header repeats a column name: [score, score]; pandas would "
            + "rename the duplicates to 'name.1'. Fix: make names unique");
  }
}
