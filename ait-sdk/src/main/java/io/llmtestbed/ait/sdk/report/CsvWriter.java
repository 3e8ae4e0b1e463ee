package io.llmtestbed.ait.sdk.report;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a CSV table as RFC 4180 describes it and as the Qunomon report reads it
 * ({@code pandas.read_csv} with a comma separator): UTF-8 without a byte-order mark (pandas
 * would keep the mark in the first column name), a header row, CRLF line ends, and a field
 * quoted when it holds a comma, a double quote, CR, LF, or leading or trailing spaces, with
 * quotes doubled inside.
 *
 * <p>Cells: null and non-finite numbers are written empty (pandas reads them as NaN); numbers
 * as {@link Object#toString()}; anything else as its text.
 */
public final class CsvWriter implements Closeable {

  private static final String EOL = "\r\n";

  private final Path file;
  private final Writer out;
  private final int width;
  private long rows;

  private CsvWriter(Path file, Writer out, List<String> header) {
    this.file = file;
    this.out = out;
    this.width = header.size();
  }

  /**
   * Creates (or replaces) {@code file} and writes the header row.
   *
   * @throws IllegalArgumentException if the header is empty or repeats a name
   */
  public static CsvWriter open(Path file, List<String> header) {
    if (header == null || header.isEmpty()) {
      throw new IllegalArgumentException("CSV " + file + " needs at least one column name");
    }
    if (header.stream().distinct().count() != header.size()) {
      throw new IllegalArgumentException("CSV " + file + " header repeats a column name: "
          + header + "; pandas would rename the duplicates to 'name.1'. Fix: make names unique");
    }
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
      CsvWriter csv = new CsvWriter(file, w, header);
      csv.writeLine(header);
      return csv;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create CSV " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes a whole table: header then rows. */
  public static void write(Path file, List<String> header, Iterable<? extends List<?>> rows) {
    try (CsvWriter csv = open(file, header)) {
      for (List<?> row : rows) {
        csv.row(row);
      }
    }
  }

  /**
   * Writes one row.
   *
   * @throws IllegalArgumentException if the row's width differs from the header's
   */
  public CsvWriter row(List<?> cells) {
    if (cells.size() != width) {
      throw new IllegalArgumentException("CSV " + file + " row " + (rows + 1) + " has "
          + cells.size() + " cells but the header has " + width + " columns");
    }
    writeLine(cells);
    rows++;
    return this;
  }

  /** Writes one row given as varargs. */
  public CsvWriter row(Object... cells) {
    return row(Arrays.asList(cells));
  }

  /** Number of data rows written so far (header excluded). */
  public long rowCount() {
    return rows;
  }

  private void writeLine(List<?> cells) {
    try {
      for (int i = 0; i < cells.size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        out.write(field(cells.get(i)));
      }
      out.write(EOL);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write CSV " + file + ": " + e.getMessage(), e);
    }
  }

  /** The CSV text of one cell, quoted when needed. */
  public static String field(Object cell) {
    if (cell == null) {
      return "";
    }
    if (cell instanceof Double d && !Double.isFinite(d)
        || cell instanceof Float f && !Float.isFinite(f)) {
      return "";
    }
    String s = cell.toString();
    boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0 || !s.isEmpty() && (Character.isWhitespace(s.charAt(0))
        || Character.isWhitespace(s.charAt(s.length() - 1)));
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish CSV " + file + ": " + e.getMessage(), e);
    }
  }
}
