package io.llmtestbed.ait.sdk.mlflow;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a fresh stream over one artifact. Each call returns a new stream positioned at the
 * start; the caller closes it. {@link EvalTable} may call it twice when a table lists its
 * {@code data} before its {@code columns}.
 */
@FunctionalInterface
public interface ArtifactOpener {

  /** Opens the artifact from its first byte. */
  InputStream open() throws IOException;
}
