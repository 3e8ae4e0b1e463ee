package ${package};

import io.llmtestbed.ait.sdk.manifest.ManifestJson;
import java.nio.file.Path;

/** Writes ait.manifest.json from {@link ${aitClass}}'s manifest; the build runs it. */
public final class ManifestFile {

    private ManifestFile() {
    }

    /** Argument: the file to write (the build passes target/ait.manifest.json). */
    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ManifestFile <output ait.manifest.json>;"
                    + " got " + args.length + " arguments");
        }
        ManifestJson.write(new ${aitClass}().manifest(), Path.of(args[0]));
    }
}
