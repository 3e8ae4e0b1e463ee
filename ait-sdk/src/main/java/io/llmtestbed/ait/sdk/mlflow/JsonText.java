package io.llmtestbed.ait.sdk.mlflow;

/**
 * A nested JSON value (object or array) of a table cell, kept as its compact JSON text.
 *
 * @param json compact JSON text, e.g. {@code [{"text":"..."}]}
 */
public record JsonText(String json) {

  @Override
  public String toString() {
    return json;
  }
}
