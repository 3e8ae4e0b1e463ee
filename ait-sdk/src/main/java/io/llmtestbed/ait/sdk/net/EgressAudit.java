package io.llmtestbed.ait.sdk.net;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The record of outbound calls: one {@link Entry} per HTTP exchange (each redirect hop is one),
 * plus one per call the {@link EgressPolicy} refused. {@link GuardedHttp} records its calls here;
 * code that calls out through another client records them itself. The AIT runtime writes
 * {@link #global()} to the {@code egress_audit.jsonl} download and its {@link #summary()} into
 * the provenance. Thread-safe.
 */
public final class EgressAudit {

  /** Status of an entry whose call got no HTTP response (connection error, timeout). */
  public static final int NO_RESPONSE = -1;

  /** Status of an entry whose call the policy refused (nothing was sent). */
  public static final int DENIED = 0;

  /** Suggested file name of the download that {@link #writeJsonl} writes. */
  public static final String FILE_NAME = "egress_audit.jsonl";

  private static final EgressAudit GLOBAL = new EgressAudit();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  // LIMIT: entries are kept in memory until written (about 100 bytes each); a run with millions
  // of calls would need a streaming sink.
  private final List<Entry> entries = new ArrayList<>();

  /**
   * One outbound call.
   *
   * @param time when the call started
   * @param host destination host (lower case, as in the URI)
   * @param purpose what it was for, e.g. {@code safe.rate}
   * @param bytesSent request body bytes sent (0 for a denied call, -1 when not known)
   * @param bytesReceived response body bytes received (-1 when not known)
   * @param status HTTP status, {@link #NO_RESPONSE} or {@link #DENIED}
   */
  public record Entry(Instant time, String host, String purpose, long bytesSent,
      long bytesReceived, int status) {

    public Entry {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(purpose, "purpose");
    }
  }

  /** Calls, bytes and failures of one host or purpose. */
  public record Counts(long calls, long denied, long failed, long bytesSent, long bytesReceived) {

    Counts add(Entry e) {
      return new Counts(calls + 1, denied + (e.status() == DENIED ? 1 : 0),
          failed + (e.status() == NO_RESPONSE || e.status() >= 400 ? 1 : 0),
          bytesSent + Math.max(0, e.bytesSent()), bytesReceived + Math.max(0, e.bytesReceived()));
    }

    /** As a JSON-friendly map (for provenance). */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("calls", calls);
      m.put("denied", denied);
      m.put("failed", failed);
      m.put("bytes_sent", bytesSent);
      m.put("bytes_received", bytesReceived);
      return m;
    }
  }

  /** Totals over all entries, and per host and per purpose (sorted by name). */
  public record Summary(Counts total, Map<String, Counts> byHost, Map<String, Counts> byPurpose) {

    /** As a JSON-friendly map: {@code {total: {...}, by_host: {...}, by_purpose: {...}}}. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("total", total.toMap());
      Map<String, Object> h = new LinkedHashMap<>();
      byHost.forEach((k, v) -> h.put(k, v.toMap()));
      m.put("by_host", h);
      Map<String, Object> p = new LinkedHashMap<>();
      byPurpose.forEach((k, v) -> p.put(k, v.toMap()));
      m.put("by_purpose", p);
      return m;
    }
  }

  /** A new, empty audit (tests; production code uses {@link #global()}). */
  public EgressAudit() {
  }

  /** The process-wide audit that {@link GuardedHttp#create()} records into. */
  public static EgressAudit global() {
    return GLOBAL;
  }

  /** Records one call. */
  public void record(Instant time, String host, String purpose, long bytesSent,
      long bytesReceived, int status) {
    record(new Entry(time, host, purpose, bytesSent, bytesReceived, status));
  }

  /** Records one entry. */
  public void record(Entry entry) {
    Objects.requireNonNull(entry, "entry");
    synchronized (entries) {
      entries.add(entry);
    }
  }

  /** Records a call the policy refused: status {@link #DENIED}, nothing sent or received. */
  public void recordDenied(Instant time, EgressDeniedException denied) {
    record(new Entry(time, denied.host(), denied.purpose(), 0, 0, DENIED));
  }

  /** A copy of the entries, in the order they were recorded. */
  public List<Entry> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  /** Forgets all entries (the runtime calls this when a run starts). */
  public void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }

  /** Totals per host and per purpose. */
  public Summary summary() {
    Counts total = new Counts(0, 0, 0, 0, 0);
    Map<String, Counts> byHost = new TreeMap<>();
    Map<String, Counts> byPurpose = new TreeMap<>();
    Counts zero = total;
    for (Entry e : entries()) {
      total = total.add(e);
      byHost.put(String.valueOf(e.host()), byHost.getOrDefault(String.valueOf(e.host()), zero)
          .add(e));
      byPurpose.put(e.purpose(), byPurpose.getOrDefault(e.purpose(), zero).add(e));
    }
    return new Summary(total, Collections.unmodifiableMap(byHost),
        Collections.unmodifiableMap(byPurpose));
  }

  /**
   * Writes all entries to {@code file} (replacing it), one JSON object per line:
   * {@code {"time":"2026-...Z","host":"127.0.0.1","purpose":"safe.rate","bytes_sent":812,
   * "bytes_received":311,"status":200,"decision":"sent"}}; a call the policy refused has status
   * {@link #DENIED} and decision {@code denied}. An empty audit writes an empty file.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public void writeJsonl(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (Entry e : entries()) {
          ObjectNode o = MAPPER.createObjectNode();
          o.put("time", e.time().toString());
          o.put("host", e.host());
          o.put("purpose", e.purpose());
          o.put("bytes_sent", e.bytesSent());
          o.put("bytes_received", e.bytesReceived());
          o.put("status", e.status());
          // Spelled out so that a reader of the file need not know what status 0 means.
          o.put("decision", e.status() == DENIED ? "denied" : "sent");
          w.write(MAPPER.writeValueAsString(o));
          w.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the egress audit log to " + file + ": " + e, e);
    }
  }
}
