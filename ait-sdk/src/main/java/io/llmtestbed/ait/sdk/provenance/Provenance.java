package io.llmtestbed.ait.sdk.provenance;

import io.llmtestbed.ait.sdk.manifest.Manifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an AIT run read and used, recorded while it runs and written by the SDK as download
 * {@code Provenance} ({@code provenance.json}) at the end of every run, success or failure.
 *
 * <p>The SDK itself records the AIT's name and version, the git commit, every inventory file's
 * digest, the parameters after defaults, the times, the result and the egress summary. An AIT
 * adds what only it knows: the MLflow runs it read ({@link #mlflowRun}), the digest of each
 * evaluation table ({@link #tableDigest}), the LLM it called ({@link #llm}), the search backend
 * ({@link #search}), the LLM cache ({@link #cache}) and anything else ({@link #attribute}).
 *
 * <p>Thread-safe: any thread of the AIT may record. Recording the same MLflow run, LLM or
 * cache twice keeps one entry; a second value under the same key (table digest of one run,
 * attribute) replaces the first. Nulls are refused with a message naming the argument, except
 * where a parameter says otherwise.
 */
public final class Provenance {

    /** Name of the download the SDK adds to every manifest. */
    public static final String DOWNLOAD = Manifest.PROVENANCE;
    /** File name of the download. */
    public static final String FILE_NAME = "provenance.json";

    private final List<MlflowRunRead> mlflowRuns = new ArrayList<>();
    private final Map<String, InputDigest> inputs = new LinkedHashMap<>();
    private final Map<String, String> tables = new LinkedHashMap<>();
    private final List<LlmUse> llms = new ArrayList<>();
    private final List<SearchUse> searches = new ArrayList<>();
    private final List<CacheUse> caches = new ArrayList<>();
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private volatile RunIdentity identity;

    /** The provenance of the AIT run in progress in this JVM (see {@link #current()}). */
    private static volatile Provenance current;

    /** Prefix of the MLflow run tags written by {@code MlflowWriteBack}. */
    public static final String TAG_PREFIX = "testbed.provenance.";
    /** MLflow accepts tag values up to 5000 characters on older servers; stay under it. */
    static final int MAX_TAG_VALUE = 5000;

    /**
     * Who produced a result, set by the SDK when a run starts and written as MLflow tags.
     *
     * @param ait AIT name
     * @param aitVersion AIT version
     * @param gitCommit project commit, or null when unknown ({@link GitCommit})
     * @param inputDigest {@link RunRecorder#inputsDigest()}: sha256 over the inventory digests
     *     and the parameters after defaults, equal for runs on the same inputs
     * @param started start time, {@code yyyy-MM-dd'T'HH:mm:ssZ}
     * @param job {@code {job_id}/{run_id}} of the platform
     */
    public record RunIdentity(String ait, String aitVersion, String gitCommit, String inputDigest,
            String started, String job) {
    }

    /** A run read from an MLflow tracking server. */
    public record MlflowRunRead(String trackingUri, String experimentId, String runId) {
    }

    /** The digest of one input file or directory, under a label. */
    public record InputDigest(String label, String path, String sha256) {
    }

    /** An LLM endpoint used, as {@code LlmClient.describe()} gives it, and its settings. */
    public record LlmUse(String describe, Map<String, Object> generationSettings) {
    }

    /** A search backend used and the digest of its index (null when it has none). */
    public record SearchUse(String backend, String indexDigest) {
    }

    /** An LLM response cache used and its digest at the end of the run. */
    public record CacheUse(String dir, String digest) {
    }

    /**
     * Records that a run was read.
     *
     * @param trackingUri the tracking URI as configured (credentials in it are removed when
     *     written); null when the run came from an export or a file
     * @param experimentId the experiment id, or null when unknown
     * @param runId the run id
     */
    public synchronized void mlflowRun(String trackingUri, String experimentId, String runId) {
        MlflowRunRead read = new MlflowRunRead(withoutUserInfo(trackingUri), experimentId,
                require(runId, "runId"));
        if (!mlflowRuns.contains(read)) {
            mlflowRuns.add(read);
        }
    }

    /**
     * Records the sha256 of a file or directory the AIT read besides its inventories (the SDK
     * records every inventory file itself), see {@link Digests#sha256(Path)}.
     *
     * @return the digest, lower-case hex
     */
    public String inputDigest(String label, Path file) {
        require(label, "label");
        String digest = Digests.sha256(require(file, "file"));
        synchronized (this) {
            inputs.put(label, new InputDigest(label, file.toString(), digest));
        }
        return digest;
    }

    /** Records the sha256 of the evaluation table read from run {@code runId}. */
    public synchronized void tableDigest(String runId, String sha256) {
        tables.put(require(runId, "runId"), require(sha256, "sha256"));
    }

    /**
     * Records an LLM used.
     *
     * @param describe endpoint and model without secrets ({@code LlmClient.describe()})
     * @param generationSettings temperature, max tokens, seed …; null values are kept
     */
    public synchronized void llm(String describe, Map<String, Object> generationSettings) {
        Map<String, Object> settings = generationSettings == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(generationSettings));
        LlmUse use = new LlmUse(require(describe, "describe"), settings);
        if (!llms.contains(use)) {
            llms.add(use);
        }
    }

    /** Records a search backend and its index digest (null: the backend has no index). */
    public synchronized void search(String backend, String indexDigest) {
        SearchUse use = new SearchUse(require(backend, "backend"), indexDigest);
        if (!searches.contains(use)) {
            searches.add(use);
        }
    }

    /** Records an LLM cache directory and its digest; a second call for a dir replaces it. */
    public synchronized void cache(Path dir, String digest) {
        String d = require(dir, "dir").toString();
        caches.removeIf(c -> c.dir().equals(d));
        caches.add(new CacheUse(d, require(digest, "digest")));
    }

    /**
     * Records any other fact; the value is written with Jackson (strings, numbers, booleans,
     * lists, maps, records). Null is written as JSON null.
     */
    public synchronized void attribute(String key, Object value) {
        attributes.put(require(key, "key"), value);
    }

    /** The MLflow runs read, in recording order. */
    public synchronized List<MlflowRunRead> mlflowRuns() {
        return List.copyOf(mlflowRuns);
    }

    /** The extra input digests recorded with {@link #inputDigest}, in recording order. */
    public synchronized List<InputDigest> inputDigests() {
        return List.copyOf(inputs.values());
    }

    /** Run id to table digest. */
    public synchronized Map<String, String> tableDigests() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    /** The LLMs used. */
    public synchronized List<LlmUse> llms() {
        return List.copyOf(llms);
    }

    /** The search backends used. */
    public synchronized List<SearchUse> searches() {
        return List.copyOf(searches);
    }

    /** The caches used. */
    public synchronized List<CacheUse> caches() {
        return List.copyOf(caches);
    }

    /** The attributes, in recording order. */
    public synchronized Map<String, Object> attributes() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** Who produced this run's results; empty until the SDK has read the input. */
    public Optional<RunIdentity> identity() {
        return Optional.ofNullable(identity);
    }

    /** Sets the identity; called by the SDK ({@code AitMain}) once the input is read. */
    public void identify(RunIdentity runIdentity) {
        this.identity = require(runIdentity, "runIdentity");
    }

    /**
     * The {@code testbed.provenance.*} MLflow tags of this run: {@code ait}, {@code ait_version},
     * {@code git_commit} ({@code unknown} when not known), {@code input_digest}, {@code started},
     * {@code job}. Empty until {@link #identify} was called. Values are cut to 5000 characters.
     */
    public Map<String, String> mlflowTags() {
        RunIdentity id = identity;
        Map<String, String> tags = new LinkedHashMap<>();
        if (id == null) {
            return tags;
        }
        tags.put(TAG_PREFIX + "ait", cut(id.ait()));
        tags.put(TAG_PREFIX + "ait_version", cut(id.aitVersion()));
        tags.put(TAG_PREFIX + "git_commit", cut(id.gitCommit() == null ? "unknown"
                : id.gitCommit()));
        tags.put(TAG_PREFIX + "input_digest", cut(id.inputDigest()));
        tags.put(TAG_PREFIX + "started", cut(id.started()));
        tags.put(TAG_PREFIX + "job", cut(id.job()));
        return tags;
    }

    /**
     * The provenance of the AIT run in progress in this JVM, set by {@code AitMain} while
     * {@code Ait.run} executes; empty outside a run (e.g. in a unit test that builds an
     * {@code AitContext} itself). Used by {@code MlflowWriteBack} to tag the runs it writes.
     */
    public static Optional<Provenance> current() {
        return Optional.ofNullable(current);
    }

    /** Sets (or with null clears) {@link #current()}; called by the SDK. */
    public static void setCurrent(Provenance provenance) {
        current = provenance;
    }

    private static String cut(String value) {
        String v = value == null ? "" : value;
        return v.length() <= MAX_TAG_VALUE ? v : v.substring(0, MAX_TAG_VALUE - 1) + "…";
    }

    /**
     * A URI without {@code user:password@} (up to the last {@code @} before the path, so that
     * an unescaped {@code @} in the password does not leave its tail); null stays null.
     */
    static String withoutUserInfo(String uri) {
        if (uri == null) {
            return null;
        }
        return uri.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#]*@", "$1");
    }

    private static <T> T require(T value, String name) {
        return Objects.requireNonNull(value, () -> "Provenance: " + name + " must not be null");
    }
}
