package io.llmtestbed.ait.sdk.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.manifest.Measure;
import io.llmtestbed.ait.sdk.manifest.Structure;
import io.llmtestbed.ait.sdk.manifest.ValueType;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Collects the results of one run and writes {@code {outputDir}/ait.output.json} exactly as
 * Qunomon reads it: {@code AIT{Name, Version}}, {@code ExecuteInfo{StartDateTime, EndDateTime,
 * MachineInfo}} and either {@code Result{Measures, Resources, Downloads}} (empty lists left out)
 * or {@code ExecuteInfo.Error{Code, Detail}}. UTF-8, not ASCII-escaped, indent 4, written
 * atomically.
 *
 * <p>Every name is checked against the manifest: an undeclared name is an AIT bug (E101).
 * Measure values are numeric text, because Qunomon stores each with {@code float()}: sequences
 * are comma-joined, booleans are 0/1, NaN and infinities are refused. Not thread-safe.
 */
public final class AitOutput {

    /** File name of the output. */
    public static final String FILE_NAME = "ait.output.json";

    /** {@code %Y-%m-%dT%H:%M:%S%z}, e.g. {@code 2021-05-10T17:38:14+0900}. */
    public static final DateTimeFormatter TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx");

    private final Manifest manifest;
    private final Path outputDir;
    private final List<OutputEntry> measures = new ArrayList<>();
    private final List<OutputEntry> resources = new ArrayList<>();
    private final List<OutputEntry> downloads = new ArrayList<>();
    private final Map<String, String> notApplicable = new java.util.LinkedHashMap<>();

    /**
     * @param manifest the AIT's manifest (names are checked against it)
     * @param outputDir {@code {mount}/ip/job_result/{job}/{run}}; made absolute
     */
    public AitOutput(Manifest manifest, Path outputDir) {
        this.manifest = manifest;
        this.outputDir = outputDir.toAbsolutePath().normalize();
    }

    /** {@code {mount}/ip/job_result/{job}/{run}}, absolute. */
    public Path outputDir() {
        return outputDir;
    }

    /** Where {@code ait.output.json} is written. */
    public Path outputFile() {
        return outputDir.resolve(FILE_NAME);
    }

    /** Records a single value (for an int measure it must be whole; bool: 0 or 1). */
    public void addMeasure(String name, double value) {
        Measure m = declaredMeasure(name);
        addMeasureText(m, format(m, value));
    }

    /** Records a boolean as 0/1 (Qunomon cannot store "True"/"False"). */
    public void addMeasure(String name, boolean value) {
        Measure m = declaredMeasure(name);
        addMeasureText(m, value ? "1" : "0");
    }

    /**
     * Records a sequence, comma-joined. The measure must be declared {@code sequence}.
     *
     * @throws AitException E101 when the measure is {@code single} and more than one value is
     *     given, or a value is not finite
     */
    public void addMeasureSequence(String name, double... values) {
        Measure m = declaredMeasure(name);
        if (values.length == 0) {
            throw AitException.invalidDefinition("measure '" + name + "' got an empty sequence;"
                    + " record at least one value or do not record the measure");
        }
        if (m.structure() == Structure.SINGLE && values.length > 1) {
            throw AitException.invalidDefinition("measure '" + name + "' is declared single but"
                    + " got " + values.length + " values; declare it \"sequence\" or record one"
                    + " value");
        }
        addMeasureText(m, Arrays.stream(values).mapToObj(v -> format(m, v))
                .collect(Collectors.joining(",")));
    }

    private Measure declaredMeasure(String name) {
        return manifest.measure(name).orElseThrow(() -> AitException.invalidDefinition(
                "measure '" + name + "' is not declared in the manifest of " + manifest.name()
                        + " (report.measures: " + manifest.measures().stream().map(Measure::name)
                        .toList() + "); Qunomon rejects undeclared measures (R49030): declare"
                        + " it or fix the name"));
    }

    private void addMeasureText(Measure m, String text) {
        if (measures.stream().anyMatch(e -> e.name().equals(m.name()))) {
            throw AitException.invalidDefinition("measure '" + m.name() + "' was recorded twice;"
                    + " record each measure once (use a sequence measure for several values)");
        }
        measures.add(new OutputEntry(m.name(), text));
    }

    private static String format(Measure m, double value) {
        if (!Double.isFinite(value)) {
            throw AitException.executionFailed("measure '" + m.name() + "' value " + value
                    + " is not a finite number; Qunomon stores each value with float() and"
                    + " compares it; check the computation (e.g. an empty data set gives NaN)",
                    null);
        }
        if (m.type() == ValueType.INT || m.type() == ValueType.BOOL) {
            if (value != Math.rint(value) || Math.abs(value) > 9.007199254740992E15) {
                throw AitException.invalidDefinition("measure '" + m.name() + "' is declared "
                        + m.type().wireName() + " but got " + value + "; record a whole number"
                        + " or declare it float");
            }
            if (m.type() == ValueType.BOOL && value != 0 && value != 1) {
                throw AitException.invalidDefinition("measure '" + m.name() + "' is declared bool"
                        + " but got " + value + "; record 0 or 1 (or a boolean)");
            }
            return String.valueOf((long) value);
        }
        // LIMIT: Java's shortest round-trip text ("1.0E-5"), not Python's repr ("1e-05"); both
        // parse with float(), which is all Qunomon does with it.
        return Double.toString(value);
    }

