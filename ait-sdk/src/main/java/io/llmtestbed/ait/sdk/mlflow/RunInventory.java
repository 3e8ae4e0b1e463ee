package io.llmtestbed.ait.sdk.mlflow;

import io.llmtestbed.ait.sdk.runtime.AitException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Opens an AIT's run inventory and reads its runs, turning the SDK's failures into platform
 * errors ({@link AitException}) with the codes of {@link MlflowRunException#toAitException}.
 */
public final class RunInventory {

  private RunInventory() {
  }

  /**
   * The runs an inventory names ({@link RunReference#resolve(Path)}).
   *
   * @param name the inventory's name in the manifest, e.g. {@code evaluation_runs}; messages
   *     start with {@code inventory '<name>' (<file>): }
   * @param file the inventory file or directory
   * @return the runs in the order the inventory gives them; never empty
   * @throws AitException E102 for a malformed inventory, an unknown run or a bad table; E901
   *     when the tracking server cannot be used
   */
  public static List<MlflowRunSource> resolve(String name, Path file) {
    String prefix = "inventory '" + name + "' (" + file + "): ";
    try {
      return RunReference.resolve(file);
    } catch (MlflowRunException e) {
      throw e.toAitException(prefix);
    } catch (EvalTableException e) {
      throw AitException.invalidInput(prefix + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code read} on one run and maps its failures: an {@link MlflowRunException} to
   * {@link MlflowRunException#toAitException} prefixed {@code reading <describe()>: }, an
   * {@link EvalTableException} to E102 with its message as it is (it already names the table).
   * Other exceptions pass through.
   *
   * @return what {@code read} returns
   */
  public static <T> T read(MlflowRunSource source, Supplier<T> read) {
    try {
      return read.get();
    } catch (MlflowRunException e) {
      throw e.toAitException("reading " + source.describe() + ": ");
    } catch (EvalTableException e) {
      throw AitException.invalidInput(e.getMessage(), e);
    }
  }
}
