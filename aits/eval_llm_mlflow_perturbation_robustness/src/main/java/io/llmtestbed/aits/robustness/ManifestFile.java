package io.llmtestbed.aits.robustness;

import io.llmtestbed.ait.sdk.manifest.ManifestJson;
import java.nio.file.Path;

/**
 * Writes {@code ait.manifest.json} from {@link RobustnessAit#manifest()}; the build runs it into
 * {@code target/}, and ManifestDriftTest checks the copy kept in the module root against it.
 */
public final class ManifestFile {
  private ManifestFile() {}

  /** Argument: the file to write. */
  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ManifestFile <output ait.manifest.json>");
    }
    ManifestJson.write(new RobustnessAit().manifest(), Path.of(args[0]));
  }
}
