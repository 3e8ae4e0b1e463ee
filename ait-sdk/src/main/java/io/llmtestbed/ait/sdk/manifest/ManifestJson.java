package io.llmtestbed.ait.sdk.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@code ait.manifest.json}. The writer emits only the keys Qunomon accepts, in
 * the Python SDK's order: name, description, source_repository, version, quality, keywords,
 * references, licenses, inventories, parameters, report{measures, resources}, downloads. Optional
 * keys whose value is null are left out.
 */
public final class ManifestJson {

    /** File name of the manifest next to the AIT's entry point. */
    public static final String FILE_NAME = "ait.manifest.json";

    private ManifestJson() {
    }

    /** The manifest as a JSON tree. */
    public static ObjectNode toTree(Manifest m) {
        ObjectNode root = JsonFormat.MAPPER.createObjectNode();
        root.put("name", m.name());
        root.put("description", m.description());
        putIfSet(root, "source_repository", m.sourceRepository());
        root.put("version", m.version());
        root.put("quality", m.quality());
        strings(root.putArray("keywords"), m.keywords());
        ArrayNode refs = root.putArray("references");
        for (Reference r : m.references()) {
            ObjectNode n = refs.addObject().put("bib_info", r.bibInfo());
            putIfSet(n, "additional_info", r.additionalInfo());
            putIfSet(n, "url", r.url());
        }
        strings(root.putArray("licenses"), m.licenses());
        ArrayNode invs = root.putArray("inventories");
        m.inventories().forEach(i -> inventory(invs.addObject(), i));
        ArrayNode params = root.putArray("parameters");
        for (MethodParam p : m.parameters()) {
            ObjectNode n = params.addObject().put("name", p.name())
                    .put("type", p.type().wireName()).put("description", p.description())
                    .put("default_val", p.defaultVal());
            putIfSet(n, "min", p.min());
            putIfSet(n, "max", p.max());
            putIfSet(n, "depends_on_parameter", p.dependsOnParameter());
        }
        ObjectNode report = root.putObject("report");
        ArrayNode measures = report.putArray("measures");
        for (Measure x : m.measures()) {
            ObjectNode n = measures.addObject().put("name", x.name())
                    .put("type", x.type().wireName()).put("description", x.description())
                    .put("structure", x.structure().wireName());
            putIfSet(n, "min", x.min());
            putIfSet(n, "max", x.max());
        }
        ArrayNode resources = report.putArray("resources");
        m.resources().forEach(r -> resources.addObject().put("name", r.name())
                .put("type", r.type().wireName()).put("description", r.description()));
        ArrayNode downloads = root.putArray("downloads");
        m.downloads().forEach(d -> downloads.addObject().put("name", d.name())
                .put("description", d.description()));
        return root;
    }

    private static void inventory(ObjectNode n, Inventory i) {
        n.put("name", i.name()).put("type", i.type().wireName()).put("description",
                i.description());
        ObjectNode req = n.putObject("requirement");
        InventoryRequirement r = i.requirement();
        strings(req.putArray("format"), r.format());
        if (!r.compatiblePackages().isEmpty()) {
            ArrayNode pkgs = req.putArray("compatible_packages");
            for (CompatiblePackage p : r.compatiblePackages()) {
                ObjectNode pn = pkgs.addObject().put("name", p.name());
                putIfSet(pn, "version", p.version());
                putIfSet(pn, "additional_info", p.additionalInfo());
            }
        }
        if (!r.additionalInfo().isEmpty()) {
            ArrayNode info = req.putArray("additional_info");
            for (Map<String, String> entry : r.additionalInfo()) {
                ObjectNode en = info.addObject();
                entry.forEach(en::put);
            }
        }
        putIfSet(req, "min", r.min());
        putIfSet(req, "max", r.max());
        putIfSet(n, "depends_on_parameter", i.dependsOnParameter());
    }

