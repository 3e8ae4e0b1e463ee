package io.llmtestbed.ait.sdk.runtime;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.llmtestbed.ait.sdk.input.AitInput;
import io.llmtestbed.ait.sdk.input.ResolvedInput;
import io.llmtestbed.ait.sdk.manifest.Download;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.output.AitOutput;
import io.llmtestbed.ait.sdk.output.MachineInfo;
import io.llmtestbed.ait.sdk.provenance.GuidelineEvidence;
import io.llmtestbed.ait.sdk.provenance.Provenance;
import io.llmtestbed.ait.sdk.provenance.RunRecorder;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} harness of an AIT, as the platform expects it:
 * <ul>
 *   <li>exactly one argument, the directory holding {@code ait.input.json};</li>
 *   <li>{@code ait.output.json} is always written, with MachineInfo, either a Result or an
 *       {@code Error{Code, Detail}}, even when the input cannot be read;</li>
 *   <li>{@code ait.log} is written to {@code downloads/Log/ait.log} and listed as download
 *       {@code Log};</li>
 *   <li>{@code provenance.json} (what the run read and produced, see {@link RunRecorder}) is
 *       written to {@code downloads/Provenance/} and the egress audit to
 *       {@code downloads/EgressAudit/egress_audit.jsonl}, on success and on failure; on success
 *       both are listed as downloads when the manifest declares them (the builder does);</li>
 *   <li>the exit status is 0 (the platform judges a run by {@code ait.output.json} alone), and a
 *       person gets one line on stderr saying what happened.</li>
 * </ul>
 *
 * <p>Exceptions map to codes like the Python SDK's: {@link AitException} keeps its code;
 * {@link IllegalArgumentException} (with {@link NumberFormatException}), {@link
 * NoSuchFileException}, {@link FileNotFoundException}, {@link DateTimeParseException} and
 * malformed JSON are E102 (Python's {@code ValueError}/{@code FileNotFoundError});
 * {@link VirtualMachineError} ({@link OutOfMemoryError}, {@link StackOverflowError}, {@link
 * InternalError}) and {@link LinkageError} are E999 (Python's {@code MemoryError}, {@code
 * RecursionError} as a {@code RuntimeError}, {@code SystemError}); everything else, including
 * {@link IllegalStateException} and {@link NullPointerException}, is E901. A failure while
 * building the manifest is E101. Wrappers ({@link UncheckedIOException}, {@link
 * ExecutionException} …) are classified by their cause.
 *
 * <p>When {@code ait.input.json} cannot be read, the mount path is unknown: the output goes to
 * {@code {arg}/../../../job_result/{job}/{run}/} when the argument has the platform's layout
 * {@code …/ip/job_args/{job}/{run}}, else into the argument directory itself.
 */
public final class AitMain {

    /** Time zone of the timestamps; the Python SDK's timer is fixed at JST (+0900). */
    // LIMIT: fixed at +0900 like the Python SDK, not the machine's zone; not configurable.
    public static final ZoneOffset TIME_ZONE = ZoneOffset.ofHours(9);

