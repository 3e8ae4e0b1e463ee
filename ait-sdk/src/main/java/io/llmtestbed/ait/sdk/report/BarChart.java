package io.llmtestbed.ait.sdk.report;

import io.llmtestbed.ait.sdk.stats.Estimate;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A vertical bar chart rendered to PNG with JFreeChart in headless mode: one bar per category
 * (and per series, grouped side by side when there are several series), with optional error bars
 * from confidence intervals. Labels may be Japanese; see {@link ChartFonts}.
 *
 * <pre>{@code
 * BarChart.builder().title("カテゴリ別の正答率").categoryAxisLabel("カテゴリ")
 *     .valueAxisLabel("正答率").valueRange(0, 1)
 *     .bar("数学", "gpt-4o", wilsonEstimate)
 *     .build().writePng(dir.resolve("accuracy_by_category.png"));
 * }</pre>
 */
public final class BarChart {

  static {
    // Must be set before the first AWT class loads; containers have no display.
    System.setProperty("java.awt.headless", "true");
  }

  // Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
  private static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xE69F00),
      new Color(0x009E73), new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xD55E00),
      new Color(0xF0E442), new Color(0x999999)};

  /** One bar: a value with optional interval bounds. */
  public record Bar(String category, String series, double value, Double lower, Double upper) {
  }

  private final String title;
  private final String categoryAxisLabel;
  private final String valueAxisLabel;
  private final List<Bar> bars;
  private final Double minValue;
  private final Double maxValue;
  private final int width;
  private final int height;
  private final boolean valueLabels;

  // LIMIT: vertical bar charts only; no line, box or scatter plots yet.
  private BarChart(Builder b) {
    this.title = b.title;
    this.categoryAxisLabel = b.categoryAxisLabel;
    this.valueAxisLabel = b.valueAxisLabel;
    this.bars = List.copyOf(b.bars);
    this.minValue = b.minValue;
    this.maxValue = b.maxValue;
    this.width = b.width;
    this.height = b.height;
    this.valueLabels = b.valueLabels;
  }

  /** A new builder; defaults: 800 x 500 pixels, value labels on, automatic value range. */
  public static Builder builder() {
    return new Builder();
  }

  /** Width in pixels. */
  public int width() {
    return width;
  }

  /** Height in pixels. */
  public int height() {
    return height;
  }

  /** Renders the chart to a PNG file (parent directories are created). */
  public Path writePng(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        ChartUtils.writeChartAsPNG(out, toJFreeChart(), width, height);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + file + ": " + e.getMessage(), e);
    }
  }

  /** The JFreeChart object, for callers that want to adjust it further. */
  public JFreeChart toJFreeChart() {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    Map<List<String>, double[]> intervals = new HashMap<>();
    boolean anyInterval = false;
    for (Bar bar : bars) {
      dataset.addValue(bar.value(), bar.series(), bar.category());
      if (bar.lower() != null && bar.upper() != null && Double.isFinite(bar.lower())
          && Double.isFinite(bar.upper())) {
        intervals.put(List.of(bar.series(), bar.category()),
            new double[] {bar.lower(), bar.upper()});
        anyInterval = true;
      }
    }
    CategoryAxis categoryAxis = new CategoryAxis(categoryAxisLabel);
    if (dataset.getColumnCount() > 6) {
      categoryAxis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    categoryAxis.setMaximumCategoryLabelLines(2);
    NumberAxis valueAxis = new NumberAxis(valueAxisLabel);
    if (minValue != null && maxValue != null) {
      valueAxis.setRange(minValue, maxValue);
    }
    ErrorBarRenderer renderer = new ErrorBarRenderer(intervals);
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    renderer.setMaximumBarWidth(0.12);
    if (valueLabels) {
      renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
          new DecimalFormat("0.000")));
      renderer.setDefaultItemLabelsVisible(true);
      // Inside the bar near its base, so labels never collide with the error bars.
      renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(
          ItemLabelAnchor.INSIDE6, TextAnchor.BOTTOM_CENTER));
    }
    CategoryPlot plot = new CategoryPlot(dataset, categoryAxis, valueAxis, renderer);
    for (int i = 0; i < dataset.getRowCount(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    plot.setOrientation(PlotOrientation.VERTICAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xCCCCCC));
    plot.setRangeGridlinesVisible(true);
    boolean legend = dataset.getRowCount() > 1;
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, legend);
    chart.setBackgroundPaint(Color.WHITE);
    theme().apply(chart);
    // The theme resets series paints; apply the palette again after it.
    for (int i = 0; i < dataset.getRowCount(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    if (legend) {
      chart.getLegend().setPosition(RectangleEdge.BOTTOM);
    }
    if (anyInterval && minValue == null) {
      valueAxis.setAutoRangeIncludesZero(true);
    }
    return chart;
  }

  private static StandardChartTheme theme() {
    StandardChartTheme theme = new StandardChartTheme("ait-sdk");
    theme.setExtraLargeFont(ChartFonts.font(Font.BOLD, 18));
    theme.setLargeFont(ChartFonts.font(Font.BOLD, 14));
    theme.setRegularFont(ChartFonts.font(Font.PLAIN, 12));
    theme.setSmallFont(ChartFonts.font(Font.PLAIN, 10));
    theme.setChartBackgroundPaint(Color.WHITE);
    theme.setPlotBackgroundPaint(Color.WHITE);
    theme.setBarPainter(new StandardBarPainter());
    theme.setShadowVisible(false);
    return theme;
  }

  /** Draws each bar, then a whisker from its lower to its upper bound when one is known. */
  private static final class ErrorBarRenderer extends BarRenderer {
    private static final long serialVersionUID = 1L;
    private final transient Map<List<String>, double[]> intervals;

    ErrorBarRenderer(Map<List<String>, double[]> intervals) {
      this.intervals = intervals;
    }

    @Override
    public void drawItem(Graphics2D g2, CategoryItemRendererState state, Rectangle2D dataArea,
        CategoryPlot plot, CategoryAxis domainAxis, ValueAxis rangeAxis, CategoryDataset dataset,
        int row, int column, int pass) {
      super.drawItem(g2, state, dataArea, plot, domainAxis, rangeAxis, dataset, row, column,
          pass);
      double[] bounds = intervals.get(List.of(dataset.getRowKey(row).toString(),
          dataset.getColumnKey(column).toString()));
      if (bounds == null || pass != getPassCount() - 1) {
        return;
      }
      double x = calculateBarW0(plot, plot.getOrientation(), dataArea, domainAxis, state, row,
          column) + state.getBarWidth() / 2.0;
      RectangleEdge edge = plot.getRangeAxisEdge();
      double yLow = rangeAxis.valueToJava2D(bounds[0], dataArea, edge);
      double yHigh = rangeAxis.valueToJava2D(bounds[1], dataArea, edge);
      double cap = Math.max(3.0, state.getBarWidth() / 4.0);
      g2.setPaint(Color.BLACK);
      g2.setStroke(new BasicStroke(1.5f));
      g2.draw(new Line2D.Double(x, yLow, x, yHigh));
      g2.draw(new Line2D.Double(x - cap, yLow, x + cap, yLow));
      g2.draw(new Line2D.Double(x - cap, yHigh, x + cap, yHigh));
    }
  }

  /** Builder of a {@link BarChart}. */
  public static final class Builder {
    private String title = "";
    private String categoryAxisLabel = "";
    private String valueAxisLabel = "";
    private final List<Bar> bars = new ArrayList<>();
    private Double minValue;
    private Double maxValue;
    private int width = 800;
    private int height = 500;
    private boolean valueLabels = true;

    private Builder() {
    }

    /** Chart title (may be Japanese). */
    public Builder title(String title) {
      this.title = title;
      return this;
    }

    /** Label under the category axis. */
    public Builder categoryAxisLabel(String label) {
      this.categoryAxisLabel = label;
      return this;
    }

    /** Label of the value axis. */
    public Builder valueAxisLabel(String label) {
      this.valueAxisLabel = label;
      return this;
    }

    /** A bar without an error bar. */
    public Builder bar(String category, String series, double value) {
      return add(new Bar(category, series, value, null, null));
    }

    /** A bar with an error bar from {@code lower} to {@code upper}. */
    public Builder bar(String category, String series, double value, double lower,
        double upper) {
      if (lower > upper) {
        throw new IllegalArgumentException("bar '" + category + "'/'" + series + "': lower bound "
            + lower + " exceeds upper bound " + upper);
      }
      return add(new Bar(category, series, value, lower, upper));
    }

    /** A bar for an estimate: its value with its confidence interval as the error bar. */
    public Builder bar(String category, String series, Estimate estimate) {
      return add(new Bar(category, series, estimate.value(), estimate.lower(),
          estimate.upper()));
    }

    private Builder add(Bar bar) {
      if (bar.category() == null || bar.series() == null) {
        throw new IllegalArgumentException("bar category and series must not be null");
      }
      bars.add(bar);
      return this;
    }

    /** Fixes the value axis range, e.g. {@code (0, 1)} for proportions. */
    public Builder valueRange(double min, double max) {
      if (!(min < max)) {
        throw new IllegalArgumentException("value range needs min < max, got " + min + ", "
            + max);
      }
      this.minValue = min;
      this.maxValue = max;
      return this;
    }

    /** Image size in pixels (each 100 to 4000). */
    public Builder size(int width, int height) {
      if (width < 100 || height < 100 || width > 4000 || height > 4000) {
        throw new IllegalArgumentException("chart size must be 100..4000 pixels each, got "
            + width + "x" + height);
      }
      this.width = width;
      this.height = height;
      return this;
    }

    /** Whether each bar shows its value (default true). */
    public Builder valueLabels(boolean on) {
      this.valueLabels = on;
      return this;
    }

    /**
     * Builds the chart.
     *
     * @throws IllegalArgumentException when no bar was added
     */
    public BarChart build() {
      if (bars.isEmpty()) {
        throw new IllegalArgumentException("a bar chart needs at least one bar; add bars with "
            + "bar(category, series, value)");
      }
      return new BarChart(this);
    }
  }
}
