package io.llmtestbed.ait.sdk.mlflow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A streaming reader of {@code eval_results_table.json}, the table {@code mlflow.evaluate} logs
 * with {@code DataFrame.to_json(orient="split")}: {@code {"columns": [...], "data": [[...]]}}.
 *
 * <p>Rows are parsed one at a time from the stream, so memory does not grow with the number of
 * rows. An {@code "index"} key and unknown keys are skipped; when {@code "data"} comes before
 * {@code "columns"} the artifact is opened a second time (the first pass only skims the data).
 * {@code NaN} and {@code Infinity} literals, which Python's json module writes, are accepted.
 *
 * <p>The table is single-pass: {@link #rows()} or {@link #iterator()} may be called once.
 * Close it (try-with-resources) to release the underlying stream.
 */
public final class EvalTable implements Iterable<EvalRow>, AutoCloseable {

  /** The artifact name {@code mlflow.evaluate} gives the table. */
  public static final String DEFAULT_ARTIFACT = "eval_results_table.json";

  static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private final String source;
  private final List<String> columns;
  private final Map<String, Integer> positions;
  private final InputStream stream;
  private final JsonParser parser;
  private final boolean hasData;
  private boolean consumed;

  private EvalTable(String source, List<String> columns, InputStream stream, JsonParser parser,
      boolean hasData) {
    this.source = source;
    this.columns = List.copyOf(columns);
    Map<String, Integer> map = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      map.putIfAbsent(columns.get(i), i);
    }
    this.positions = map;
    this.stream = stream;
    this.parser = parser;
    this.hasData = hasData;
  }

  /** Opens a table file on disk. */
  public static EvalTable open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new EvalTableException("eval table " + file + " does not exist or is not a file. "
          + "Fix: point the inventory at the eval_results_table.json logged by mlflow.evaluate");
    }
    return open(file.toString(), () -> Files.newInputStream(file));
  }

  /**
   * Opens a table from a stream source.
   *
   * @param source how to name the table in messages, e.g. {@code run 4f2c…:eval_results_table.json}
   * @param opener opens the artifact; called once, or twice when data precedes columns
   * @throws EvalTableException if the content is not a split-layout table (message has location)
   */
  public static EvalTable open(String source, ArtifactOpener opener) {
    InputStream in = openStream(source, opener);
    // LIMIT: only pandas orient="split" is read (what mlflow.log_table writes); "records",
    // "columns" and parquet tables are rejected with a message naming the split layout.
    try {
      JsonParser p = JSON.createParser(in);
      List<String> columns = null;
      boolean dataSkipped = false;
      expect(p, p.nextToken(), JsonToken.START_OBJECT, source, "the table must be a JSON object "
          + "{\"columns\": [...], \"data\": [[...]]} (pandas orient=\"split\")");
      while (true) {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_OBJECT || t == null) {
          break;
        }
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if ("columns".equals(key)) {
          columns = readColumns(p, value, source);
          if (dataSkipped) {
            break;
          }
        } else if ("data".equals(key) && columns != null) {
          expect(p, value, JsonToken.START_ARRAY, source, "\"data\" must be an array of rows");
          return new EvalTable(source, columns, in, p, true);
        } else if ("data".equals(key)) {
          expect(p, value, JsonToken.START_ARRAY, source, "\"data\" must be an array of rows");
          p.skipChildren();
          dataSkipped = true;
        } else {
          p.skipChildren();
        }
      }
      if (columns == null) {
        p.close();
        in.close();
        throw new EvalTableException("eval table " + source + " has no \"columns\" key; it is not "
            + "in pandas split layout. Fix: log it with mlflow.evaluate or "
            + "DataFrame.to_json(orient=\"split\")");
      }
      p.close();
      in.close();
      return dataSkipped ? reopenAtData(source, opener, columns)
          : new EvalTable(source, columns, null, null, false);
    } catch (JsonProcessingException e) {
      close(in);
      throw malformed(source, e);
    } catch (IOException e) {
      close(in);
      throw new EvalTableException("eval table " + source + " could not be read: " + e, e);
    }
  }

  private static EvalTable reopenAtData(String source, ArtifactOpener opener,
      List<String> columns) throws IOException {
    InputStream in = openStream(source, opener);
    JsonParser p = JSON.createParser(in);
    p.nextToken();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      if ("data".equals(key)) {
        return new EvalTable(source, columns, in, p, true);
      }
      p.skipChildren();
    }
    p.close();
    in.close();
    throw new EvalTableException("eval table " + source + " changed between two reads (\"data\" "
        + "vanished). Fix: do not modify the artifact while the AIT reads it");
  }

  private static InputStream openStream(String source, ArtifactOpener opener) {
    try {
      return opener.open();
    } catch (IOException e) {
      throw new EvalTableException("eval table " + source + " could not be opened: " + e, e);
    }
  }

  private static List<String> readColumns(JsonParser p, JsonToken value, String source)
      throws IOException {
    expect(p, value, JsonToken.START_ARRAY, source, "\"columns\" must be an array of names");
    List<String> names = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
        throw new EvalTableException("eval table " + source + ": column name #" + names.size()
            + " is " + t + " at " + where(p.currentTokenLocation()) + "; names must be strings");
      }
      names.add(p.getText());
    }
    return names;
  }

  private static void expect(JsonParser p, JsonToken found, JsonToken wanted, String source,
      String rule) {
    if (found != wanted) {
      throw new EvalTableException("eval table " + source + ": " + rule + ", but found " + found
          + " at " + where(p.currentTokenLocation()));
    }
  }

  /** Column names in table order. */
  public List<String> columns() {
    return columns;
  }

  /** Where the table came from, as used in messages. */
  public String source() {
    return source;
  }

  /** True when the table has a column of that name. */
  public boolean hasColumn(String name) {
    return positions.containsKey(name);
  }

  /**
   * Checks that every named column exists.
   *
   * @return this table, for chaining
   * @throws EvalTableException naming the missing columns and listing those present
   */
  public EvalTable requireColumns(String... names) {
    Map<String, String> noHints = new LinkedHashMap<>();
    for (String n : names) {
      noHints.put(n, null);
    }
    return requireColumns(noHints);
  }

  /**
   * Checks that every column exists; for a missing column the message names the AIT parameter
   * that selects it, so the user knows which setting to change.
   *
   * @param columnToParameter required column name mapped to the parameter that chose it (the
   *     value may be null when no parameter selects the column)
   */
  public EvalTable requireColumns(Map<String, String> columnToParameter) {
    List<String> missing = new ArrayList<>();
    List<String> fixes = new ArrayList<>();
    for (Map.Entry<String, String> e : columnToParameter.entrySet()) {
      if (!hasColumn(e.getKey())) {
        missing.add(e.getKey());
        if (e.getValue() != null) {
          fixes.add("set parameter '" + e.getValue() + "' to one of the present columns instead "
              + "of '" + e.getKey() + "'");
        }
      }
    }
    if (missing.isEmpty()) {
      return this;
    }
    fixes.add("or log the table with these columns (mlflow.evaluate with predictions= and "
        + "targets= set)");
    throw new EvalTableException("eval table " + source + " lacks required column(s) " + missing
        + "; columns present: " + columns + ". Fix: " + String.join("; ", fixes));
  }

  /** Rows as a sequential, single-use stream; closing the stream closes the table. */
  public Stream<EvalRow> rows() {
    Spliterator<EvalRow> split = Spliterators.spliteratorUnknownSize(iterator(),
        Spliterator.ORDERED | Spliterator.NONNULL);
    return StreamSupport.stream(split, false).onClose(this::close);
  }

  /**
   * Rows in table order; single use.
   *
   * @throws IllegalStateException on a second call
   */
  @Override
  public Iterator<EvalRow> iterator() {
    if (consumed) {
      throw new IllegalStateException("eval table " + source + " rows were already read; "
          + "EvalTable is single-pass, open the table again to re-read it");
    }
    consumed = true;
    return new RowIterator();
  }

  @Override
  public void close() {
    try {
      if (parser != null) {
        parser.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      close(stream);
    }
  }

  private final class RowIterator implements Iterator<EvalRow> {
    private EvalRow next;
    private boolean done = !hasData;
    private long index;

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        next = readRow();
      }
      return next != null;
    }

    @Override
    public EvalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException("no more rows in eval table " + source);
      }
      EvalRow row = next;
      next = null;
      return row;
    }

    private EvalRow readRow() {
      try {
        JsonToken t = parser.nextToken();
        if (t == JsonToken.END_ARRAY) {
          done = true;
          return null;
        }
        expect(parser, t, JsonToken.START_ARRAY, source, "row " + index + " of \"data\" must be "
            + "an array of cell values");
        Object[] values = new Object[columns.size()];
        int count = 0;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
          Object v = cell(t);
          if (count < values.length) {
            values[count] = v;
          }
          count++;
        }
        if (count != values.length) {
          throw new EvalTableException("eval table " + source + ": row " + index + " has " + count
              + " values but the table has " + values.length + " columns " + columns + " (near "
              + where(parser.currentLocation()) + "). Fix: re-export the table from pandas with "
              + "orient=\"split\"");
        }
        return new EvalRow(source, index++, columns, positions, values);
      } catch (JsonProcessingException e) {
        throw malformed(source, e);
      } catch (IOException e) {
        throw new EvalTableException("eval table " + source + " could not be read at row " + index
            + ": " + e, e);
      }
    }

    private Object cell(JsonToken t) throws IOException {
      switch (t) {
        case VALUE_NULL:
          return null;
        case VALUE_STRING:
          return parser.getText();
        case VALUE_NUMBER_INT:
          if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return Double.valueOf(parser.getDoubleValue());
          }
          return Long.valueOf(parser.getLongValue());
        case VALUE_NUMBER_FLOAT:
          return parser.getDoubleValue();
        case VALUE_TRUE:
          return Boolean.TRUE;
        case VALUE_FALSE:
          return Boolean.FALSE;
        case START_OBJECT:
        case START_ARRAY:
          StringWriter w = new StringWriter();
          try (JsonGenerator g = JSON.createGenerator(w)) {
            g.copyCurrentStructure(parser);
          }
          return new JsonText(w.toString());
        default:
          throw new EvalTableException("eval table " + source + ": unexpected " + t + " in row "
              + index + " at " + where(parser.currentLocation()));
      }
    }
  }

  private static EvalTableException malformed(String source, JsonProcessingException e) {
    return new EvalTableException("eval table " + source + " is not valid JSON at "
        + where(e.getLocation()) + ": " + cleanMessage(e) + ". Fix: re-download or "
        + "re-log the artifact; a truncated upload ends like this", e);
  }

  private static String cleanMessage(JsonProcessingException e) {
    // The original message has no location part (Jackson's "Source: REDACTED ..."); the table
    // name and the line and column are already in our message.
    return io.llmtestbed.ait.sdk.manifest.JsonFormat.withoutSourceNote(e.getOriginalMessage());
  }

  static String where(JsonLocation location) {
    if (location == null) {
      return "an unknown position";
    }
    return "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static void close(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // Closing after a failure: the first error is the one worth reporting.
      }
    }
  }

  /** Convenience for callers that already hold the column names as a collection. */
  public EvalTable requireColumns(Collection<String> names) {
    return requireColumns(names.toArray(String[]::new));
  }
}
