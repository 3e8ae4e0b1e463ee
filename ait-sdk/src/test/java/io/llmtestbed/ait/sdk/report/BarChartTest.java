package io.llmtestbed.ait.sdk.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.stats.ConfidenceIntervals;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarChartTest {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A,
      '\n'};

  @TempDir
  Path dir;

  @Test
  void should_write_png_of_requested_size_when_bars_have_error_bars() throws IOException {
    BarChart chart = BarChart.builder().title("カテゴリ別の正答率（95%信頼区間）")
        .categoryAxisLabel("カテゴリ").valueAxisLabel("正答率").valueRange(0, 1).size(900, 540)
        .bar("数学", "gpt-4o", ConfidenceIntervals.wilson(81, 100, 0.95))
        .bar("作文", "gpt-4o", ConfidenceIntervals.wilson(12, 40, 0.95))
        .bar("推論", "gpt-4o", ConfidenceIntervals.wilson(30, 30, 0.95))
        .build();

    Path png = chart.writePng(dir.resolve("charts/accuracy_by_category.png"));

    assertThat(Files.readAllBytes(png)).startsWith(PNG_SIGNATURE);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(900);
    assertThat(image.getHeight()).isEqualTo(540);
    assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
  }

  @Test
  void should_draw_one_colour_per_series_when_bars_are_grouped() throws IOException {
    BarChart chart = BarChart.builder().title("モデル別の平均スコア").valueAxisLabel("judge_score")
        .bar("writing", "model-a", 7.5).bar("writing", "model-b", 6.0)
        .bar("math", "model-a", 5.0).bar("math", "model-b", 8.5)
        .build();

    Path png = chart.writePng(dir.resolve("grouped.png"));

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(500);
    assertThat(chart.toJFreeChart().getCategoryPlot().getDataset().getRowCount()).isEqualTo(2);
    assertThat(chart.toJFreeChart().getLegend()).isNotNull();
  }

  @Test
  void should_pick_a_font_that_draws_japanese_when_one_is_installed() {
    // On a machine without CJK fonts the SDK falls back to SansSerif and warns (checked here
    // by the invariant: japaneseCapable() is true exactly when the chosen family covers the text).
    java.awt.Font font = ChartFonts.font(java.awt.Font.PLAIN, 12);

    assertThat(font.canDisplayUpTo(ChartFonts.SAMPLE) == -1)
        .isEqualTo(ChartFonts.japaneseCapable());
  }

  @Test
  void should_refuse_empty_chart_and_reversed_interval() {
    assertThatThrownBy(() -> BarChart.builder().build())
        .hasMessage("a bar chart needs at least one bar; add bars with bar(category, series, "
            + "value)");
    assertThatThrownBy(() -> BarChart.builder().bar("a", "s", 0.5, 0.7, 0.3))
        .hasMessage("bar 'a'/'s': lower bound 0.7 exceeds upper bound 0.3");
  }
}
