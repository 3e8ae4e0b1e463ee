package io.llmtestbed.ait.llm.gguf;

import io.llmtestbed.ait.sdk.llm.LlmException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata of a GGUF file, read in Java before llama.cpp sees the file, so that a wrong path
 * or a wrong file ends in a clear {@link LlmException} (CONFIGURATION) instead of a native
 * failure. Only the header and the key-value section are read; tensors are not.
 *
 * <p>Scalar and string values are kept; array values are kept only as their length (e.g. the
 * vocabulary size of {@code tokenizer.ggml.tokens}).
 *
 * @param path the file read
 * @param version the GGUF format version (2 or 3)
 * @param tensorCount number of tensors the header announces
 * @param metadata scalar and string values by key; arrays as {@link ArrayInfo}
 */
public record GgufFile(Path path, int version, long tensorCount, Map<String, Object> metadata) {

    /** The 4 magic bytes at the start of every GGUF file. */
    public static final String MAGIC = "GGUF";

    /** Length of an array value and the GGUF type code of its elements. */
    public record ArrayInfo(int elementType, long length) {
    }

    private static final int MAX_STRING_BYTES = 64 * 1024 * 1024;
    private static final long MAX_KV_COUNT = 1_000_000;

    public GgufFile {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** {@code general.architecture}, e.g. {@code llama}; empty when the file names none. */
    public String architecture() {
        Object a = metadata.get("general.architecture");
        return a instanceof String s ? s : "";
    }

    /** The model's Jinja chat template ({@code tokenizer.chat_template}), if it has one. */
    public Optional<String> chatTemplate() {
        Object t = metadata.get("tokenizer.chat_template");
        return t instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    /** {@code <arch>.context_length}, or 0 when absent. */
    public long contextLength() {
        Object v = metadata.get(architecture() + ".context_length");
        return v instanceof Number n ? n.longValue() : 0;
    }

    /** Number of entries of {@code tokenizer.ggml.tokens}, or 0 when absent. */
    public long vocabularySize() {
        Object v = metadata.get("tokenizer.ggml.tokens");
        return v instanceof ArrayInfo a ? a.length() : 0;
    }

    /** {@code general.name}, or the file name when absent. */
    public String name() {
        Object n = metadata.get("general.name");
        return n instanceof String s && !s.isBlank() ? s : path.getFileName().toString();
    }

    /**
     * Reads the header and metadata of {@code path}.
     *
     * @throws LlmException CONFIGURATION when the file is missing, unreadable, not a GGUF file
     *     (wrong magic), of an unknown GGUF version, or truncated; the message names the path
     *     and the fix
     */
    public static GgufFile read(Path path) {
        if (!Files.exists(path)) {
            throw config("GGUF model file " + path.toAbsolutePath() + " does not exist. Fix: set"
                    + " the gguf backend's baseUrl or option model_path to an existing .gguf"
                    + " file (e.g. one converted with llama.cpp's convert_hf_to_gguf.py)", null);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw config("GGUF model path " + path.toAbsolutePath() + " is not a readable"
                    + " regular file. Fix: point model_path at the .gguf file itself, not at a"
                    + " directory, and check its permissions", null);
        }
        try (InputStream raw = Files.newInputStream(path);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            return parse(path, in);
        } catch (EOFException e) {
            throw config("GGUF model file " + path.toAbsolutePath() + " ends inside its header"
                    + " (truncated or not a GGUF file). Fix: download or convert the model"
                    + " again", e);
        } catch (IOException e) {
            throw config("GGUF model file " + path.toAbsolutePath() + " cannot be read: " + e
                    + ". Fix: check the path and its permissions", e);
        }
    }

    private static GgufFile parse(Path path, DataInputStream in) throws IOException {
        byte[] magic = new byte[4];
        int n = in.read(magic);
        String found = n <= 0 ? "" : new String(magic, 0, n, StandardCharsets.ISO_8859_1);
        if (!MAGIC.equals(found)) {
            throw config("file " + path.toAbsolutePath() + " is not a GGUF file: it starts with "
                    + printable(magic, n) + " where a GGUF file starts with the bytes 'GGUF'."
                    + " Fix: give a .gguf model file (llama.cpp's format; safetensors, .bin or"
                    + " GGML files must be converted with llama.cpp's convert_hf_to_gguf.py)",
                    null);
        }
        int version = readInt(in);
        if (version < 2 || version > 3) {
            throw config("GGUF file " + path.toAbsolutePath() + " has format version " + version
                    + "; this backend reads versions 2 and 3. Fix: convert the model again with"
                    + " a current llama.cpp", null);
        }
        long tensorCount = readLong(in);
        long kvCount = readLong(in);
        if (kvCount < 0 || kvCount > MAX_KV_COUNT || tensorCount < 0) {
            throw config("GGUF file " + path.toAbsolutePath() + " announces " + kvCount
                    + " metadata entries and " + tensorCount + " tensors, which is not"
                    + " plausible: the file is corrupt. Fix: download or convert it again", null);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = readString(in, path);
            int type = readInt(in);
            metadata.put(key, readValue(in, type, path, key));
        }
        return new GgufFile(path, version, tensorCount, metadata);
    }

    private static Object readValue(DataInputStream in, int type, Path path, String key)
            throws IOException {
        switch (type) {
            case 0: return in.readUnsignedByte();
            case 1: return (int) in.readByte();
            case 2: return Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            case 3: return (int) Short.reverseBytes(in.readShort());
            case 4: return Integer.toUnsignedLong(readInt(in));
            case 5: return readInt(in);
            case 6: return Float.intBitsToFloat(readInt(in));
            case 7: return in.readUnsignedByte() != 0;
            case 8: return readString(in, path);
            case 9: return readArray(in, path, key);
            case 10: case 11: return readLong(in);
            case 12: return Double.longBitsToDouble(readLong(in));
            default:
                throw config("GGUF file " + path.toAbsolutePath() + " has metadata key '" + key
                        + "' of unknown value type " + type + ": the file is corrupt or newer"
                        + " than this reader. Fix: convert the model again", null);
        }
    }

    private static ArrayInfo readArray(DataInputStream in, Path path, String key)
            throws IOException {
        int elementType = readInt(in);
        long length = readLong(in);
        if (length < 0) {
            throw config("GGUF file " + path.toAbsolutePath() + " has array '" + key
                    + "' of negative length: the file is corrupt", null);
        }
        for (long i = 0; i < length; i++) {
            skipValue(in, elementType, path, key);
        }
        return new ArrayInfo(elementType, length);
    }

    private static void skipValue(DataInputStream in, int type, Path path, String key)
            throws IOException {
        int size = switch (type) {
            case 0, 1, 7 -> 1;
            case 2, 3 -> 2;
            case 4, 5, 6 -> 4;
            case 10, 11, 12 -> 8;
            default -> -1;
        };
        if (size > 0) {
            in.readFully(new byte[size]);
        } else {
            readValue(in, type, path, key);
        }
    }

    private static String readString(DataInputStream in, Path path) throws IOException {
        long len = readLong(in);
        if (len < 0 || len > MAX_STRING_BYTES) {
            throw config("GGUF file " + path.toAbsolutePath() + " has a metadata string of "
                    + len + " bytes, which is not plausible: the file is corrupt. Fix: download"
                    + " or convert it again", null);
        }
        byte[] b = new byte[(int) len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int readInt(DataInputStream in) throws IOException {
        return Integer.reverseBytes(in.readInt());
    }

    private static long readLong(DataInputStream in) throws IOException {
        return Long.reverseBytes(in.readLong());
    }

    private static String printable(byte[] b, int n) {
        if (n <= 0) {
            return "nothing (the file is empty)";
        }
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x",
                    c));
        }
        return sb.append('\'').toString();
    }

    static LlmException config(String message, Throwable cause) {
        return new LlmException(LlmException.Kind.CONFIGURATION, message, cause, 0, -1, null);
    }
}
