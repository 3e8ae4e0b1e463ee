package io.llmtestbed.infra.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Files kept outside this module and shared with the rest of the repository
 * ({@code infra/mlflow-server.env}, {@code infra/models/*}). Maven copies them onto the classpath
 * under {@code io/llmtestbed/infra/shared/}, so synthesis reads the repository's copy of the
 * moment, wherever the CDK CLI runs from.
 */
final class SharedFiles {

    /** Classpath folder the pom copies the shared files into. */
    static final String ROOT = "/io/llmtestbed/infra/shared/";

    private SharedFiles() {
    }

    /**
     * The text of a shared file.
     *
     * @param name path below {@code infra/}, e.g. {@code models/models.json}
     * @throws IllegalStateException when the build did not copy it (pom resources changed)
     */
    static String text(String name) {
        try (InputStream in = SharedFiles.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("Shared file infra/" + name + " is not on the"
                        + " classpath at " + ROOT + name + "; the pom's <resources> must copy it"
                        + " (run mvn compile from infra/aws)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read shared file infra/" + name, e);
        }
    }

    /**
     * Parses {@code KEY=VALUE} lines: no quotes, no expansion, {@code #} lines and blank lines
     * skipped, the last occurrence of a key wins (as in the shell readers).
     *
     * @param source named in error messages
     * @throws IllegalArgumentException for a line that is neither a comment nor KEY=VALUE
     */
    static Map<String, String> parseEnv(String text, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || !line.substring(0, eq).matches("[A-Z][A-Z0-9_]*")) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + " must be"
                        + " KEY=VALUE with an upper-case KEY or a # comment, found '" + line
                        + "'; fix the line (no quotes, no 'export')");
            }
            values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return values;
    }
}
