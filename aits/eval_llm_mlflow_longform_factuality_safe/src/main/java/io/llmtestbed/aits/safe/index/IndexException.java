package io.llmtestbed.aits.safe.index;

/**
 * A collection that cannot be read or an index that cannot be built or opened. The message names
 * the file, the rule broken, the value found and the fix (usually the {@code index} command to
 * run).
 */
public class IndexException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why the index cannot be used. */
  public enum Reason {
    /** The collection file is missing or a line is not a valid document. */
    BAD_COLLECTION,
    /** The directory holds no index built by the {@code index} command. */
    NOT_AN_INDEX,
    /** Built by another Lucene version, analyzer or index format: rebuild it. */
    STALE,
    /** Lucene could not read the files (damaged, or an I/O failure). */
    UNREADABLE
  }

  private final Reason reason;

  public IndexException(Reason reason, String message) {
    this(reason, message, null);
  }

  public IndexException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = java.util.Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
