package io.llmtestbed.ait.sdk.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbed.ait.sdk.guideline.Guideline;
import io.llmtestbed.ait.sdk.guideline.QualityCharacteristic;
import io.llmtestbed.ait.sdk.manifest.Violation.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an {@code ait.manifest.json} the way Qunomon does when an AIT is installed
 * ({@code ait_local.py::__check_manifest} and its marshmallow DTO with {@code unknown=RAISE}), plus
 * the rules of the Python SDK's generator, and returns every violation at once.
 *
 * <p>Errors are what Qunomon rejects, or what makes every run of the AIT fail. Warnings are
 * accepted by Qunomon but probably wrong (e.g. the string comparison Qunomon does on min/max).
 * The validator never throws on content; it works on any JSON.
 */
public final class ManifestValidator {

    static final List<String> TOP_LEVEL_KEYS = List.of("name", "description",
            "source_repository", "version", "quality", "keywords", "references", "licenses",
            "inventories", "parameters", "report", "downloads");
    private static final Set<String> INVENTORY_KEYS =
            Set.of("name", "type", "description", "requirement", "depends_on_parameter");
    private static final Set<String> REQUIREMENT_KEYS = Set.of("format", "compatible_packages",
            "additional_info", "min", "max", "depends_on_parameter");
    private static final Set<String> PACKAGE_KEYS = Set.of("name", "version", "additional_info");
    private static final Set<String> PARAMETER_KEYS = Set.of("name", "type", "description",
            "default_val", "min", "max", "depends_on_parameter");
    private static final Set<String> MEASURE_KEYS =
            Set.of("name", "type", "description", "structure", "min", "max");
    private static final Set<String> RESOURCE_KEYS = Set.of("name", "type", "description");
    private static final Set<String> DOWNLOAD_KEYS = Set.of("name", "description");
    private static final Set<String> REFERENCE_KEYS = Set.of("bib_info", "additional_info", "url");
    private static final Set<String> REPORT_KEYS = Set.of("measures", "resources");

    /** The Python SDK's name rule: starts with [0-9a-z], then [0-9a-z-_.]. */
    static final Pattern NAME = Pattern.compile("[0-9a-z][0-9a-z\\-_.]*");
    static final int NAME_MAX = 128;
    /** The AIT guide's convention: {prefix}_{target}_{format}_{task}_{measure}, ≤ 50 chars. */
    private static final Pattern NAME_CONVENTION =
            Pattern.compile("(eval|alyz|misc|generate|dev)_[a-z0-9_]+");
    private static final int NAME_CONVENTION_MAX = 50;
    /** A Docker tag: the version is used lowercased as the image tag. */
    private static final Pattern DOCKER_TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final String QUIRK_FIX = "Qunomon compares min and max as strings"
            + " (parameter['min'] >= parameter['max']) and rejects this pair; choose values whose"
            + " string order matches their numeric order (e.g. min \"05\" with max \"10\" instead"
            + " of \"5\" and \"10\"), or omit one bound";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Guideline guideline;
    private final List<Violation> out = new ArrayList<>();

    private ManifestValidator(Guideline guideline) {
        this.guideline = guideline;
    }

    /** Validates a manifest tree against the 3rd-edition guideline's characteristics. */
    public static ValidationResult validate(JsonNode manifest) {
        return validate(manifest, Guideline.thirdEdition());
    }

    /** Validates a manifest tree; {@code quality} must be a characteristic of {@code guideline}. */
    public static ValidationResult validate(JsonNode manifest, Guideline guideline) {
        ManifestValidator v = new ManifestValidator(guideline);
        v.checkRoot(manifest);
        return new ValidationResult(v.out);
    }

