package io.llmtestbed.ait.sdk.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.net.EgressAudit;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects what the SDK itself knows about a run (AIT, commit, job, input and inventory
 * digests, parameters, how the JVM was started, result, measures) next to the AIT's own
 * {@link Provenance}, and writes both as {@code provenance.json}. Used by {@code AitMain};
 * public so that the runner and tests can read the constants. Not thread-safe; the AIT's
 * {@link Provenance} is.
 *
 * <p>The file ({@value #FORMAT}) is a JSON object; its keys are listed in the ait-sdk README
 * ("Provenance"). Re-running reads {@code inventories}, {@code parameters}, {@code launch},
 * {@code mlflow.table_digests} and {@code measures}.
 */
public final class RunRecorder {

    /** Value of the {@code format} key. */
    public static final String FORMAT = "llm-testbed-provenance/1";
    /** Download name of the egress audit JSONL. */
    public static final String EGRESS_DOWNLOAD = Manifest.EGRESS_AUDIT;
    /** Shown instead of a parameter value whose name suggests a secret. */
    public static final String MASK = "****";

    private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx");
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i)(^|[_.-])(key|apikey|token|secret|password|passwd|credentials?)"
                    + "($|[_.-])");

    private final Provenance provenance;
    private final OffsetDateTime started;
    private final GitCommit git;
    private String aitName = "unknown";
    private String aitVersion = "unknown";
    private String jobId;
    private String runId;
    private Path inputFile;
    private String inputFileDigest;
    private final Map<String, List<FileDigest>> inventories = new LinkedHashMap<>();
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final List<String> fromDefault = new ArrayList<>();

    /** The digest of one inventory file or directory; sha256 null when it does not exist. */
    public record FileDigest(String path, String kind, String sha256) {

        /** Digests {@code path}: {@code kind} file, directory or missing. */
        public static FileDigest of(Path path) {
            if (!Files.exists(path)) {
                return new FileDigest(path.toString(), "missing", null);
            }
            return new FileDigest(path.toString(), Files.isDirectory(path) ? "directory" : "file",
                    Digests.sha256(path));
        }
    }

    /** A recorder for a run that started at {@code started}. */
    public RunRecorder(Provenance provenance, OffsetDateTime started) {
        this.provenance = provenance;
        this.started = started;
        this.git = GitCommit.detect();
    }

    /** The AIT's own recorder. */
    public Provenance provenance() {
        return provenance;
    }

    /** The AIT name recorded, {@code unknown} before {@link #ait}. */
    public String aitName() {
        return aitName;
    }

    /** Records the AIT's name and version. */
    public void ait(String name, String version) {
        this.aitName = name;
        this.aitVersion = version;
    }

    /** Records the job and run ids and the digest of {@code ait.input.json}. */
    public void input(Path file, String job, String run) {
        this.inputFile = file;
        this.jobId = job;
        this.runId = run;
        this.inputFileDigest = Files.isRegularFile(file) ? Digests.sha256(file) : null;
    }

    /**
     * Records the digest of every file of every inventory (directories: see {@link Digests}).
     *
     * @throws UncheckedIOException when a file exists but cannot be read
     */
    public void inventories(Map<String, List<Path>> byName) {
        byName.forEach((name, paths) -> inventories.put(name,
                paths.stream().map(FileDigest::of).toList()));
    }

    /**
     * Records the parameters after defaults; values of secret-looking names (see
     * {@link #isSecret}) are written as {@value #MASK}.
     *
     * @param values every declared parameter's value as text
     * @param defaulted the names that took the manifest's default
     */
    public void parameters(Map<String, String> values, List<String> defaulted) {
        values.forEach((k, v) -> parameters.put(k, isSecret(k) ? MASK : v));
        fromDefault.addAll(defaulted);
    }

    /**
     * Whether a parameter's value is masked: a word of its name (words split at {@code _ . -})
     * is key, apikey, token, secret, password, passwd or credential(s), unless the name ends with
     * {@code _env} (it names the environment variable holding the secret, e.g.
     * {@code llm_api_key_env}, and a re-run needs it). {@code max_tokens} is not masked.
     */
    static boolean isSecret(String name) {
        return SECRET_NAME.matcher(name).find() && !name.toLowerCase(Locale.ROOT).endsWith("_env");
    }

    /**
     * Sets the run identity (for the MLflow tags) from what was recorded; call after
     * {@link #ait}, {@link #input}, {@link #inventories} and {@link #parameters}.
     */
    public void identify() {
        provenance.identify(new Provenance.RunIdentity(aitName, aitVersion, git.commit(),
                inputsDigest(), TIME.format(started), jobId + "/" + runId));
    }

    /**
     * A digest over the inventories' digests and the parameters after defaults, one line per
     * item ({@code inventory NAME INDEX SHA256}, {@code parameter NAME=VALUE}), so that two runs
     * on the same inputs share it whatever their paths, job ids or the order in which the
     * platform listed them (items are sorted by name).
     */
    public String inputsDigest() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(inventories).forEach((name, files) -> {
            for (int i = 0; i < files.size(); i++) {
                sb.append("inventory ").append(name).append(' ').append(i).append(' ')
                        .append(files.get(i).sha256()).append('\n');
            }
        });
        new TreeMap<>(parameters).forEach((k, v) -> sb.append("parameter ").append(k).append('=').append(v)
                .append('\n'));
        return Digests.sha256(sb.toString());
    }

    /**
     * The outcome of a run.
     *
     * @param errorCode null on success, else E101/E102/E901/E999
     * @param error the Detail's first line, or null
     * @param measures measure name to value text as written to {@code ait.output.json}
     * @param notApplicable measures marked not applicable, with the reason
     */
    public record Outcome(String errorCode, String error, Map<String, String> measures,
            Map<String, String> notApplicable) {
    }

    /**
     * Writes {@code {outputDir}/downloads/Provenance/provenance.json} atomically.
     *
     * @return the file written
     */
    public Path write(Path outputDir, OffsetDateTime ended, Outcome outcome) {
        Path file = outputDir.resolve("downloads").resolve(Provenance.DOWNLOAD)
                .resolve(Provenance.FILE_NAME);
        Path auditFile = writeEgressAudit(outputDir);
        ObjectNode root = toJson(ended, outcome, auditFile);
        JsonFormat.writeAtomically(root, file);
        return file;
    }

    ObjectNode toJson(OffsetDateTime ended, Outcome outcome, Path auditFile) {
        ObjectNode root = JsonFormat.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.putObject("ait").put("name", aitName).put("version", aitVersion);
        root.putObject("git").put("commit", git.commit()).put("source", git.source());
        root.putObject("job").put("job_id", jobId).put("run_id", runId);
        root.put("started", TIME.format(started));
        root.put("ended", TIME.format(ended));
        ObjectNode result = root.putObject("result");
        result.put("status", outcome.errorCode() == null ? "Result" : "Error");
        result.put("error_code", outcome.errorCode());
        result.put("error", outcome.error());
        root.set("launch", launch());
        root.putObject("input").put("file", inputFile == null ? null : inputFile.toString())
                .put("sha256", inputFileDigest);
        root.put("inputs_digest", inputsDigest());
        ArrayNode invs = root.putArray("inventories");
        inventories.forEach((name, files) -> {
            ArrayNode list = invs.addObject().put("name", name).putArray("files");
            files.forEach(f -> list.addObject().put("path", f.path()).put("kind", f.kind())
                    .put("sha256", f.sha256()));
        });
        ObjectNode params = root.putObject("parameters");
        parameters.forEach(params::put);
        ArrayNode defaulted = root.putArray("parameters_from_default");
        fromDefault.forEach(defaulted::add);
        putAitRecords(root);
        root.set("egress", egressSummary());
        root.put("egress_audit", auditFile == null ? null : auditFile.toString());
        ObjectNode measures = root.putObject("measures");
        outcome.measures().forEach(measures::put);
        ObjectNode na = root.putObject("not_applicable");
        outcome.notApplicable().forEach(na::put);
        root.set("guideline_evidence", evidence(outcome.measures().keySet()));
        return root;
    }

    private JsonNode evidence(java.util.Set<String> measures) {
        try {
            return GuidelineEvidence.load().evidence(aitName, measures).toJson();
        } catch (RuntimeException e) {
            // a broken mapping must not cost the run its provenance
            LOG.warn("Cannot read the guideline mapping ({}); provenance.json has no guideline"
                    + " evidence", e.getMessage());
            return JsonFormat.MAPPER.createObjectNode().put("error", e.getMessage());
        }
    }

    private void putAitRecords(ObjectNode root) {
        ObjectNode mlflow = root.putObject("mlflow");
        ArrayNode runs = mlflow.putArray("runs_read");
        provenance.mlflowRuns().forEach(r -> runs.addObject().put("tracking_uri", r.trackingUri())
                .put("experiment_id", r.experimentId()).put("run_id", r.runId()));
        ObjectNode tables = mlflow.putObject("table_digests");
        provenance.tableDigests().forEach(tables::put);
        ArrayNode other = root.putArray("other_inputs");
        provenance.inputDigests().forEach(d -> other.addObject().put("label", d.label())
                .put("path", d.path()).put("sha256", d.sha256()));
        ArrayNode llm = root.putArray("llm");
        provenance.llms().forEach(l -> llm.addObject().put("describe", l.describe())
                .set("generation_settings", valueTree(l.generationSettings())));
        ArrayNode search = root.putArray("search");
        provenance.searches().forEach(s -> search.addObject().put("backend", s.backend())
                .put("index_digest", s.indexDigest()));
        ArrayNode cache = root.putArray("cache");
        provenance.caches().forEach(c -> cache.addObject().put("dir", c.dir())
                .put("digest", c.digest()));
        ObjectNode attributes = root.putObject("attributes");
        provenance.attributes().forEach((k, v) -> attributes.set(k, valueTree(v)));
    }

    /** How this JVM was started, so that a re-run can start the AIT the same way. */
    private static ObjectNode launch() {
        ObjectNode launch = JsonFormat.MAPPER.createObjectNode();
        String command = System.getProperty("sun.java.command", "");
        String first = command.isBlank() ? "" : command.strip().split("\\s+")[0];
        launch.put("java_home", System.getProperty("java.home"));
        launch.put("java_version", System.getProperty("java.version"));
        // LIMIT: read from sun.java.command (HotSpot/OpenJDK); a jar path with spaces is cut at
        // the first space. The re-run accepts --jar/--main-class to override it.
        if (first.endsWith(".jar")) {
            launch.put("jar", Path.of(first).toAbsolutePath().toString());
        } else if (!first.isEmpty()) {
            launch.put("main_class", first);
            launch.put("classpath", System.getProperty("java.class.path"));
        }
        return launch;
    }

    private static JsonNode valueTree(Object value) {
        try {
            return JsonFormat.MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return JsonFormat.MAPPER.getNodeFactory().textNode(String.valueOf(value));
        }
    }

    /** The egress summary of {@link EgressAudit#global()}: totals, by host, by purpose. */
    private static JsonNode egressSummary() {
        return valueTree(EgressAudit.global().summary().toMap());
    }

    /** Writes the egress audit JSONL as download {@value #EGRESS_DOWNLOAD}; null on failure. */
    private static Path writeEgressAudit(Path outputDir) {
        Path file = outputDir.resolve("downloads").resolve(EGRESS_DOWNLOAD)
                .resolve(EgressAudit.FILE_NAME);
        try {
            EgressAudit.global().writeJsonl(file);
            return file;
        } catch (UncheckedIOException e) {
            LOG.warn("Cannot write the egress audit ({}); provenance.json names no audit file"
                    + " and the run goes on", e.getMessage());
            return null;
        }
    }
}
