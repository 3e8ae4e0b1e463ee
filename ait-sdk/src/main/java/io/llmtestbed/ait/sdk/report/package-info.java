/**
 * Resources the Qunomon report renders by file extension: CSV tables
 * ({@link io.llmtestbed.ait.sdk.report.CsvWriter}, read there with pandas {@code read_csv}) and
 * PNG charts ({@link io.llmtestbed.ait.sdk.report.BarChart}, JFreeChart in headless mode, with a
 * Japanese-capable font when one is installed: Debian {@code fonts-ipafont-gothic} or
 * {@code fonts-noto-cjk}; see {@link io.llmtestbed.ait.sdk.report.ChartFonts}).
 *
 * <p>Known limits: vertical bar charts only (marked {@code LIMIT:} in the code).
 */
package io.llmtestbed.ait.sdk.report;