    /** Validates manifest JSON text; malformed JSON is one error naming line and column. */
    public static ValidationResult validate(String json) {
        try {
            return validate(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            return new ValidationResult(List.of(new Violation(Severity.ERROR, "$",
                    "must be well-formed JSON" + where,
                    quote(JsonFormat.withoutSourceNote(e.getOriginalMessage())),
                    "correct the JSON syntax")));
        }
    }

    /** Validates a manifest file (UTF-8). */
    public static ValidationResult validate(Path file) throws IOException {
        return validate(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Checks manifest files from the command line: prints every violation, exits 1 when any file
     * has an error, 2 on usage errors, else 0.
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: ManifestValidator <ait.manifest.json>...");
            System.exit(2);
        }
        boolean ok = true;
        for (String arg : args) {
            ValidationResult r = validate(Path.of(arg));
            System.out.println(arg + ": " + (r.isValid() ? "valid" : "INVALID") + " ("
                    + r.errors().size() + " errors, " + r.warnings().size() + " warnings)");
            r.violations().forEach(v -> System.out.println("  " + v.message()));
            ok &= r.isValid();
        }
        System.exit(ok ? 0 : 1);
    }

    private void checkRoot(JsonNode root) {
        if (root == null || !root.isObject()) {
            error("$", "the manifest must be a JSON object", root, "write {\"name\": …, …}");
            return;
        }
        unknownKeys(root, "", Set.copyOf(TOP_LEVEL_KEYS));
        checkName(root);
        requiredString(root, "", "description");
        optionalString(root, "", "source_repository");
        checkVersion(root);
        checkQuality(root);
        stringList(root, "", "keywords");
        stringList(root, "", "licenses");
        checkReferences(root);
        Set<String> parameterNames = checkParameters(root);
        checkInventories(root, parameterNames);
        checkReport(root);
        checkDownloads(root);
    }

    private void checkName(JsonNode root) {
        Optional<String> name = requiredString(root, "", "name");
        if (name.isEmpty()) {
            return;
        }
        String n = name.get();
        if (!NAME.matcher(n).matches()) {
            error("name", "must start with [0-9a-z] and contain only [0-9a-z-_.] (the name becomes"
                    + " the Docker image name and DAG id)", root.get("name"),
                    "lowercase it and replace other characters with '_', e.g. \""
                            + suggestName(n) + "\"");
        }
        if (n.length() > NAME_MAX) {
            error("name", "must be at most " + NAME_MAX + " characters (has " + n.length() + ")",
                    root.get("name"), "shorten it");
        }
        if (NAME.matcher(n).matches() && (!NAME_CONVENTION.matcher(n).matches()
                || n.length() > NAME_CONVENTION_MAX)) {
            warning("name", "the AIT guide names AITs {prefix}_{target}_{format}_{task}_{measure}"
                    + " with prefix eval|alyz|misc|generate, [a-z0-9_], at most "
                    + NAME_CONVENTION_MAX + " characters", root.get("name"),
                    "e.g. \"eval_llm_mlflow_answer_accuracy\"");
        }
    }

    private static String suggestName(String n) {
        String s = n.toLowerCase().replaceAll("[^0-9a-z\\-_.]", "_");
        return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "eval_" + s : s;
    }

    private void checkVersion(JsonNode root) {
        requiredString(root, "", "version").ifPresent(v -> {
            if (!DOCKER_TAG.matcher(v).matches()) {
                error("version", "must be a valid Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most"
                        + " 128 characters): it is used as the image tag", root.get("version"),
                        "use a version like \"0.1\" or \"1.0.2\"");
            }
        });
    }

    private void checkQuality(JsonNode root) {
        if (!root.has("quality")) {
            error("quality", "is required: the quality URL of the guideline characteristic the AIT"
                    + " measures", null, "add \"quality\": \""
                    + guideline.byId("C-1").qualityUrl()
                    + "\" (C-1), or another from Guideline.thirdEdition()");
            return;
        }
        Optional<String> quality = requiredString(root, "", "quality");
        if (quality.isEmpty()) {
            return;
        }
        String url = quality.get();
        JsonNode node = root.get("quality");
        String example = guideline.byId("C-1").qualityUrl();
        if (!url.startsWith(guideline.qualityUrlBase()) && !url.contains("%")) {
            error("quality", "must have the form " + guideline.qualityUrlBase()
                    + "{guideline title}/{characteristic name}", node,
                    "use Guideline.thirdEdition().byId(\"C-1\").qualityUrl(), i.e. \"" + example
                            + "\"");
            return;
        }
        Optional<QualityCharacteristic> known = guideline.findByUrl(url);
        if (known.isEmpty()) {
            error("quality", "must name a known characteristic of " + guideline.title(), node,
                    "use one of:\n" + guideline.describeUrls());
        } else if (!guideline.isRawForm(url)) {
            error("quality", "must be written in raw UTF-8, not percent-encoded, as Qunomon and"
                    + " AITHub store it", node, "use \"" + known.get().qualityUrl() + "\"");
        }
    }

    private void checkReferences(JsonNode root) {
        for (Item it : objectList(root, "", "references", false)) {
            unknownKeys(it.node, it.path, REFERENCE_KEYS);
            requiredString(it.node, it.path, "bib_info");
            optionalString(it.node, it.path, "additional_info");
            optionalString(it.node, it.path, "url");
        }
    }

    private Set<String> checkParameters(JsonNode root) {
        List<Item> items = objectList(root, "", "parameters", true);
        Set<String> names = unique(items, "parameters");
        for (Item it : items) {
            unknownKeys(it.node, it.path, PARAMETER_KEYS);
            requiredString(it.node, it.path, "description");
            Optional<ValueType> type = valueType(it, "parameter");
            Optional<String> def = requiredString(it.node, it.path, "default_val");
            optionalString(it.node, it.path, "depends_on_parameter");
            if (type.isEmpty()) {
                continue;
            }
            def.ifPresent(d -> castable(it.path + ".default_val", type.get(), it.node
                    .get("default_val"), d));
            checkBounds(it, type.get(), def.orElse(null), "parameter");
        }
        for (Item it : items) {
            dependsOn(it.node, it.path, names);
        }
        return names;
    }

    private void checkInventories(JsonNode root, Set<String> parameterNames) {
        List<Item> items = objectList(root, "", "inventories", true);
        if (root.path("inventories").isArray() && items.isEmpty()) {
            error("inventories", "must have at least one inventory (Qunomon requires one)",
                    root.get("inventories"), "declare the dataset or model the AIT reads");
        }
        unique(items, "inventories");
        for (Item it : items) {
            unknownKeys(it.node, it.path, INVENTORY_KEYS);
            requiredString(it.node, it.path, "description");
            requiredString(it.node, it.path, "type").ifPresent(t -> {
                if (InventoryType.fromWire(t).isEmpty()) {
                    error(it.path + ".type", "must be one of dataset|executable_model|model|"
                            + "attribute set", it.node.get("type"),
                            "use one of those (note the space in \"attribute set\")");
                }
            });
            checkRequirement(it, parameterNames);
            dependsOn(it.node, it.path, parameterNames);
        }
    }

    private void checkRequirement(Item inv, Set<String> parameterNames) {
        String path = inv.path + ".requirement";
        JsonNode req = inv.node.get("requirement");
        if (req == null || !req.isObject()) {
            error(path, "is required and must be an object with a non-empty \"format\" list", req,
                    "add \"requirement\": {\"format\": [\"json\"]}");
            return;
        }
        unknownKeys(req, path, REQUIREMENT_KEYS);
        JsonNode format = req.get("format");
        if (format == null || !format.isArray() || format.isEmpty()) {
            error(path + ".format", "must be a non-empty list of formats", format,
                    "list the accepted formats, e.g. [\"csv\"], or [\"ALL\"] for a directory");
        } else {
            for (int i = 0; i < format.size(); i++) {
                JsonNode f = format.get(i);
                if (!f.isTextual() || f.asText().isBlank()) {
                    error(path + ".format[" + i + "]", "must be a non-empty string", f,
                            "write a format such as \"json\"");
                }
            }
        }
        for (Item p : objectList(req, path, "compatible_packages", false)) {
            unknownKeys(p.node, p.path, PACKAGE_KEYS);
            requiredString(p.node, p.path, "name");
            optionalString(p.node, p.path, "version");
            optionalString(p.node, p.path, "additional_info");
        }
        JsonNode info = req.get("additional_info");
        if (info != null && !info.isArray()) {
            error(path + ".additional_info", "must be a list of one-key objects, as Qunomon's DTO"
                    + " reads it (fields.List(fields.Dict()))", info,
                    "write [{\"key\": \"value\"}]");
        }
        Long min = fileCount(req, path, "min");
        Long max = fileCount(req, path, "max");
        if (min != null && max != null && min > max) {
            error(path + ".min", "the least number of files must not exceed the largest (max "
                    + max + ")", req.get("min"), "swap min and max");
        }
        dependsOn(req, path, parameterNames);
    }

    private Long fileCount(JsonNode req, String path, String key) {
        Optional<String> v = optionalString(req, path, key);
        if (v.isEmpty()) {
            return null;
        }
        try {
            long n = (Long) ValueType.INT.parse(v.get());
            if (n >= 0) {
                return n;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        error(path + "." + key, "must be a non-negative whole number of files, as a string",
                req.get(key), "write e.g. \"1\"");
        return null;
    }

    private void checkReport(JsonNode root) {
        JsonNode report = root.get("report");
        if (report == null || !report.isObject()) {
            if (report == null) {
                error("report", "is required", null,
                        "add \"report\": {\"measures\": [], \"resources\": []}");
            } else {
                error("report", "must be an object", report,
                        "write \"report\": {\"measures\": [], \"resources\": []}");
            }
            return;
        }
        unknownKeys(report, "report", REPORT_KEYS);
        List<Item> measures = objectList(report, "report", "measures", true);
        unique(measures, "report.measures");
        for (Item it : measures) {
            unknownKeys(it.node, it.path, MEASURE_KEYS);
            requiredString(it.node, it.path, "description");
            Optional<ValueType> type = valueType(it, "measure");
            requiredString(it.node, it.path, "structure").ifPresent(s -> {
                if (Structure.fromWire(s).isEmpty()) {
                    error(it.path + ".structure", "must be single or sequence",
                            it.node.get("structure"), "use \"single\" for one value or"
                                    + " \"sequence\" for a comma-joined list");
                }
            });
            if (type.isPresent()) {
                if (type.get() == ValueType.STR) {
                    warning(it.path + ".type", "Qunomon stores every measure value with float(),"
                            + " so a str measure fails when the run is stored",
                            it.node.get("type"), "report a number (int, float, or bool as 0/1)");
                }
                checkBounds(it, type.get(), null, "measure");
            }
        }
        List<Item> resources = objectList(report, "report", "resources", true);
        unique(resources, "report.resources");
        for (Item it : resources) {
            unknownKeys(it.node, it.path, RESOURCE_KEYS);
            requiredString(it.node, it.path, "description");
            requiredString(it.node, it.path, "type").ifPresent(t -> {
                if (ResourceType.fromWire(t).isEmpty()) {
                    error(it.path + ".type", "must be one of text|picture|table (Qunomon rejects"
                            + " binary)", it.node.get("type"), "use \"table\" for .csv, \"picture\""
                            + " for .png/.jpg, \"text\" for .txt; offer other files as a download");
                }
            });
        }
    }

    private void checkDownloads(JsonNode root) {
        List<Item> items = objectList(root, "", "downloads", true);
        Set<String> names = unique(items, "downloads");
        for (Item it : items) {
            unknownKeys(it.node, it.path, DOWNLOAD_KEYS);
            requiredString(it.node, it.path, "description");
        }
        if (root.path("downloads").isArray() && !names.contains(Download.LOG)) {
            error("downloads", "must contain the download \"Log\" (the SDK always writes ait.log"
                    + " as download Log, and Qunomon rejects download names not in the"
                    + " manifest)", root.get("downloads"),
                    "add {\"name\": \"Log\", \"description\": \"AIT実行ログ\"}");
        }
    }

    private Optional<ValueType> valueType(Item it, String what) {
        Optional<String> t = requiredString(it.node, it.path, "type");
        if (t.isEmpty()) {
            return Optional.empty();
        }
        Optional<ValueType> type = ValueType.fromWire(t.get());
        if (type.isEmpty()) {
            String fix = "string".equals(t.get()) ? "use \"str\" (Qunomon rejects \"string\","
                    + " although its schema lists it)" : "use one of " + ValueType.allowed();
            error(it.path + ".type", "a " + what + " type must be one of " + ValueType.allowed(),
                    it.node.get("type"), fix);
        }
        return type;
    }

    private void checkBounds(Item it, ValueType type, String defaultVal, String what) {
        Optional<String> min = optionalString(it.node, it.path, "min");
        Optional<String> max = optionalString(it.node, it.path, "max");
        if (min.isEmpty() && max.isEmpty()) {
            return;
        }
        if (!type.isNumeric()) {
            if ("parameter".equals(what)) {
                warning(it.path, "min/max apply only to int and float " + what + "s; they are"
                        + " ignored for " + type.wireName(), it.node.get(min.isPresent() ? "min"
                        : "max"), "remove min/max");
            }
            return;
        }
        Double lo = min.map(m -> bound(it, "min", type, m)).orElse(null);
        Double hi = max.map(m -> bound(it, "max", type, m)).orElse(null);
        if (lo != null && hi != null) {
            if (lo >= hi) {
                error(it.path + ".min", "min must be less than max (" + max.get() + ")",
                        it.node.get("min"), "make min smaller than max, or drop one of them");
            } else if (min.get().compareTo(max.get()) >= 0) {
                warning(it.path + ".min", "numerically " + min.get() + " < " + max.get()
                        + ", but as strings \"" + min.get() + "\" >= \"" + max.get() + "\"",
                        it.node.get("min"), QUIRK_FIX);
            }
        }
        if (defaultVal != null && (lo != null || hi != null)) {
            try {
                double d = ((Number) type.parse(defaultVal)).doubleValue();
                if ((lo != null && d < lo) || (hi != null && d > hi)) {
                    error(it.path + ".default_val", "must lie within [" + min.orElse("-inf")
                            + ", " + max.orElse("inf") + "]", it.node.get("default_val"),
                            "choose a default inside the bounds");
                }
            } catch (IllegalArgumentException e) {
                // not castable: already reported
            }
        }
    }

    private Double bound(Item it, String key, ValueType type, String raw) {
        try {
            return ((Number) type.parse(raw)).doubleValue();
        } catch (IllegalArgumentException e) {
            error(it.path + "." + key, key + " must cast to the type " + type.wireName() + ": "
                    + e.getMessage(), it.node.get(key), "write a " + type.wireName()
                    + " as a string, e.g. \"" + (type == ValueType.INT ? "10" : "0.5") + "\"");
            return null;
        }
    }

    private void castable(String path, ValueType type, JsonNode node, String value) {
        try {
            type.parse(value);
        } catch (IllegalArgumentException e) {
            error(path, "must cast to the declared type " + type.wireName() + ": "
                    + e.getMessage(), node, "write a value of type " + type.wireName()
                    + " as a string, or change the type");
        }
    }

    private void dependsOn(JsonNode node, String path, Set<String> parameterNames) {
        optionalString(node, path, "depends_on_parameter").ifPresent(p -> {
            if (!parameterNames.contains(p)) {
                error(path + ".depends_on_parameter", "must name a declared parameter",
                        node.get("depends_on_parameter"),
                        "use one of " + parameterNames + " or remove the key");
            }
        });
    }

    private Set<String> unique(List<Item> items, String listPath) {
        Set<String> seen = new HashSet<>();
        for (Item it : items) {
            Optional<String> name = requiredString(it.node, it.path, "name");
            if (name.isPresent() && name.get().isBlank()) {
                error(it.path + ".name", "must not be blank", it.node.get("name"), "name it");
            } else if (name.isPresent() && !seen.add(name.get())) {
                error(it.path + ".name", "names must be unique within " + listPath,
                        it.node.get("name"), "rename one of the entries named \"" + name.get()
                                + "\"");
            }
        }
        return seen;
    }

    private List<Item> objectList(JsonNode parent, String parentPath, String key,
            boolean required) {
        String path = join(parentPath, key);
        JsonNode list = parent.get(key);
        List<Item> items = new ArrayList<>();
        if (list == null) {
            if (required && "inventories".equals(key)) {
                error(path, "is required (a list with at least one inventory)", null,
                        "add \"inventories\": [{\"name\": …, \"type\": \"dataset\","
                                + " \"description\": …, \"requirement\": {\"format\":"
                                + " [\"json\"]}}]");
            } else if (required) {
                error(path, "is required (a list, may be empty)", null, "add \"" + key
                        + "\": []");
            }
            return items;
        }
        if (!list.isArray()) {
            error(path, "must be a list", list, "write \"" + key + "\": [ … ]");
            return items;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String p = path + "[" + i + "]";
            if (n.isObject()) {
                items.add(new Item(p, n));
            } else {
                error(p, "must be an object", n, "write {\"name\": …, …}");
            }
        }
        return items;
    }

    private void stringList(JsonNode parent, String parentPath, String key) {
        JsonNode list = parent.get(key);
        String path = join(parentPath, key);
        if (list == null) {
            return;
        }
        if (!list.isArray()) {
            error(path, "must be a list of strings", list, "write \"" + key + "\": [\"…\"]");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isTextual()) {
                error(path + "[" + i + "]", "must be a string", list.get(i), "quote it");
            }
        }
    }

    private Optional<String> requiredString(JsonNode parent, String parentPath, String key) {
        JsonNode v = parent.get(key);
        if (v == null) {
            error(join(parentPath, key), "is required", null, "add \"" + key + "\": \"…\"");
            return Optional.empty();
        }
        return string(v, join(parentPath, key));
    }

    private Optional<String> optionalString(JsonNode parent, String parentPath, String key) {
        JsonNode v = parent.get(key);
        return v == null ? Optional.empty() : string(v, join(parentPath, key));
    }

    private Optional<String> string(JsonNode v, String path) {
        if (!v.isTextual()) {
            error(path, "must be a string (every manifest value is a string)", v,
                    v.isValueNode() && !v.isNull() ? "quote it: \"" + v.asText() + "\""
                            : "write a string");
            return Optional.empty();
        }
        return Optional.of(v.asText());
    }

    private void unknownKeys(JsonNode node, String path, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                error(join(path, key), "is not a key Qunomon accepts here (its marshmallow schema"
                        + " uses unknown=RAISE, so registration would fail)", node.get(key),
                        "remove \"" + key + "\"; accepted keys: " + known.stream().sorted()
                                .toList());
            }
        }
    }

    private static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    private void error(String path, String rule, JsonNode value, String fix) {
        out.add(new Violation(Severity.ERROR, path, rule, render(value), fix));
    }

    private void warning(String path, String rule, JsonNode value, String fix) {
        out.add(new Violation(Severity.WARNING, path, rule, render(value), fix));
    }

    private static String render(JsonNode value) {
        if (value == null) {
            return "(missing)";
        }
        String s = value.toString();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    private record Item(String path, JsonNode node) {
    }
}
