package io.llmtestbed.ait.sdk.mlflow;

import java.util.List;
import java.util.Map;

/**
 * One row of an {@link EvalTable}. Cells are {@code null} (JSON null), {@link String},
 * {@link Long} (integral JSON numbers), {@link Double}, {@link Boolean} or {@link JsonText}
 * (nested objects and arrays).
 *
 * <p>Accessors take a column name; asking for a column the table does not have is a programming
 * error and throws {@link IllegalArgumentException} naming the column and listing those present
 * (call {@link EvalTable#requireColumns} first to turn that into a user-facing error).
 */
public final class EvalRow {

  private final String source;
  private final long index;
  private final List<String> columns;
  private final Map<String, Integer> positions;
  private final Object[] values;

  EvalRow(String source, long index, List<String> columns, Map<String, Integer> positions,
      Object[] values) {
    this.source = source;
    this.index = index;
    this.columns = columns;
    this.positions = positions;
    this.values = values;
  }

  /** Zero-based position of the row in the table's {@code data} array. */
  public long index() {
    return index;
  }

  /** Column names, in table order. */
  public List<String> columns() {
    return columns;
  }

  /** The raw cell value (see the class comment for the types); null for JSON null. */
  public Object value(String column) {
    return values[position(column)];
  }

  /** True when the cell is JSON null. */
  public boolean isNull(String column) {
    return value(column) == null;
  }

  /**
   * The cell as text: strings as they are, numbers and booleans as their JSON text, nested
   * values as compact JSON text; null for JSON null.
   */
  public String string(String column) {
    Object v = value(column);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    return v.toString();
  }

  /**
   * The cell as a number: JSON numbers as they are, booleans as 1 or 0, strings parsed as
   * decimal numbers (blank strings as null); null for JSON null.
   *
   * @throws EvalTableException if the cell is text that is not a number, or nested JSON
   */
  public Double number(String column) {
    Object v = value(column);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    if (v instanceof String s) {
      if (s.isBlank()) {
        return null;
      }
      try {
        return Double.valueOf(s.trim());
      } catch (NumberFormatException e) {
        throw notANumber(column, "'" + abbreviate(s) + "'");
      }
    }
    throw notANumber(column, "nested JSON " + abbreviate(v.toString()));
  }

  private EvalTableException notANumber(String column, String found) {
    return new EvalTableException("eval table " + source + ": row " + index + " column '"
        + column + "' holds " + found + ", not a number. Fix: choose a numeric column for this "
        + "measure, or clean the column before logging the table");
  }

  private int position(String column) {
    Integer p = positions.get(column);
    if (p == null) {
      throw new IllegalArgumentException("eval table " + source + " has no column '" + column
          + "'; columns present: " + columns);
    }
    return p;
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("EvalRow#").append(index).append('{');
    for (int i = 0; i < columns.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(columns.get(i)).append('=').append(values[i]);
    }
    return sb.append('}').toString();
  }
}