    static final String UNKNOWN = "unknown";
    private static final int DETAIL_MAX = 4000;
    private static final int MAX_CAUSES = 4;
    private static final Logger LOG = LoggerFactory.getLogger(AitMain.class);
    /** Goes to ait.log only while a run is captured (see {@link LogCapture}). */
    private static final Logger TRACE_LOG = LoggerFactory.getLogger(LogCapture.FILE_ONLY_LOGGER);
    /** Longest one-line reason on stderr; longer ones keep their head and their "Fix:" part. */
    static final int ONE_LINE_MAX = 600;
    private static final String FIX = "Fix:";
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i)(key|token|secret|password|credential)");

    private AitMain() {
    }

    /**
     * Runs the AIT and exits the JVM with status 0 (also when stray non-daemon threads remain).
     * Use {@link #execute(Ait, String[], PrintStream)} in tests.
     */
    public static void run(Ait ait, String[] args) {
        int status = execute(ait, args, System.err);
        System.exit(status);
    }

    /**
     * Runs the AIT without exiting: the testable entry point.
     *
     * @param err where the one-line summary for a person goes
     * @return the exit status, always 0
     */
    public static int execute(Ait ait, String[] args, PrintStream err) {
        OffsetDateTime start = now();
        if (args == null || args.length != 1) {
            // LIMIT: with no input directory there is nowhere to write ait.output.json; the
            // platform always passes one argument, so only a person can get here.
            err.println("usage: java -jar <ait>.jar <input-dir>   (one argument, the directory"
                    + " holding ait.input.json, e.g. /usr/local/qai/mnt/ip/job_args/1/1; got "
                    + (args == null ? 0 : args.length) + " arguments; no ait.output.json"
                    + " written because there is no directory to write it to)");
            return 0;
        }
        Path inputDir = Path.of(args[0]).toAbsolutePath().normalize();
        AitInput input = null;
        Throwable inputFailure = null;
        Path outputDir;
        try {
            input = AitInput.read(inputDir);
            outputDir = input.outputDir();
        } catch (RuntimeException | Error e) {
            inputFailure = e;
            outputDir = fallbackOutputDir(inputDir);
        }
        return runWithLog(ait, inputDir, input, inputFailure, outputDir, start, err);
    }

    private static int runWithLog(Ait ait, Path inputDir, AitInput input, Throwable inputFailure,
            Path outputDir, OffsetDateTime start, PrintStream err) {
        Path logFile = outputDir.resolve("downloads").resolve(Download.LOG).resolve("ait.log");
        LogCapture capture = null;
        try {
            capture = LogCapture.start(logFile);
        } catch (IOException | RuntimeException e) {
            err.println("ait: cannot write " + logFile + " (" + e + "); continuing without"
                    + " ait.log");
        }
        String name = UNKNOWN;
        String version = UNKNOWN;
        AitOutput output = null;
        Provenance provenance = new Provenance();
        RunRecorder recorder = new RunRecorder(provenance, start);
        Provenance.setCurrent(provenance);
        // one JVM runs one AIT on the platform; in tests the audit must not carry earlier runs
        // LIMIT: the audit and Provenance.current() are per JVM: two AITs run at the same time
        // in one JVM (only possible in tests) would share them.
        EgressAudit.global().clear();
        try {
            LOG.info("AIT {} started with input directory {}", ait.getClass().getName(),
                    inputDir);
            if (inputFailure != null) {
                recorder.input(inputDir.resolve(AitInput.FILE_NAME), null, null);
                throw inputFailure;
            }
            recorder.input(input.file(), input.jobId(), input.runId());
            recorder.inventories(givenInventories(input));
            recorder.parameters(input.methodParams(), List.of());
            Manifest manifest = manifest(ait);
            name = manifest.name();
            version = manifest.version();
            recorder.ait(name, version);
            ResolvedInput resolved = input.resolve(manifest);
            recordParameters(recorder, input, resolved);
            LOG.info("AIT {} {}: job {} run {}, inventories {}, parameters {}", name, version,
                    input.jobId(), input.runId(), input.inventories(),
                    masked(input.methodParams()));
            output = new AitOutput(manifest, outputDir);
            ait.run(new AitContext(manifest, resolved, output,
                    LoggerFactory.getLogger(ait.getClass()), provenance));
            finishSuccess(manifest, output, capture);
            LOG.info("AIT {} {} finished: {} measures", name, version, output.measures().size());
            writeProvenance(recorder, outputDir, output, null, null);
            close(capture);
            Path file = output.writeSuccess(start, now(), MachineInfo.detect());
            err.println("ait: " + name + " " + version + " OK: " + output.measures().size()
                    + " measures, " + output.resources().size() + " resources; " + file);
        } catch (Throwable t) {
            ErrorCode code = classify(t);
            String detail = detail(t);
            LOG.error("AIT {} {} failed with {} ({}): {}", name, version, code, code.meaning(),
                    detail);
            TRACE_LOG.error("Stack trace of the {} failure", code, t);
            writeProvenance(recorder, outputDir, null, code, oneLine(detail));
            close(capture);
            if (capture == null || !capture.capturing()) {
                appendToLog(logFile, code + ": " + detail);
            }
            writeError(outputDir, name, version, start, code, detail, err);
        } finally {
            Provenance.setCurrent(null);
        }
        return 0;
    }

    /** Inventory paths as given in ait.input.json (before they are checked). */
    private static Map<String, List<Path>> givenInventories(AitInput input) {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        input.inventories().forEach((n, paths) -> out.put(n, paths.stream().map(Path::of)
                .toList()));
        return out;
    }

    private static void recordParameters(RunRecorder recorder, AitInput input,
            ResolvedInput resolved) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> defaulted = new java.util.ArrayList<>();
        for (String p : resolved.parameters().names()) {
            values.put(p, resolved.parameters().raw(p));
            if (!input.methodParams().containsKey(p)) {
                defaulted.add(p);
            }
        }
        recorder.parameters(values, defaulted);
        recorder.identify();
    }

    /**
     * Writes provenance.json and the egress audit; on success (output given) lists them as
     * downloads when the manifest declares them. A failure to write is logged, never fatal: the
     * result of the AIT stands without its provenance.
     */
    private static void writeProvenance(RunRecorder recorder, Path outputDir, AitOutput output,
            ErrorCode code, String error) {
        try {
            Map<String, String> measures = new LinkedHashMap<>();
            Map<String, String> notApplicable = Map.of();
            if (output != null) {
                output.measures().forEach(m -> measures.put(m.name(), m.value()));
                notApplicable = output.notApplicable();
            }
            Path file = recorder.write(outputDir, now(), new RunRecorder.Outcome(
                    code == null ? null : code.name(), error, measures, notApplicable));
            if (output != null) {
                register(output, Provenance.DOWNLOAD, file);
                register(output, RunRecorder.EGRESS_DOWNLOAD, outputDir.resolve("downloads")
                        .resolve(RunRecorder.EGRESS_DOWNLOAD).resolve(EgressAudit.FILE_NAME));
                GuidelineEvidence.Evidence evidence = GuidelineEvidence.load()
                        .evidence(recorder.aitName(), measures.keySet());
                LOG.info("Guideline evidence of this run: {}", evidence.summary());
            }
            LOG.info("Provenance written to {}", file);
        } catch (RuntimeException e) {
            LOG.warn("Cannot write provenance.json to {} ({}); the run's result is written"
                    + " without it", outputDir, e.toString());
        }
    }

    private static void register(AitOutput output, String download, Path file) {
        if (Files.isRegularFile(file) && output.outputDir().resolve("downloads").resolve(download)
                .equals(file.getParent())) {
            try {
                output.downloadPath(download, file.getFileName().toString());
            } catch (AitException e) {
                // the manifest was built without the builder and does not declare the download
                LOG.debug("download {} not declared; {} is written but not listed", download,
                        file);
            }
        }
    }

    private static Manifest manifest(Ait ait) {
        try {
            Manifest m = ait.manifest();
            if (m == null) {
                throw AitException.invalidDefinition(ait.getClass().getName()
                        + ".manifest() returned null; return Manifest.builder()…build()");
            }
            return m;
        } catch (AitException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AitException.invalidDefinition("the manifest of " + ait.getClass().getName()
                    + " is invalid: " + e.getMessage(), e);
        }
    }

    private static void finishSuccess(Manifest manifest, AitOutput output, LogCapture capture) {
        List<String> missing = output.missingFiles();
        if (!missing.isEmpty()) {
            throw AitException.executionFailed("files registered with resourceFile/downloadFile"
                    + " were not written: " + String.join(", ", missing) + "; write each file"
                    + " to the path returned, or do not register it", null);
        }
        List<String> unrecorded = manifest.measures().stream().map(m -> m.name())
                .filter(n -> output.measures().stream().noneMatch(e -> e.name().equals(n)))
                .toList();
        List<String> expected = unrecorded.stream()
                .filter(n -> output.notApplicable().containsKey(n)).toList();
        List<String> unexpected = unrecorded.stream()
                .filter(n -> !output.notApplicable().containsKey(n)).toList();
        if (!expected.isEmpty()) {
            Map<String, List<String>> byReason = new LinkedHashMap<>();
            expected.forEach(n -> byReason.computeIfAbsent(output.notApplicable().get(n),
                    k -> new java.util.ArrayList<>()).add(n));
            byReason.forEach((reason, names) -> LOG.info("{} measure(s) not recorded because"
                    + " they do not apply to this run ({}): {}", names.size(), reason,
                    String.join(", ", names)));
        }
        if (!unexpected.isEmpty()) {
            LOG.warn("{} declared measure(s) were not recorded; the output has no value for"
                    + " them: {}", unexpected.size(), String.join(", ", unexpected));
        }
        if (capture != null) {
            output.downloadPath(Download.LOG, capture.file().getFileName().toString());
        }
    }

    private static void writeError(Path outputDir, String name, String version,
            OffsetDateTime start, ErrorCode code, String detail, PrintStream err) {
        Path file = outputDir.resolve(AitOutput.FILE_NAME);
        try {
            file = AitOutput.writeError(outputDir, name, version, start, now(),
                    MachineInfo.detect(), code, detail);
        } catch (RuntimeException e) {
            err.println("ait: cannot write " + file + ": " + e.getMessage());
        }
        err.println("ait: " + name + " " + version + " failed with " + code + " ("
                + code.meaning() + "): " + oneLine(detail) + "; " + file);
    }

    /** The error code for a failure, as the class Javadoc lists it. */
    public static ErrorCode classify(Throwable t) {
        Throwable x = unwrap(t);
        if (x instanceof AitException a) {
            return a.code();
        }
        if (x instanceof VirtualMachineError || x instanceof LinkageError) {
            return ErrorCode.E999;
        }
        if (x instanceof IllegalArgumentException || x instanceof NoSuchFileException
                || x instanceof FileNotFoundException || x instanceof DateTimeParseException
                || x instanceof StreamReadException || x instanceof MismatchedInputException) {
            return ErrorCode.E102;
        }
        return ErrorCode.E901;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable x = t;
        while (x.getCause() != null && (x instanceof UncheckedIOException
                || x instanceof ExecutionException || x instanceof CompletionException
                || x instanceof InvocationTargetException
                || x instanceof UndeclaredThrowableException)) {
            x = x.getCause();
        }
        return x;
    }

    /**
     * The Detail text: the message, then a short cause chain; for exceptions other than
     * {@link AitException}, the class and the frame that threw. The full stack trace is in
     * {@code ait.log}.
     */
    public static String detail(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Throwable x = unwrap(t);
        sb.append(describe(x));
        if (!(x instanceof AitException) && x.getStackTrace().length > 0) {
            sb.append("\n  at ").append(x.getStackTrace()[0]);
        }
        Throwable cause = x.getCause();
        for (int i = 0; cause != null && cause != x && i < MAX_CAUSES; i++) {
            // a cause whose message the text already quotes adds nothing for a person
            if (cause.getMessage() == null || !sb.toString().contains(cause.getMessage())) {
                sb.append("\ncaused by: ").append(describe(cause));
            }
            cause = cause.getCause();
        }
        if (cause != null) {
            sb.append("\ncaused by: …");
        }
        sb.append("\n(full stack trace in ait.log)");
        return sb.length() > DETAIL_MAX ? sb.substring(0, DETAIL_MAX - 1) + "…" : sb.toString();
    }

    private static String describe(Throwable t) {
        String msg = t.getMessage();
        if (t instanceof AitException) {
            return msg == null ? t.getClass().getSimpleName() : msg;
        }
        return t.getClass().getName() + (msg == null ? "" : ": " + msg);
    }

    /**
     * The first line of a Detail, at most {@link #ONE_LINE_MAX} characters. When it is longer,
     * the middle is cut (marked with " … ") so that the problem at its start and the part from
     * its last "Fix:" on both survive.
     */
    static String oneLine(String detail) {
        String first = detail.lines().findFirst().orElse("");
        if (first.length() <= ONE_LINE_MAX) {
            return first;
        }
        String cut = " … ";
        int fix = first.lastIndexOf(FIX);
        if (fix < 0) {
            return first.substring(0, ONE_LINE_MAX - 1) + "…";
        }
        String tail = first.substring(fix);
        int headRoom = ONE_LINE_MAX - tail.length() - cut.length();
        if (headRoom < ONE_LINE_MAX / 3) {
            // a very long fix: keep a third for the problem, the rest for the fix
            headRoom = ONE_LINE_MAX / 3;
            tail = tail.substring(0, ONE_LINE_MAX - headRoom - cut.length() - 1) + "…";
        }
        return first.substring(0, headRoom) + cut + tail;
    }

    /**
     * Where the output goes when {@code ait.input.json} cannot be read: the platform layout
     * {@code {mount}/ip/job_args/{job}/{run}} gives {@code {mount}/ip/job_result/{job}/{run}};
     * any other directory receives the output itself.
     */
    public static Path fallbackOutputDir(Path inputDir) {
        Path run = inputDir.getFileName();
        Path jobDir = inputDir.getParent();
        Path args = jobDir == null ? null : jobDir.getParent();
        if (run != null && args != null && args.getFileName() != null
                && args.getFileName().toString().equals("job_args") && args.getParent() != null) {
            return args.getParent().resolve("job_result").resolve(jobDir.getFileName())
                    .resolve(run);
        }
        return inputDir;
    }

    /** Parameter values for the log, with values of key/token/secret/password names masked. */
    static Map<String, String> masked(Map<String, String> params) {
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, SECRET_NAME.matcher(k).find() ? "****" : v));
        return out;
    }

    private static void appendToLog(Path logFile, String text) {
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, text + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the Detail in ait.output.json still carries the reason
        }
    }

    private static void close(LogCapture capture) {
        if (capture != null) {
            capture.close();
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(TIME_ZONE).withNano(0);
    }
}
