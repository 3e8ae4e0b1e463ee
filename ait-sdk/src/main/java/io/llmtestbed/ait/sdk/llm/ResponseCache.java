package io.llmtestbed.ait.sdk.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed answers on disk: one JSON file per request at
 * {@code {dir}/{key[0..2]}/{key}.json}, where key = sha256 (hex) of the request's canonical JSON
 * (backend, baseUrl, model, messages, temperature, maxTokens, seed, stop, and the backend's
 * options except {@code retry_*}). The purpose is not part of the key: the same prompt asked for
 * two purposes is one answer.
 *
 * <p>Writes go to a temporary file in the same directory and are moved into place atomically,
 * so concurrent writers and readers (threads or processes) never see a partial entry. Entries
 * are written deterministically (sorted keys), so equal answers give equal files.
 */
// LIMIT: entries are never evicted or expired, and answers at temperature > 0 are cached too
// (a re-run repeats the first sample); delete the directory or use another one to start afresh.
final class ResponseCache {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final int FORMAT_VERSION = 1;

    private final Path dir;
    private final LlmSettings settings;

    ResponseCache(Path dir, LlmSettings settings) {
        this.dir = dir;
        this.settings = settings;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "LlmSettings cacheDir " + dir
                    + " cannot be created (" + e + "). Fix: choose a writable directory or set"
                    + " cacheDir to null for no cache", e, 0, -1, null);
        }
    }

    Path dir() {
        return dir;
    }

    /** The canonical JSON the key is the sha256 of (sorted keys, nulls kept). */
    String canonicalJson(ChatRequest r) {
        Map<String, Object> m = new TreeMap<>();
        m.put("v", FORMAT_VERSION);
        m.put("backend", settings.backend());
        m.put("baseUrl", settings.baseUrl());
        m.put("model", r.model() != null ? r.model() : settings.model());
        List<Map<String, String>> messages = new ArrayList<>();
        for (ChatMessage msg : r.messages()) {
            messages.add(new TreeMap<>(Map.of("role", msg.role(), "content", msg.content())));
        }
        m.put("messages", messages);
        m.put("temperature", r.temperature());
        m.put("maxTokens", r.maxTokens());
        m.put("seed", r.seed());
        m.put("stop", r.stop());
        Map<String, String> options = new TreeMap<>(settings.options());
        options.keySet().removeIf(k -> k.startsWith("retry_"));
        m.put("options", options);
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write cache key JSON", e);
        }
    }

    String key(ChatRequest r) {
        return sha256Hex(canonicalJson(r).getBytes(StandardCharsets.UTF_8));
    }

    Path file(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key + ".json");
    }

    /** The cached answer, or empty; an unreadable entry is a miss (and is overwritten later). */
    Optional<ChatResponse> get(String key) {
        Path file = file(key);
        try {
            JsonNode e = JSON.readTree(Files.readAllBytes(file));
            JsonNode resp = e.path("response");
            if (!key.equals(e.path("key").asText()) || !resp.path("text").isTextual()) {
                LOG.warn("LLM cache entry {} does not hold an answer for its key; treating it as"
                        + " a miss and calling the endpoint", file);
                return Optional.empty();
            }
            Usage usage = new Usage(resp.path("promptTokens").asLong(0),
                    resp.path("completionTokens").asLong(0));
            return Optional.of(new ChatResponse(resp.get("text").asText(),
                    resp.path("model").isTextual() ? resp.get("model").asText() : null, usage,
                    resp.path("finishReason").isTextual() ? resp.get("finishReason").asText()
                            : null, true, Duration.ZERO, 0));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("LLM cache entry {} cannot be read ({}); treating it as a miss and calling"
                    + " the endpoint", file, e.toString());
            return Optional.empty();
        }
    }

    /** Stores a successful answer; a failure to write is logged and the answer still returned. */
    void put(String key, ChatRequest request, ChatResponse response) {
        Path file = file(key);
        try {
            ObjectNode entry = JSON.createObjectNode();
            entry.put("key", key);
            entry.set("request", JSON.readTree(canonicalJson(request)));
            ObjectNode resp = entry.putObject("response");
            resp.put("text", response.text());
            resp.put("model", response.model());
            resp.put("finishReason", response.finishReason());
            resp.put("promptTokens", response.usage().promptTokens());
            resp.put("completionTokens", response.usage().completionTokens());
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "." + key.substring(0, 8), ".tmp");
            try {
                Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(entry));
                move(tmp, file);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            LOG.warn("LLM cache entry {} cannot be written ({}); continuing without caching this"
                    + " answer", file, e.toString());
        }
    }

    private static void move(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** sha256 over the sorted entries' relative paths and file digests. */
    static String digest(Path dir) {
        MessageDigest md = sha256();
        if (dir == null || !Files.isDirectory(dir)) {
            return HexFormat.of().formatHex(md.digest());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> entries = files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".json"))
                    .map(dir::relativize).sorted().toList();
            for (Path rel : entries) {
                byte[] bytes = Files.readAllBytes(dir.resolve(rel));
                String line = rel.toString().replace('\\', '/') + " " + sha256Hex(bytes) + "\n";
                md.update(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read LLM cache directory " + dir
                    + " for its digest", e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }
}
