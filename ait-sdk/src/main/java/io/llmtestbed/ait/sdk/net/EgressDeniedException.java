package io.llmtestbed.ait.sdk.net;

import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import java.util.List;

/**
 * An outbound call refused by the {@link EgressPolicy} before any byte was sent. Code
 * {@link ErrorCode#E102}: the destination is a parameter or inventory value the operator has not
 * allowed. Code that catches exceptions to retry or wrap them (LLM clients, search backends)
 * must let this one propagate unchanged.
 *
 * <p>The message names the host, its resolved addresses, the purpose, the kind and size of the
 * data that would have been sent (never the data), and the setting to change.
 */
public class EgressDeniedException extends AitException {

  private static final long serialVersionUID = 1L;

  private final String host;
  private final List<String> addresses;
  private final String purpose;
  private final String dataKind;
  private final long bytes;

  /**
   * @param host the destination host as written in the URI (may be null for a URI without one)
   * @param addresses the addresses the host resolved to (empty if it did not resolve)
   * @param purpose what the call was for, e.g. {@code safe.rate}
   * @param dataKind what would have been sent, e.g. {@code chat request JSON}
   * @param bytes how many body bytes would have been sent; -1 when not known
   */
  public EgressDeniedException(String message, String host, List<String> addresses,
      String purpose, String dataKind, long bytes) {
    super(ErrorCode.E102, message);
    this.host = host;
    this.addresses = List.copyOf(addresses);
    this.purpose = purpose;
    this.dataKind = dataKind;
    this.bytes = bytes;
  }

  /** The refused host as written in the URI; null if the URI had none. */
  public String host() {
    return host;
  }

  /** The textual addresses the host resolved to; empty when it did not resolve. */
  public List<String> addresses() {
    return addresses;
  }

  /** The purpose of the refused call. */
  public String purpose() {
    return purpose;
  }

  /** The kind of data the call would have sent. */
  public String dataKind() {
    return dataKind;
  }

  /** Body bytes the call would have sent; -1 when not known. */
  public long bytes() {
    return bytes;
  }
}
