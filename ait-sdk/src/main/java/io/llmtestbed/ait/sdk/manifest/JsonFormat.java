package io.llmtestbed.ait.sdk.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * JSON as the Python SDK writes it ({@code json.dump(..., ensure_ascii=False, indent=4)}):
 * UTF-8, non-ASCII characters unescaped, four-space indent, {@code "key": value}.
 */
public final class JsonFormat {

    /** A mapper for reading; keeps field order. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final DefaultPrettyPrinter PRINTER = new DefaultPrettyPrinter(
            Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("    ", "\n"))
            .withArrayIndenter(new DefaultIndenter("    ", "\n"));

    private JsonFormat() {
    }

    /**
     * A parse failure for a person: Jackson's own message without its location part (which
     * reads "Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"),
     * followed by "at line L, column C" when known. Other I/O failures give their message.
     */
    public static String parseProblem(IOException e) {
        if (e instanceof JsonProcessingException j) {
            String where = j.getLocation() == null ? "" : " at line "
                    + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr();
            return withoutSourceNote(j.getOriginalMessage()) + where;
        }
        return withoutSourceNote(String.valueOf(e.getMessage()));
    }

    /**
     * Removes Jackson's "Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`
     * disabled); " note, which original messages still carry for nested positions such as a
     * start marker ("[Source: REDACTED …; line: 1, column: 30]" becomes "[line: 1, column: 30]").
     */
    public static String withoutSourceNote(String message) {
        return message == null ? null
                : message.replaceAll("Source: REDACTED \\([^)]*\\)(; )?", "");
    }

    /** The tree as text, four-space indented, non-ASCII unescaped. */
    public static String write(JsonNode tree) {
        try {
            return MAPPER.writer(PRINTER).writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON tree", e);
        }
    }

    /**
     * Writes the tree to {@code file} atomically: a temporary file in the same directory, then
     * an atomic move over the target (a plain replace where the file system cannot move
     * atomically). Parent directories are created.
     */
    public static void writeAtomically(JsonNode tree, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, write(tree), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
