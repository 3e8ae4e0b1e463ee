package io.llmtestbed.ait.sdk.mlflow;

/**
 * An {@code eval_results_table.json} could not be read: not JSON, not the pandas "split"
 * layout, a row of the wrong width, or a required column missing. The message names the table,
 * the rule broken, what was found and the fix.
 */
public class EvalTableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public EvalTableException(String message) {
    super(message);
  }

  public EvalTableException(String message, Throwable cause) {
    super(message, cause);
  }
}
