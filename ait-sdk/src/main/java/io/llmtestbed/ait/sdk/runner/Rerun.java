package io.llmtestbed.ait.sdk.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import io.llmtestbed.ait.sdk.provenance.Provenance;
import io.llmtestbed.ait.sdk.provenance.RunRecorder;
import io.llmtestbed.ait.sdk.provenance.RunRecorder.FileDigest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Re-runs an AIT from its {@code provenance.json}: the same inventories (checked against their
 * recorded sha256 first), the same parameters after defaults, started the same way (jar, or
 * main class and classpath), in a fresh layout under {@code out}; then compares every measure
 * with the original, as text (the values {@code ait.output.json} holds).
 *
 * <p>A changed input is reported as {@code input changed: <name> <old> -> <new>}, never as a
 * different result: when an inventory's digest differs (or the file is gone) the AIT is not
 * run; the evaluation tables, extra inputs and MLflow runs the AIT records are compared after
 * the re-run, from its own provenance.
 *
 * <p>Exit status ({@link Result#exitStatus()}): {@value #EXIT_IDENTICAL} every measure and the
 * result status identical, {@value #EXIT_DIFFERENT} a measure or the status differs (or the
 * re-run wrote no provenance), {@value #EXIT_INPUT_CHANGED} an input changed. Usage errors
 * (unreadable provenance, masked parameter without a value) throw
 * {@link IllegalArgumentException}; the CLI exits {@value LocalRunner#EXIT_USAGE} for them.
 */
public final class Rerun {

    /** Every measure identical. */
    public static final int EXIT_IDENTICAL = 0;
    /** At least one measure, or the result status, differs. */
    public static final int EXIT_DIFFERENT = 4;
    /** An input's digest changed; results are not compared as a reproduction. */
    public static final int EXIT_INPUT_CHANGED = 5;

    private static final int NOTE_MAX = 400;

    private Rerun() {
    }

    /**
     * What may replace a value of the provenance.
     *
     * @param jar AIT jar instead of the recorded launch, or null
     * @param mainClass main class instead of the recorded launch, or null
     * @param classpath classpath for {@code mainClass}, or null (the recorded one, else this
     *     JVM's)
     * @param inventories paths per inventory name replacing the recorded ones (e.g. a run made
     *     in a container, whose paths do not exist here); their digests are still checked
     * @param params parameter values replacing recorded ones (needed for masked values)
     * @param out root of the re-run's layout
     * @param timeout how long the AIT may run
     */
    public record Options(Path jar, String mainClass, String classpath,
            Map<String, List<Path>> inventories, Map<String, String> params, Path out,
            Duration timeout) {

        public Options {
            inventories = Map.copyOf(inventories);
            params = Map.copyOf(params);
            out = out.toAbsolutePath().normalize();
        }

        /** No overrides, layout under {@code out}. */
        public static Options under(Path out) {
            return new Options(null, null, null, Map.of(), Map.of(), out, null);
        }
    }

    /** An input whose digest differs from the recorded one. */
    public record Change(String name, String original, String now) {

        /** {@code input changed: <name> <original> -> <now>}. */
        public String line() {
            return "input changed: " + name + " " + original + " -> " + now;
        }
    }

    /** One compared value. */
    public record Row(String measure, String original, String rerun) {

        /** Whether both runs gave the same text. */
        public boolean identical() {
            return Objects.equals(original, rerun);
        }
    }

    /**
     * The outcome.
     *
     * @param ait AIT name and version from the provenance
     * @param changes changed inputs (empty when none)
     * @param rows the result status ({@code (result)}) and every measure of either run
     * @param notes differences that are reported but do not decide the exit status (LLM
     *     endpoints, caches)
     * @param run the re-run, or null when it was not started
     * @param exitStatus see the class documentation
     */
    public record Result(String ait, List<Change> changes, List<Row> rows, List<String> notes,
            LocalRun run, int exitStatus) {
    }

    // LIMIT: a run made in the AIT's container records container paths (/usr/local/qai/...) and
    // the image's jar; re-running it here needs --inventory and --jar overrides, and it runs the
    // jar in a JVM, not the image. The MLflow server's runs are read as they are now: a deleted
    // run fails the re-run, a changed table is reported as an input change.
    /**
     * Checks the inputs, re-runs the AIT and compares.
     *
     * @throws IllegalArgumentException when the provenance cannot be used (message says why)
     */
    public static Result rerun(Path provenanceFile, Options options)
            throws IOException, InterruptedException {
        JsonNode original = read(provenanceFile);
        String ait = original.path("ait").path("name").asText() + " "
                + original.path("ait").path("version").asText();
        Map<String, List<Path>> inventories = new LinkedHashMap<>();
        List<Change> changes = checkInventories(original, options, inventories);
        if (!changes.isEmpty()) {
            return new Result(ait, changes, List.of(), List.of(), null, EXIT_INPUT_CHANGED);
        }
        LocalRunner.Request request = request(original, options, inventories);
        LocalRun run = LocalRunner.run(request);
        Path again = run.outputFile().resolveSibling("downloads").resolve(Provenance.DOWNLOAD)
                .resolve(Provenance.FILE_NAME);
        if (!Files.isRegularFile(again)) {
            List<Row> rows = List.of(new Row("(result)", status(original),
                    "no provenance.json at " + again));
            return new Result(ait, List.of(), rows, List.of(), run, EXIT_DIFFERENT);
        }
        JsonNode rerun = read(again);
        changes = recordedInputChanges(original, rerun);
        List<Row> rows = compare(original, rerun);
        List<String> notes = notes(original, rerun);
        int status = !changes.isEmpty() ? EXIT_INPUT_CHANGED
                : rows.stream().allMatch(Row::identical) ? EXIT_IDENTICAL : EXIT_DIFFERENT;
        return new Result(ait, changes, rows, notes, run, status);
    }

    private static JsonNode read(Path file) {
        JsonNode root;
        try {
            root = JsonFormat.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read provenance " + file + ": "
                    + JsonFormat.parseProblem(e) + "; give the provenance.json of a run ({mount}"
                    + "/ip/job_result/{job}/{run}/downloads/Provenance/provenance.json)", e);
        }
        if (root == null || !RunRecorder.FORMAT.equals(root.path("format").asText())) {
            String found = root == null || root.isMissingNode() ? "an empty file"
                    : !root.isObject() ? "a JSON " + root.getNodeType().toString()
                            .toLowerCase(java.util.Locale.ROOT) + ", not an object"
                    : !root.has("format") ? "no key 'format'"
                    : root.path("format").toString();
            throw new IllegalArgumentException(file + " is not a provenance.json: key 'format'"
                    + " must be \"" + RunRecorder.FORMAT + "\", found " + found);
        }
        return root;
    }

    private static List<Change> checkInventories(JsonNode original, Options options,
            Map<String, List<Path>> inventories) {
        List<Change> changes = new ArrayList<>();
        for (JsonNode inv : original.path("inventories")) {
            String name = inv.path("name").asText();
            JsonNode files = inv.path("files");
            List<Path> paths = options.inventories().get(name);
            if (paths != null && paths.size() != files.size()) {
                changes.add(new Change(name, files.size() + " file(s)", paths.size()
                        + " file(s) given with --inventory"));
                continue;
            }
            List<Path> used = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Path p = paths != null ? paths.get(i) : Path.of(files.get(i).path("path")
                        .asText());
                FileDigest now = FileDigest.of(p);
                String label = files.size() == 1 ? name : name + "[" + i + "]";
                String before = text(files.get(i).path("sha256"), "missing");
                if (now.sha256() == null && "missing".equals(before)) {
                    // unchanged, but there is nothing to lay out: the original failed on it
                    throw new IllegalArgumentException("inventory '" + label + "' file " + p
                            + " was missing in the original run (its result: "
                            + status(original) + ") and is missing now; nothing changed, and"
                            + " a re-run needs the file: give --inventory " + name + "=PATH");
                }
                String after = now.sha256() == null ? "missing (" + p + ")" : now.sha256();
                if (!before.equals(after)) {
                    changes.add(new Change(label, before, after));
                }
                used.add(p);
            }
            inventories.put(name, used);
        }
        return changes;
    }

    private static LocalRunner.Request request(JsonNode original, Options options,
            Map<String, List<Path>> inventories) {
        Map<String, String> params = new LinkedHashMap<>();
        original.path("parameters").properties().forEach(e -> params.put(e.getKey(),
                e.getValue().asText()));
        params.putAll(options.params());
        params.forEach((k, v) -> {
            if (RunRecorder.MASK.equals(v)) {
                throw new IllegalArgumentException("parameter '" + k + "' was recorded masked ("
                        + RunRecorder.MASK + ") because its name looks like a secret; give its"
                        + " value with --param " + k + "=VALUE");
            }
        });
        Path inventoryRoot = options.out().resolve("inventory");
        inventories.forEach((name, paths) -> paths.forEach(p -> {
            if (p.toAbsolutePath().normalize().startsWith(inventoryRoot)) {
                throw new IllegalArgumentException("inventory '" + name + "' file " + p + " lies"
                        + " under the re-run's layout " + inventoryRoot + ", which the re-run"
                        + " rewrites; give another --out");
            }
        }));
        JsonNode launch = original.path("launch");
        Path jar = options.jar();
        String mainClass = options.mainClass();
        String classpath = options.classpath();
        if (jar == null && mainClass == null) {
            if (launch.hasNonNull("jar")) {
                jar = Path.of(launch.path("jar").asText());
            } else if (launch.hasNonNull("main_class")) {
                mainClass = launch.path("main_class").asText();
                classpath = classpath != null ? classpath : text(launch.path("classpath"), null);
            } else {
                throw new IllegalArgumentException("the provenance records no jar or main class"
                        + " (launch: " + launch + "); give --jar FILE or --main-class CLASS");
            }
        }
        if (jar != null && !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("AIT jar " + jar + " (from "
                    + (options.jar() != null ? "--jar" : "the provenance's launch.jar")
                    + ") does not exist; build the AIT or give --jar FILE");
        }
        return new LocalRunner.Request(jar, mainClass, classpath, inventories, params,
                options.out(), null, null, options.timeout());
    }

    private static List<Change> recordedInputChanges(JsonNode original, JsonNode rerun) {
        List<Change> changes = new ArrayList<>();
        JsonNode before = original.path("mlflow").path("table_digests");
        JsonNode after = rerun.path("mlflow").path("table_digests");
        before.properties().forEach(e -> {
            String now = text(after.path(e.getKey()), "not read");
            if (!now.equals(e.getValue().asText())) {
                changes.add(new Change("table of run " + e.getKey(), e.getValue().asText(),
                        now));
            }
        });
        after.properties().forEach(e -> {
            if (!before.has(e.getKey())) {
                changes.add(new Change("table of run " + e.getKey(), "not read",
                        e.getValue().asText()));
            }
        });
        Map<String, String> otherBefore = byLabel(original.path("other_inputs"));
        Map<String, String> otherAfter = byLabel(rerun.path("other_inputs"));
        otherBefore.forEach((label, sha) -> {
            String now = otherAfter.getOrDefault(label, "not read");
            if (!now.equals(sha)) {
                changes.add(new Change(label, sha, now));
            }
        });
        Set<String> runsBefore = runIds(original);
        Set<String> runsAfter = runIds(rerun);
        if (!runsBefore.equals(runsAfter)) {
            changes.add(new Change("MLflow runs read", String.join(",", runsBefore),
                    String.join(",", runsAfter)));
        }
        return changes;
    }

    private static Map<String, String> byLabel(JsonNode list) {
        Map<String, String> out = new LinkedHashMap<>();
        list.forEach(n -> out.put(n.path("label").asText(), text(n.path("sha256"), "missing")));
        return out;
    }

    private static Set<String> runIds(JsonNode provenance) {
        Set<String> ids = new java.util.TreeSet<>();
        provenance.path("mlflow").path("runs_read").forEach(r -> ids.add(r.path("run_id")
                .asText()));
        return ids;
    }

    private static List<Row> compare(JsonNode original, JsonNode rerun) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("(result)", status(original), status(rerun)));
        Set<String> names = new LinkedHashSet<>();
        original.path("measures").fieldNames().forEachRemaining(names::add);
        rerun.path("measures").fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            rows.add(new Row(n, text(original.path("measures").path(n), null),
                    text(rerun.path("measures").path(n), null)));
        }
        return rows;
    }

    private static List<String> notes(JsonNode original, JsonNode rerun) {
        List<String> notes = new ArrayList<>();
        JsonNode failed = rerun.path("result");
        if (!status(original).equals(status(rerun)) && failed.hasNonNull("error_code")) {
            // why the measures are missing, without opening the re-run's ait.output.json
            notes.add(cut("the re-run failed with " + failed.path("error_code").asText() + ": "
                    + text(failed.path("error"), "(no detail)")));
        }
        if (!original.path("llm").equals(rerun.path("llm"))) {
            notes.add(cut("LLM endpoints or settings differ: " + original.path("llm") + " -> "
                    + rerun.path("llm")));
        }
        if (!original.path("search").equals(rerun.path("search"))) {
            notes.add(cut("search backends differ: " + original.path("search") + " -> "
                    + rerun.path("search")));
        }
        if (!original.path("cache").equals(rerun.path("cache"))) {
            notes.add(cut("cache digests differ (entries were added or removed): "
                    + original.path("cache") + " -> " + rerun.path("cache")));
        }
        // e.g. LLM accounting: a re-run answered from the cache shows zero calls here
        JsonNode attrsBefore = original.path("attributes");
        rerun.path("attributes").properties().forEach(e -> {
            if (!e.getValue().equals(attrsBefore.path(e.getKey()))) {
                notes.add(cut("attribute " + e.getKey() + ": " + attrsBefore.path(e.getKey())
                        + " -> " + e.getValue()));
            }
        });
        String commitBefore = text(original.path("git").path("commit"), "unknown");
        String commitAfter = text(rerun.path("git").path("commit"), "unknown");
        if (!commitBefore.equals(commitAfter)) {
            notes.add("git commit differs: " + commitBefore + " -> " + commitAfter);
        }
        return notes;
    }

    private static String cut(String note) {
        return note.length() <= NOTE_MAX ? note : note.substring(0, NOTE_MAX - 1) + "…";
    }

    private static String status(JsonNode provenance) {
        JsonNode r = provenance.path("result");
        String s = r.path("status").asText("unknown");
        return r.hasNonNull("error_code") ? s + " " + r.path("error_code").asText() : s;
    }

    private static String text(JsonNode n, String fallback) {
        return n == null || n.isMissingNode() || n.isNull() ? fallback : n.asText();
    }

    /** Prints the comparison table and the verdict for a person. */
    public static void print(Result r, Path provenanceFile, PrintStream out) {
        out.println("Re-run of " + r.ait() + " from " + provenanceFile);
        r.changes().forEach(c -> out.println(c.line()));
        if (r.run() == null) {
            out.println("Not re-run: " + r.changes().size() + " input(s) changed since the"
                    + " original run (exit status " + r.exitStatus() + ")");
            return;
        }
        int width = Math.max("MEASURE".length(), r.rows().stream()
                .mapToInt(x -> x.measure().length()).max().orElse(0));
        int w2 = Math.max("ORIGINAL".length(), r.rows().stream()
                .mapToInt(x -> String.valueOf(x.original()).length()).max().orElse(0));
        int w3 = Math.max("RE-RUN".length(), r.rows().stream()
                .mapToInt(x -> String.valueOf(x.rerun()).length()).max().orElse(0));
        String format = "  %-" + width + "s  %-" + w2 + "s  %-" + w3 + "s  %s%n";
        out.printf(format, "MEASURE", "ORIGINAL", "RE-RUN", "IDENTICAL");
        r.rows().forEach(x -> out.printf(format, x.measure(), x.original() == null ? "(none)"
                : x.original(), x.rerun() == null ? "(none)" : x.rerun(),
                x.identical() ? "yes" : "NO"));
        r.notes().forEach(n -> out.println("note: " + n));
        long differ = r.rows().stream().filter(x -> !x.identical()).count();
        long measures = r.rows().size() - 1;
        if (r.exitStatus() == EXIT_INPUT_CHANGED) {
            out.println("Inputs changed (listed above): the results are not a reproduction"
                    + " (exit status " + EXIT_INPUT_CHANGED + ")");
        } else if (differ == 0 && measures == 0) {
            out.println("Identical: no measures in either run; the result status "
                    + r.rows().get(0).original() + " is the same (exit status "
                    + EXIT_IDENTICAL + ")");
        } else if (differ == 0) {
            out.println("Identical: all " + measures + " measures and the result status"
                    + " (exit status " + EXIT_IDENTICAL + ")");
        } else {
            out.println("Different: " + differ + " of " + r.rows().size() + " values differ"
                    + " (exit status " + EXIT_DIFFERENT + ")");
        }
        out.println("Re-run output: " + r.run().outputFile());
    }
}
