package io.llmtestbed.ait.sdk.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 content digests of files and directories, as recorded in {@code provenance.json}.
 *
 * <p>A file's digest is the SHA-256 of its bytes (what {@code sha256sum} prints). A directory's
 * digest is the SHA-256 over its regular files in the order of their relative paths ({@code /}
 * separated, compared as strings), each contributing {@code path NUL size NUL bytes}; empty
 * directories and the names of the directory itself do not count, so two copies of the same
 * tree in different places have the same digest. Symbolic links are followed.
 */
public final class Digests {

    private static final int BUFFER = 64 * 1024;

    private Digests() {
    }

    /**
     * The digest of a file or a directory tree, lower-case hex.
     *
     * @throws UncheckedIOException when the path cannot be read (the message names it)
     */
    public static String sha256(Path path) {
        try {
            return Files.isDirectory(path) ? directory(path) : file(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compute the sha256 digest of " + path + ": "
                    + e.getMessage(), e);
        }
    }

    /** The SHA-256 of UTF-8 text, lower-case hex. */
    public static String sha256(String text) {
        MessageDigest md = newDigest();
        md.update(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest());
    }

    /** The SHA-256 of bytes, lower-case hex. */
    public static String sha256Bytes(byte[] bytes) {
        MessageDigest md = newDigest();
        md.update(bytes);
        return HexFormat.of().formatHex(md.digest());
    }

    private static String file(Path file) throws IOException {
        MessageDigest md = newDigest();
        update(md, file);
        return HexFormat.of().formatHex(md.digest());
    }

    private static String directory(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted((a, b) -> relative(dir, a)
                    .compareTo(relative(dir, b))).toList();
        }
        MessageDigest md = newDigest();
        for (Path f : files) {
            md.update(relative(dir, f).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(Long.toString(Files.size(f)).getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            update(md, f);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }

    private static void update(MessageDigest md, Path file) throws IOException {
        byte[] buf = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
