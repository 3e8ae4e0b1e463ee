package io.llmtestbed.ait.sdk.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.input.AitInput;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import io.llmtestbed.ait.sdk.output.AitOutput;
import io.llmtestbed.ait.sdk.output.OutputEntry;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs an AIT on this machine the way Qunomon runs it, without Qunomon.
 *
 * <p>Under {@code --root} (default {@code .testbed/qai}) it copies each inventory file to
 * {@code {root}/inventory/{job}/{run}/{name}/{file}} (several files: {@code .../{name}/{index}/
 * {file}}; one directory per run, so that a later run never replaces the inventory an earlier
 * run's {@code provenance.json} names), writes
 * {@code {root}/mnt/ip/job_args/{job}/{run}/ait.input.json} with
 * {@code testbed_mount_volume_path = {root}/mnt}, starts the AIT in a new JVM with that
 * directory as its one argument, and reads {@code {root}/mnt/ip/job_result/{job}/{run}/
 * ait.output.json}. Job and run ids count up under the root unless given.
 *
 * <p>Exit status: 0 when the AIT reported a Result, 1 when it reported an Error, 2 for a usage
 * error, 3 when the AIT wrote no readable output (the platform would mark the run ERR).
 *
 * <p>{@code --rerun provenance.json [--out DIR]} re-runs a recorded run instead (see
 * {@link Rerun}): exit status 0 when every measure is identical, 4 when results differ, 5 when
 * an input changed, 2 for a usage error. {@code --inventory}, {@code --param}, {@code --jar},
 * {@code --main-class} and {@code --classpath} then override the recorded values.
 */
@Command(name = "ait-local-run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run an AIT locally with the platform's directory layout and print its"
                + " results.")
public final class LocalRunner implements Callable<Integer> {

    /** Exit status when the AIT reported an error. */
    public static final int EXIT_AIT_ERROR = 1;
    /** Exit status for a usage error (bad option, missing inventory path). */
    public static final int EXIT_USAGE = 2;
    /** Exit status when the AIT wrote no readable ait.output.json. */
    public static final int EXIT_NO_OUTPUT = 3;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "AIT jar, run as 'java -jar FILE <input-dir>'")
    private Path jar;

    @Option(names = "--main-class", paramLabel = "CLASS",
            description = "AIT main class, run with the same java and --classpath")
    private String mainClass;

    @Option(names = "--classpath", paramLabel = "PATH",
            description = "classpath for --main-class (default: this JVM's)")
    private String classpath;

    @Option(names = "--inventory", paramLabel = "NAME=PATH",
            description = "an inventory file or directory; repeat the name for several files")
    private List<String> inventories = new ArrayList<>();

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "a parameter value")
    private List<String> params = new ArrayList<>();

    @Option(names = "--root", paramLabel = "DIR", defaultValue = ".testbed/qai",
            description = "where the platform layout is made (default: ${DEFAULT-VALUE})")
    private Path root;

    @Option(names = "--job", description = "job id (default: next free under the root)")
    private Integer job;

    @Option(names = "--run", description = "run id (default: next free under the root)")
    private Integer run;

    @Option(names = "--rerun", paramLabel = "PROVENANCE",
            description = "re-run the run recorded in this provenance.json and compare its"
                    + " measures (exit 0 identical, 4 different, 5 input changed)")
    private Path rerun;

    @Option(names = "--out", paramLabel = "DIR",
            description = "with --rerun: root of the re-run's layout (default: ${DEFAULT-VALUE})",
            defaultValue = ".testbed/rerun")
    private Path out;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "stop the AIT after this many seconds (default: ${DEFAULT-VALUE})")
    private long timeoutSeconds;

    /**
     * What to run and with which inputs.
     *
     * @param jar AIT jar, or null
     * @param mainClass AIT main class, or null (exactly one of jar and mainClass)
     * @param classpath classpath for mainClass; null means this JVM's
     * @param inventories paths per inventory name, in order
     * @param params parameter values by name
     * @param root root of the layout
     * @param job job id, or null for the next free one
     * @param run run id, or null for the next free one
     * @param timeout how long the AIT may run
     */
    public record Request(Path jar, String mainClass, String classpath,
            Map<String, List<Path>> inventories, Map<String, String> params, Path root,
            Integer job, Integer run, Duration timeout) {

        public Request {
            if ((jar == null) == (mainClass == null)) {
                throw new IllegalArgumentException("give exactly one of --jar and --main-class;"
                        + " got " + (jar == null ? "neither" : "both"));
            }
            inventories = copy(inventories);
            params = Map.copyOf(params);
            root = root.toAbsolutePath().normalize();
            timeout = timeout == null ? Duration.ofHours(1) : timeout;
        }

        private static Map<String, List<Path>> copy(Map<String, List<Path>> in) {
            Map<String, List<Path>> out = new LinkedHashMap<>();
            in.forEach((k, v) -> out.put(k, List.copyOf(v)));
            return java.util.Collections.unmodifiableMap(out);
        }

        /** A request for a main class on this JVM's classpath. */
        public static Request mainClass(String mainClass, Map<String, List<Path>> inventories,
                Map<String, String> params, Path root) {
            return new Request(null, mainClass, null, inventories, params, root, null, null,
                    null);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalRunner()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (rerun != null) {
            return rerun();
        }
        Request request;
        try {
            request = new Request(jar, mainClass, classpath, pairsToPaths(inventories),
                    pairsToMap(params), root, job, run, Duration.ofSeconds(timeoutSeconds));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        String missing = missingInventory(request.inventories());
        if (missing != null) {
            // one line, no usage text and no stack trace: the path is the whole problem
            spec.commandLine().getErr().println("ait-local-run: " + missing);
            return EXIT_USAGE;
        }
        LocalRun result = run(request);
        print(result, new PrintStream(System.out, true, StandardCharsets.UTF_8));
        if (result.output() == null) {
            return EXIT_NO_OUTPUT;
        }
        return result.succeeded() ? 0 : EXIT_AIT_ERROR;
    }

    private int rerun() throws IOException, InterruptedException {
        Rerun.Result result;
        try {
            Rerun.Options options = new Rerun.Options(jar, mainClass, classpath,
                    pairsToPaths(inventories), pairsToMap(params), out,
                    Duration.ofSeconds(timeoutSeconds));
            result = Rerun.rerun(rerun, options);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("ait-local-run --rerun: " + e.getMessage());
            return EXIT_USAGE;
        }
        Rerun.print(result, rerun, new PrintStream(System.out, true, StandardCharsets.UTF_8));
        return result.exitStatus();
    }

    /** The usage error for the first inventory path that does not exist, or null. */
    static String missingInventory(Map<String, List<Path>> inventories) {
        for (Map.Entry<String, List<Path>> e : inventories.entrySet()) {
            for (Path p : e.getValue()) {
                if (!Files.exists(p)) {
                    return "--inventory " + e.getKey() + "=" + p + ": no such file or directory ("
                            + p.toAbsolutePath().normalize() + "); give an existing file or"
                            + " directory for inventory '" + e.getKey() + "'";
                }
            }
        }
        return null;
    }

    private Map<String, List<Path>> pairsToPaths(List<String> pairs) {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        for (String p : pairs) {
            String[] kv = split("--inventory", p);
            out.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(Path.of(kv[1]));
        }
        return out;
    }

    private Map<String, String> pairsToMap(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            String[] kv = split("--param", p);
            if (out.put(kv[0], kv[1]) != null) {
                throw new IllegalArgumentException("--param " + kv[0] + " given twice; give each"
                        + " parameter once");
            }
        }
        return out;
    }

    private static String[] split(String option, String pair) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(option + " must be NAME=VALUE; got '" + pair + "'");
        }
        return new String[] {pair.substring(0, eq), pair.substring(eq + 1)};
    }

    /**
     * Lays out the inputs, runs the AIT in a new JVM and reads its output.
     *
     * @throws IllegalArgumentException when an inventory path does not exist
     */
    public static LocalRun run(Request r) throws IOException, InterruptedException {
        Path mount = r.root().resolve("mnt");
        int jobId = r.job() != null ? r.job() : next(mount.resolve("ip/job_args"), 1) + 1;
        int runId = r.run() != null ? r.run() : nextRun(mount.resolve("ip/job_args"));
        Path inputDir = mount.resolve("ip/job_args").resolve(String.valueOf(jobId))
                .resolve(String.valueOf(runId));
        ObjectNode input = JsonFormat.MAPPER.createObjectNode();
        input.put("testbed_mount_volume_path", mount.toString());
        input.put("run_id", runId);
        input.put("job_id", jobId);
        ArrayNode invs = input.putArray("Inventories");
        for (Map.Entry<String, List<Path>> e : r.inventories().entrySet()) {
            List<Path> copied = copyInventory(r.root().resolve("inventory")
                    .resolve(String.valueOf(jobId)).resolve(String.valueOf(runId)), e.getKey(),
                    e.getValue());
            ObjectNode n = invs.addObject().put("Name", e.getKey());
            if (copied.size() == 1) {
                n.put("Value", copied.get(0).toString());
            } else {
                ArrayNode values = n.putArray("Value");
                copied.forEach(p -> values.add(p.toString()));
            }
        }
        ArrayNode params = input.putArray("MethodParams");
        r.params().forEach((k, v) -> params.addObject().put("Name", k).put("Value", v));
        JsonFormat.writeAtomically(input, inputDir.resolve(AitInput.FILE_NAME));
        Path outputDir = AitInput.outputDir(mount, String.valueOf(jobId), String.valueOf(runId));
        Files.deleteIfExists(outputDir.resolve(AitOutput.FILE_NAME));
        int status = launch(r, inputDir);
        Path stderrFile = logsDir(r.root(), jobId, runId).resolve("stderr.txt");
        String stderr = Files.readString(stderrFile, StandardCharsets.UTF_8);
        Path outputFile = outputDir.resolve(AitOutput.FILE_NAME);
        JsonNode output = null;
        if (Files.isRegularFile(outputFile)) {
            try {
                output = JsonFormat.MAPPER.readTree(outputFile.toFile());
            } catch (IOException e) {
                output = null;
            }
        }
        return new LocalRun(jobId, runId, inputDir, outputFile, status, stderr, output,
                stderrFile.getParent());
    }

    // LIMIT: runs a JVM on this machine, not the AIT's container image: paths are under --root
    // instead of /usr/local/qai, and the image's Dockerfile and dependencies are not exercised.
    private static int launch(Request r, Path inputDir) throws IOException, InterruptedException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        if (r.jar() != null) {
            cmd.addAll(List.of("-jar", r.jar().toAbsolutePath().toString()));
        } else {
            String cp = r.classpath() != null ? r.classpath()
                    : System.getProperty("java.class.path");
            cmd.addAll(List.of("-cp", cp, r.mainClass()));
        }
        cmd.add(inputDir.toString());
        String[] parts = inputDir.toString().split("[/\\\\]");
        Path logs = logsDir(r.root(), Integer.parseInt(parts[parts.length - 2]),
                Integer.parseInt(parts[parts.length - 1]));
        Files.createDirectories(logs);
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(logs.resolve("stdout.txt").toFile())
                .redirectError(logs.resolve("stderr.txt").toFile())
                .start();
        if (!p.waitFor(r.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            Files.writeString(logs.resolve("stderr.txt"), "\nait-local-run: stopped the AIT"
                    + " after " + r.timeout() + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        return p.exitValue();
    }

    private static Path logsDir(Path root, int job, int run) {
        return root.resolve("logs").resolve(job + "-" + run);
    }

    private static List<Path> copyInventory(Path runInventories, String name, List<Path> sources)
            throws IOException {
        Path base = runInventories.resolve(name);
        deleteTree(base);
        List<Path> copied = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Path src = sources.get(i).toAbsolutePath().normalize();
            if (!Files.exists(src)) {
                throw new IllegalArgumentException("--inventory " + name + "=" + sources.get(i)
                        + ": no such file or directory; give an existing path");
            }
            Path dir = sources.size() == 1 ? base : base.resolve(String.valueOf(i));
            Path target = dir.resolve(src.getFileName().toString());
            copyTree(src, target);
            copied.add(target);
        }
        return copied;
    }

    private static void copyTree(Path src, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = target.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.createDirectories(t.getParent());
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static int next(Path dir, int depth) throws IOException {
        return ids(dir, depth).max().orElse(0);
    }

    private static int nextRun(Path jobArgs) throws IOException {
        return ids(jobArgs, 2).max().orElse(0) + 1;
    }

    private static java.util.stream.IntStream ids(Path dir, int depth) throws IOException {
        if (!Files.isDirectory(dir)) {
            return java.util.stream.IntStream.empty();
        }
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir, depth)) {
            walk.filter(p -> dir.relativize(p).getNameCount() == depth && Files.isDirectory(p))
                    .forEach(p -> parse(p.getFileName().toString()).ifPresent(out::add));
        }
        return out.stream().mapToInt(Integer::intValue);
    }

    private static OptionalInt parse(String s) {
        try {
            return OptionalInt.of(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Prints the result for a person: measures as a table, files, the output path. */
    public static void print(LocalRun r, PrintStream out) {
        if (r.output() == null) {
            out.println("The AIT wrote no readable " + AitOutput.FILE_NAME + " at "
                    + r.outputFile() + " (exit status " + r.exitStatus() + "); Qunomon would"
                    + " mark this run ERR (R49020). Its stderr:");
            out.println(r.stderr().strip());
            return;
        }
        JsonNode ait = r.output().path("AIT");
        String head = "AIT " + ait.path("Name").asText() + " " + ait.path("Version").asText()
                + " (job " + r.jobId() + ", run " + r.runId() + "): ";
        if (r.errorCode().isPresent()) {
            String code = r.errorCode().get();
            String meaning = Stream.of(ErrorCode.values()).filter(c -> c.name().equals(code))
                    .map(ErrorCode::meaning).findFirst().orElse("unknown code");
            out.println(head + "ERROR " + code + " (" + meaning + ")");
            r.errorDetail().orElse("").lines().forEach(l -> out.println("  " + l));
        } else {
            out.println(head + "OK");
            table(out, "Measures", "NAME", "VALUE", r.measures());
            table(out, "Resources", "NAME", "PATH", r.resources());
            table(out, "Downloads", "NAME", "PATH", r.downloads());
        }
        out.println("Output: " + r.outputFile());
        out.println("Console of the AIT: " + r.consoleDir());
    }

    private static void table(PrintStream out, String title, String h1, String h2,
            List<OutputEntry> rows) {
        if (rows.isEmpty()) {
            out.println(title + ": (none)");
            return;
        }
        int width = Math.max(h1.length(), rows.stream().mapToInt(e -> e.name().length()).max()
                .orElse(0));
        out.println(title + ":");
        out.printf("  %-" + width + "s  %s%n", h1, h2);
        rows.forEach(e -> out.printf("  %-" + width + "s  %s%n", e.name(), e.value()));
    }
}