    /**
     * Registers a resource file and returns its path,
     * {@code {outputDir}/resources/{name}/{fileName}}, creating the directory. Write the file
     * there before the run ends.
     */
    public Path resourcePath(String name, String fileName) {
        if (manifest.resource(name).isEmpty()) {
            throw AitException.invalidDefinition("resource '" + name + "' is not declared in the"
                    + " manifest of " + manifest.name() + " (report.resources: "
                    + manifest.resources().stream().map(r -> r.name()).toList() + "); declare"
                    + " it or fix the name");
        }
        return register(resources, "resources", name, fileName);
    }

    /**
     * Registers a download file and returns its path,
     * {@code {outputDir}/downloads/{name}/{fileName}}, creating the directory.
     */
    public Path downloadPath(String name, String fileName) {
        if (manifest.download(name).isEmpty()) {
            throw AitException.invalidDefinition("download '" + name + "' is not declared in the"
                    + " manifest of " + manifest.name() + " (downloads: "
                    + manifest.downloads().stream().map(d -> d.name()).toList() + "); declare"
                    + " it or fix the name");
        }
        return register(downloads, "downloads", name, fileName);
    }

    private Path register(List<OutputEntry> list, String kind, String name, String fileName) {
        if (fileName == null || fileName.isBlank() || fileName.contains("/")
                || fileName.contains("\\") || fileName.equals(".") || fileName.equals("..")) {
            throw AitException.invalidDefinition(kind + " '" + name + "' file name '" + fileName
                    + "' must be a plain file name (no directories); e.g. \"table.csv\"");
        }
        Path dir = outputDir.resolve(kind).resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e, e);
        }
        Path file = dir.resolve(fileName);
        OutputEntry entry = new OutputEntry(name, file.toString());
        if (!list.contains(entry)) {
            list.add(entry);
        }
        return file;
    }

    /**
     * Marks a declared measure as not applicable to this run (for example a comparison that
     * needs two runs): it is left out of the output, and the harness logs it at INFO with the
     * reason instead of warning that it was not recorded.
     *
     * @throws AitException E101 when the measure is not declared
     */
    public void markNotApplicable(String name, String reason) {
        declaredMeasure(name);
        notApplicable.putIfAbsent(name, reason);
    }

    /** Measure name → reason, for measures marked {@linkplain #markNotApplicable not applicable}. */
    public Map<String, String> notApplicable() {
        return java.util.Collections.unmodifiableMap(notApplicable);
    }

    /** Measures recorded so far, in order. */
    public List<OutputEntry> measures() {
        return List.copyOf(measures);
    }

    /** Resources registered so far, in order. */
    public List<OutputEntry> resources() {
        return List.copyOf(resources);
    }

    /** Downloads registered so far, in order. */
    public List<OutputEntry> downloads() {
        return List.copyOf(downloads);
    }

    /** Registered resource and download files that do not exist (yet). */
    public List<String> missingFiles() {
        List<String> missing = new ArrayList<>();
        for (OutputEntry e : resources) {
            if (!Files.exists(Path.of(e.value()))) {
                missing.add("resource '" + e.name() + "' " + e.value());
            }
        }
        for (OutputEntry e : downloads) {
            if (!Files.exists(Path.of(e.value()))) {
                missing.add("download '" + e.name() + "' " + e.value());
            }
        }
        return missing;
    }

    /** Writes a success output with the recorded results; returns the file written. */
    public Path writeSuccess(OffsetDateTime start, OffsetDateTime end, MachineInfo machine) {
        ObjectNode root = header(manifest.name(), manifest.version(), start, end, machine);
        ObjectNode result = root.putObject("Result");
        entries(result, "Measures", "Value", measures);
        entries(result, "Resources", "Path", resources);
        entries(result, "Downloads", "Path", downloads);
        JsonFormat.writeAtomically(root, outputFile());
        return outputFile();
    }

    /**
     * Writes an error output (no Result) to {@code {outputDir}/ait.output.json}.
     *
     * @param aitName the AIT name, or a placeholder when the manifest could not be built
     * @param aitVersion the AIT version, likewise
     */
    public static Path writeError(Path outputDir, String aitName, String aitVersion,
            OffsetDateTime start, OffsetDateTime end, MachineInfo machine, ErrorCode code,
            String detail) {
        ObjectNode root = header(aitName, aitVersion, start, end, machine);
        ((ObjectNode) root.get("ExecuteInfo")).putObject("Error").put("Code", code.name())
                .put("Detail", detail);
        Path file = outputDir.toAbsolutePath().normalize().resolve(FILE_NAME);
        JsonFormat.writeAtomically(root, file);
        return file;
    }

    private static ObjectNode header(String name, String version, OffsetDateTime start,
            OffsetDateTime end, MachineInfo mi) {
        ObjectNode root = JsonFormat.MAPPER.createObjectNode();
        root.putObject("AIT").put("Name", name).put("Version", version);
        ObjectNode exec = root.putObject("ExecuteInfo");
        exec.put("StartDateTime", TIME_FORMAT.format(start));
        exec.put("EndDateTime", TIME_FORMAT.format(end));
        exec.putObject("MachineInfo").put("cpu_brand", mi.cpuBrand())
                .put("cpu_arch", mi.cpuArch()).put("cpu_clocks", mi.cpuClocks())
                .put("cpu_cores", mi.cpuCores()).put("memory_capacity", mi.memoryCapacity());
        return root;
    }

    private static void entries(ObjectNode result, String key, String valueKey,
            List<OutputEntry> list) {
        if (list.isEmpty()) {
            return;
        }
        ArrayNode array = result.putArray(key);
        list.forEach(e -> array.addObject().put("Name", e.name()).put(valueKey, e.value()));
    }
}