    /** The manifest as text, formatted as the Python SDK formats it. */
    public static String toJson(Manifest m) {
        return JsonFormat.write(toTree(m));
    }

    /** Writes the manifest to {@code file} (UTF-8, atomically). */
    public static void write(Manifest m, Path file) {
        JsonFormat.writeAtomically(toTree(m), file);
    }

    /**
     * Parses and validates manifest text.
     *
     * @throws ManifestException listing every error, including malformed JSON
     */
    public static Manifest parse(String json) {
        ValidationResult result = ManifestValidator.validate(json);
        if (!result.isValid()) {
            throw new ManifestException("manifest", result.errors());
        }
        try {
            return fromTree(JsonFormat.MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("validated JSON did not parse", e);
        }
    }

    /** Reads and validates a manifest file. */
    public static Manifest read(Path file) throws IOException {
        String json = Files.readString(file, StandardCharsets.UTF_8);
        ValidationResult result = ManifestValidator.validate(json);
        if (!result.isValid()) {
            throw new ManifestException(file.toString(), result.errors());
        }
        return fromTree(JsonFormat.MAPPER.readTree(json));
    }

    private static Manifest fromTree(JsonNode root) {
        List<Reference> refs = new ArrayList<>();
        root.path("references").forEach(r -> refs.add(new Reference(text(r, "bib_info"),
                text(r, "additional_info"), text(r, "url"))));
        List<Inventory> invs = new ArrayList<>();
        for (JsonNode i : root.path("inventories")) {
            JsonNode req = i.path("requirement");
            List<CompatiblePackage> pkgs = new ArrayList<>();
            req.path("compatible_packages").forEach(p -> pkgs.add(new CompatiblePackage(
                    text(p, "name"), text(p, "version"), text(p, "additional_info"))));
            List<Map<String, String>> info = new ArrayList<>();
            for (JsonNode e : req.path("additional_info")) {
                Map<String, String> entry = new java.util.LinkedHashMap<>();
                e.properties().forEach(f -> entry.put(f.getKey(), f.getValue().asText()));
                info.add(entry);
            }
            String depends = text(i, "depends_on_parameter");
            invs.add(new Inventory(text(i, "name"),
                    InventoryType.fromWire(text(i, "type")).orElseThrow(),
                    text(i, "description"),
                    new InventoryRequirement(texts(req.path("format")), pkgs, info,
                            text(req, "min"), text(req, "max")),
                    depends != null ? depends : text(req, "depends_on_parameter")));
        }
        List<MethodParam> params = new ArrayList<>();
        root.path("parameters").forEach(p -> params.add(new MethodParam(text(p, "name"),
                ValueType.fromWire(text(p, "type")).orElseThrow(), text(p, "description"),
                text(p, "default_val"), text(p, "min"), text(p, "max"),
                text(p, "depends_on_parameter"))));
        List<Measure> measures = new ArrayList<>();
        root.path("report").path("measures").forEach(x -> measures.add(new Measure(
                text(x, "name"), ValueType.fromWire(text(x, "type")).orElseThrow(),
                text(x, "description"), Structure.fromWire(text(x, "structure")).orElseThrow(),
                text(x, "min"), text(x, "max"))));
        List<Resource> resources = new ArrayList<>();
        root.path("report").path("resources").forEach(r -> resources.add(new Resource(
                text(r, "name"), ResourceType.fromWire(text(r, "type")).orElseThrow(),
                text(r, "description"))));
        List<Download> downloads = new ArrayList<>();
        root.path("downloads").forEach(d -> downloads.add(new Download(text(d, "name"),
                text(d, "description"))));
        return new Manifest(text(root, "name"), text(root, "description"),
                text(root, "source_repository"), text(root, "version"), text(root, "quality"),
                texts(root.path("keywords")), refs, texts(root.path("licenses")), invs, params,
                measures, resources, downloads);
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void strings(ArrayNode target, List<String> values) {
        values.forEach(target::add);
    }

    private static void putIfSet(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }
}
