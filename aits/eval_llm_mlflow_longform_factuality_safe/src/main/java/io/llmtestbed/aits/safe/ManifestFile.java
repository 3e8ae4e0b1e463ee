package io.llmtestbed.aits.safe;

import io.llmtestbed.ait.sdk.manifest.ManifestJson;
import java.nio.file.Path;

/**
 * Writes {@code ait.manifest.json} from {@link SafeAit#manifest()}; the build runs it into
 * {@code target/}, and a test keeps the copy in the module root equal to it.
 */
public final class ManifestFile {
  private ManifestFile() {}

  /** Argument: the file to write. */
  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ManifestFile <output ait.manifest.json>");
    }
    ManifestJson.write(new SafeAit().manifest(), Path.of(args[0]));
  }
}
