package io.llmtestbed.ait.sdk.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.manifest.Inventory;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.manifest.MethodParam;
import io.llmtestbed.ait.sdk.runtime.AitException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The contents of {@code {dir}/ait.input.json} as Qunomon writes it:
 * {@code testbed_mount_volume_path}, {@code run_id}, {@code job_id} (int, or a string such as
 * qunomon-lite's {@code "-"}), {@code Inventories[{Name, Value}]} with a path or a list of paths,
 * and {@code MethodParams[{Name, Value}]} with string values.
 *
 * <p>Every defect of the file is an {@link AitException} with code E102 (an input defect, as the
 * Python SDK's {@code FileNotFoundError}/{@code ValueError} for the same cases). {@link
 * #resolve(Manifest)} checks the values against the manifest.
 */
public final class AitInput {

    /** File name inside the directory given as the AIT's one argument. */
    public static final String FILE_NAME = "ait.input.json";

    private final Path file;
    private final Path mountPath;
    private final String jobId;
    private final String runId;
    private final Map<String, List<String>> inventories;
    private final Map<String, String> methodParams;

    private AitInput(Path file, Path mountPath, String jobId, String runId,
            Map<String, List<String>> inventories, Map<String, String> methodParams) {
        this.file = file;
        this.mountPath = mountPath;
        this.jobId = jobId;
        this.runId = runId;
        this.inventories = inventories;
        this.methodParams = methodParams;
    }

    /**
     * Reads {@code {dir}/ait.input.json}.
     *
     * @throws AitException E102 when the file is missing, unreadable, not JSON (with line and
     *     column), or lacks a required key
     */
    public static AitInput read(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            String why = Files.isDirectory(dir) ? "there is no " + FILE_NAME + " in " + dir
                    : "the directory " + dir + " does not exist";
            throw AitException.invalidInput(FILE_NAME + " not found: " + why + ". The AIT takes"
                    + " one argument, the directory holding " + FILE_NAME + " (Qunomon passes"
                    + " /usr/local/qai/mnt/ip/job_args/{job}/{run}); pass that directory, or run"
                    + " the AIT with LocalRunner, which writes it");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw AitException.invalidInput("cannot read " + file + ": " + e, e);
        }
        JsonNode root;
        try {
            root = JsonFormat.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw AitException.invalidInput(file + " is not well-formed JSON" + where + ": "
                    + JsonFormat.withoutSourceNote(e.getOriginalMessage()) + "; fix the JSON syntax (the platform writes"
                    + " {\"testbed_mount_volume_path\": …, \"run_id\": …, \"job_id\": …,"
                    + " \"Inventories\": […], \"MethodParams\": […]})", e);
        }
        return parse(file, root);
    }

    private static AitInput parse(Path file, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw AitException.invalidInput(file + " must hold a JSON object; found "
                    + (root == null ? "nothing" : root.getNodeType()));
        }
        JsonNode mount = root.get("testbed_mount_volume_path");
        if (mount == null || !mount.isTextual() || mount.asText().isBlank()) {
            throw AitException.invalidInput(file + ": key testbed_mount_volume_path must be a"
                    + " non-empty string (the platform's shared volume, /usr/local/qai/mnt);"
                    + " found " + (mount == null ? "(missing)" : mount.toString()));
        }
        String job = id(file, root, "job_id");
        String run = id(file, root, "run_id");
        Map<String, List<String>> invs = new LinkedHashMap<>();
        for (Entry e : entries(file, root, "Inventories")) {
            List<String> paths = new ArrayList<>();
            if (e.value.isTextual()) {
                paths.add(e.value.asText());
            } else if (e.value.isArray() && !e.value.isEmpty()) {
                for (JsonNode p : e.value) {
                    if (!p.isTextual()) {
                        throw AitException.invalidInput(file + ": " + e.path + ".Value must hold"
                                + " only path strings; found " + p);
                    }
                    paths.add(p.asText());
                }
            } else {
                throw AitException.invalidInput(file + ": " + e.path + ".Value must be a path"
                        + " string or a non-empty list of path strings; found " + e.value);
            }
            invs.put(e.name, List.copyOf(paths));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Entry e : entries(file, root, "MethodParams")) {
            if (!e.value.isValueNode() || e.value.isNull()) {
                throw AitException.invalidInput(file + ": " + e.path + ".Value must be a string"
                        + "; found " + e.value);
            }
            params.put(e.name, e.value.asText());
        }
        return new AitInput(file, Path.of(mount.asText()), job, run,
                java.util.Collections.unmodifiableMap(invs),
                java.util.Collections.unmodifiableMap(params));
    }

    private static String id(Path file, JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || !(v.isIntegralNumber() || v.isTextual()) || v.asText().isBlank()
                || v.asText().contains("/") || v.asText().contains("..")) {
            throw AitException.invalidInput(file + ": key " + key + " must be an int (or a"
                    + " string without '/'); found " + (v == null ? "(missing)" : v.toString()));
        }
        return v.asText();
    }

    private record Entry(String path, String name, JsonNode value) {
    }

    private static List<Entry> entries(Path file, JsonNode root, String key) {
        JsonNode list = root.get(key);
        List<Entry> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw AitException.invalidInput(file + ": key " + key + " must be a list of"
                    + " {\"Name\": …, \"Value\": …}; found " + list.getNodeType());
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            String path = key + "[" + i + "]";
            JsonNode name = e.get("Name");
            if (name == null || !name.isTextual() || e.get("Value") == null) {
                throw AitException.invalidInput(file + ": " + path + " must be {\"Name\":"
                        + " string, \"Value\": …}; found " + e);
            }
            if (out.stream().anyMatch(x -> x.name.equals(name.asText()))) {
                throw AitException.invalidInput(file + ": " + path + ".Name '" + name.asText()
                        + "' appears twice in " + key + "; give each name once");
            }
            out.add(new Entry(path, name.asText(), e.get("Value")));
        }
        return out;
    }

    /**
     * Checks this input against the manifest: every inventory declared and present, every file
     * existing, every parameter declared, castable and within min/max (defaults filled in).
     *
     * @throws AitException E102 naming the inventory or parameter, the value and the rule
     */
    public ResolvedInput resolve(Manifest manifest) {
        for (String name : inventories.keySet()) {
            if (manifest.inventory(name).isEmpty()) {
                throw AitException.invalidInput(file + ": inventory '" + name + "' is not an"
                        + " inventory of AIT " + manifest.name() + "; its inventories are "
                        + names(manifest.inventories().stream().map(Inventory::name).toList())
                        + "; rename or remove it");
            }
        }
        Map<String, List<Path>> paths = new LinkedHashMap<>();
        for (Inventory inv : manifest.inventories()) {
            List<String> values = inventories.get(inv.name());
            if (values == null) {
                throw AitException.invalidInput(file + ": inventory '" + inv.name() + "' ("
                        + inv.type().wireName() + ", format " + inv.requirement().format()
                        + ") is missing from Inventories; register it for the run");
            }
            List<Path> files = new ArrayList<>();
            for (String v : values) {
                Path p = Path.of(v);
                if (!Files.exists(p)) {
                    throw AitException.invalidInput("inventory '" + inv.name() + "' file " + p
                            + " does not exist; check the path in " + file
                            + " (Qunomon mounts inventories at /usr/local/qai/inventory/{name})");
                }
                files.add(p);
            }
            checkCount(inv, files.size());
            paths.put(inv.name(), List.copyOf(files));
        }
        for (String name : methodParams.keySet()) {
            if (manifest.parameter(name).isEmpty()) {
                throw AitException.invalidInput(file + ": parameter '" + name + "' is not a"
                        + " parameter of AIT " + manifest.name() + "; its parameters are "
                        + names(manifest.parameters().stream().map(MethodParam::name).toList())
                        + "; rename or remove it");
            }
        }
        return new ResolvedInput(this, paths, AitParameters.resolve(manifest.parameters(),
                methodParams));
    }

    private void checkCount(Inventory inv, int count) {
        String min = inv.requirement().min();
        String max = inv.requirement().max();
        if (max != null && count > Long.parseLong(max.strip())) {
            throw AitException.invalidInput("inventory '" + inv.name() + "' has " + count
                    + " files but accepts at most " + max + " (requirement.max); register fewer");
        }
        if (min != null && count < Long.parseLong(min.strip())) {
            throw AitException.invalidInput("inventory '" + inv.name() + "' has " + count
                    + " files but needs at least " + min + " (requirement.min); register more");
        }
    }

    private static String names(List<String> names) {
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    /** The file this was read from. */
    public Path file() {
        return file;
    }

    /** {@code testbed_mount_volume_path}: the platform's shared volume. */
    public Path mountPath() {
        return mountPath;
    }

    /** {@code job_id}, as text. */
    public String jobId() {
        return jobId;
    }

    /** {@code run_id}, as text. */
    public String runId() {
        return runId;
    }

    /** Inventories by name, each one or more paths, as written (not checked). */
    public Map<String, List<String>> inventories() {
        return inventories;
    }

    /** Parameter values by name, as written (not cast). */
    public Map<String, String> methodParams() {
        return methodParams;
    }

    /** Where the output goes: {@code {mount}/ip/job_result/{job}/{run}}. */
    public Path outputDir() {
        return outputDir(mountPath, jobId, runId);
    }

    /** {@code {mount}/ip/job_result/{job}/{run}}. */
    public static Path outputDir(Path mount, String job, String run) {
        return mount.resolve("ip").resolve("job_result").resolve(job).resolve(run);
    }
}
