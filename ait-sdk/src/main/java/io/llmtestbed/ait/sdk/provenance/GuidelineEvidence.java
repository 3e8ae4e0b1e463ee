package io.llmtestbed.ait.sdk.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which guideline entries a run's measures give evidence for: AIST's AIQM 3rd edition, AISI's
 * ten evaluation perspectives and ISO/IEC 25059, as {@code guideline/mapping.json} maps each
 * AIT measure (rows {@code "source": "ait:<name>"}, {@code aiqm}, {@code aisi.ids},
 * {@code iso25059.ids}).
 *
 * <p>The mapping and the three data files are read from the SDK's classpath, where the build
 * copies them from {@code guideline/} (so the mapping is the one the SDK jar was built with; a
 * measure added later shows under {@link Evidence#unmapped()} until the SDK is rebuilt). Missing
 * resources give an empty mapping in which every measure is unmapped. Thread-safe; immutable.
 */
public final class GuidelineEvidence {

    private static final String BASE = "/io/llmtestbed/ait/sdk/guideline/";
    private static final Pattern BRACES = Pattern.compile("^([^{}]*)\\{([^{}]*)\\}([^{}]*)$");
    private static volatile GuidelineEvidence loaded;

    private final Map<String, Map<String, MeasureMapping>> byAit;
    private final Map<String, String[]> names;

    /**
     * The guideline entries one measure maps to.
     *
     * @param aiqm AIQM ids such as {@code C-1}
     * @param aisi AISI project labels such as {@code AISI-P02}; empty with {@code aisiNone}
     * @param iso25059 ISO/IEC 25059 project labels; empty with {@code isoNone}
     * @param aisiNone why no AISI perspective applies, or null
     * @param isoNone why no ISO/IEC 25059 entry applies, or null
     */
    public record MeasureMapping(List<String> aiqm, List<String> aisi, List<String> iso25059,
            String aisiNone, String isoNone) {

        public MeasureMapping {
            aiqm = List.copyOf(aiqm);
            aisi = List.copyOf(aisi);
            iso25059 = List.copyOf(iso25059);
        }
    }

    /**
     * One guideline entry and the measures of the run that give evidence for it.
     *
     * @param framework {@code AIQM}, {@code AISI} or {@code ISO/IEC 25059}
     * @param id the entry's id (AIQM) or project label (AISI, ISO)
     * @param name Japanese name (AIQM, AISI) or the standard's English name (ISO)
     * @param otherName English name (AIQM, AISI) or this project's Japanese rendering (ISO)
     * @param measures the run's measures mapped to it, in the order given
     */
    public record Entry(String framework, String id, String name, String otherName,
            List<String> measures) {

        public Entry {
            measures = List.copyOf(measures);
        }
    }

    /**
     * The evidence of one run.
     *
     * @param ait AIT name
     * @param entries AIQM, then AISI, then ISO entries, each in mapping order of first use
     * @param unmapped measures the mapping does not list for this AIT
     */
    public record Evidence(String ait, List<Entry> entries, List<String> unmapped) {

        public Evidence {
            entries = List.copyOf(entries);
            unmapped = List.copyOf(unmapped);
        }

        /** The entries of one framework ({@code AIQM}, {@code AISI}, {@code ISO/IEC 25059}). */
        public List<Entry> of(String framework) {
            return entries.stream().filter(e -> e.framework().equals(framework)).toList();
        }

        /** As written into {@code provenance.json} under {@code guideline_evidence}. */
        public ObjectNode toJson() {
            ObjectNode root = JsonFormat.MAPPER.createObjectNode();
            root.put("mapping", "guideline/mapping.json (copy on the ait-sdk classpath)");
            for (String framework : List.of(AIQM, AISI, ISO)) {
                ArrayNode list = root.putArray(key(framework));
                of(framework).forEach(e -> {
                    ObjectNode n = list.addObject().put("id", e.id()).put("name", e.name())
                            .put(framework.equals(ISO) ? "name_ja" : "english_name",
                                    e.otherName());
                    ArrayNode ms = n.putArray("measures");
                    e.measures().forEach(ms::add);
                });
            }
            ArrayNode un = root.putArray("unmapped_measures");
            unmapped.forEach(un::add);
            return root;
        }

        /**
         * Writes the entries as CSV ({@code framework,id,name,other_name,measures}, measures
         * joined with {@code ;}), e.g. for a table resource of the AIT report.
         */
        public void writeCsv(Path file) {
            StringBuilder sb = new StringBuilder("framework,id,name,other_name,measures\n");
            for (Entry e : entries) {
                sb.append(csv(e.framework())).append(',').append(csv(e.id())).append(',')
                        .append(csv(e.name())).append(',').append(csv(e.otherName()))
                        .append(',').append(csv(String.join(";", e.measures()))).append('\n');
            }
            try {
                Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write guideline evidence to " + file
                        + ": " + e.getMessage(), e);
            }
        }

        /** One line for the log: {@code AIQM C-1, EXT3; AISI none; ISO/IEC 25059 …}. */
        public String summary() {
            List<String> parts = new ArrayList<>();
            for (String framework : List.of(AIQM, AISI, ISO)) {
                List<String> ids = of(framework).stream().map(Entry::id).toList();
                parts.add(framework + " " + (ids.isEmpty() ? "none" : String.join(", ", ids)));
            }
            return String.join("; ", parts) + (unmapped.isEmpty() ? ""
                    : "; unmapped measures: " + String.join(", ", unmapped));
        }

        private static String key(String framework) {
            return framework.equals(AIQM) ? "aiqm" : framework.equals(AISI) ? "aisi"
                    : "iso25059";
        }

        private static String csv(String s) {
            String v = s == null ? "" : s;
            return v.contains(",") || v.contains("\"") || v.contains("\n")
                    ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
        }
    }

    /** Framework name of AIST's guideline. */
    public static final String AIQM = "AIQM";
    /** Framework name of AISI's guide. */
    public static final String AISI = "AISI";
    /** Framework name of the standard. */
    public static final String ISO = "ISO/IEC 25059";

    private GuidelineEvidence(Map<String, Map<String, MeasureMapping>> byAit,
            Map<String, String[]> names) {
        this.byAit = byAit;
        this.names = names;
    }

    /** The mapping on the classpath, read once. */
    public static GuidelineEvidence load() {
        GuidelineEvidence g = loaded;
        if (g == null) {
            g = parse(read("mapping.json"), read("aiqm-3rd-edition.json"),
                    read("aisi-evaluation-perspectives.json"), read("iso-iec-25059.json"));
            loaded = g;
        }
        return g;
    }

    /**
     * A mapping from parsed files (tests); any argument may be null (treated as empty).
     *
     * @throws IllegalArgumentException when a measure pattern has more than one brace group
     */
    public static GuidelineEvidence parse(JsonNode mapping, JsonNode aiqm, JsonNode aisi,
            JsonNode iso) {
        Map<String, Map<String, MeasureMapping>> byAit = new LinkedHashMap<>();
        if (mapping != null) {
            for (JsonNode row : mapping.path("rows")) {
                String source = row.path("source").asText();
                if (!source.startsWith("ait:")) {
                    continue;
                }
                MeasureMapping m = new MeasureMapping(texts(row.path("aiqm")),
                        texts(row.path("aisi").path("ids")),
                        texts(row.path("iso25059").path("ids")),
                        nullable(row.path("aisi").path("none")),
                        nullable(row.path("iso25059").path("none")));
                Map<String, MeasureMapping> measures = byAit.computeIfAbsent(
                        source.substring("ait:".length()), k -> new LinkedHashMap<>());
                expand(row.path("measures").asText()).forEach(n -> measures.put(n, m));
            }
        }
        Map<String, String[]> names = new LinkedHashMap<>();
        if (aiqm != null) {
            aiqm.path("characteristics").forEach(c -> names.put(AIQM + " " + c.path("id")
                    .asText(), new String[] {c.path("name").asText(),
                            c.path("englishName").asText()}));
        }
        if (aisi != null) {
            aisi.path("perspectives").forEach(p -> names.put(AISI + " " + p.path("id")
                    .asText(), new String[] {p.path("name").asText(),
                            p.path("englishName").asText()}));
        }
        if (iso != null) {
            iso.path("characteristics").forEach(c -> names.put(ISO + " " + c.path("id")
                    .asText(), new String[] {c.path("name").asText(),
                            c.path("nameJa").asText()}));
        }
        return new GuidelineEvidence(byAit, names);
    }

    /** How one measure of an AIT maps, or null when the mapping does not list it. */
    public MeasureMapping mapping(String ait, String measure) {
        return byAit.getOrDefault(ait, Map.of()).get(measure);
    }

    /** The entries the given measures of {@code ait} give evidence for. */
    public Evidence evidence(String ait, Collection<String> measures) {
        Map<String, List<String>> aiqm = new LinkedHashMap<>();
        Map<String, List<String>> aisi = new LinkedHashMap<>();
        Map<String, List<String>> iso = new LinkedHashMap<>();
        List<String> unmapped = new ArrayList<>();
        for (String measure : measures) {
            MeasureMapping m = mapping(ait, measure);
            if (m == null) {
                unmapped.add(measure);
                continue;
            }
            m.aiqm().forEach(id -> aiqm.computeIfAbsent(id, k -> new ArrayList<>()).add(measure));
            m.aisi().forEach(id -> aisi.computeIfAbsent(id, k -> new ArrayList<>()).add(measure));
            m.iso25059().forEach(id -> iso.computeIfAbsent(id, k -> new ArrayList<>())
                    .add(measure));
        }
        List<Entry> entries = new ArrayList<>();
        addEntries(entries, AIQM, aiqm);
        addEntries(entries, AISI, aisi);
        addEntries(entries, ISO, iso);
        return new Evidence(ait, entries, unmapped);
    }

    private void addEntries(List<Entry> out, String framework, Map<String, List<String>> ids) {
        ids.forEach((id, measures) -> {
            String[] n = names.getOrDefault(framework + " " + id, new String[] {id, ""});
            out.add(new Entry(framework, id, n[0], n[1], measures));
        });
    }

    /** {@code "x{,_a}"} to {@code [x, x_a]}; a name without braces is itself. */
    static List<String> expand(String pattern) {
        if (!pattern.contains("{") && !pattern.contains("}")) {
            return List.of(pattern);
        }
        Matcher m = BRACES.matcher(pattern);
        if (!m.matches()) {
            throw new IllegalArgumentException("measure pattern '" + pattern + "' in"
                    + " guideline/mapping.json must have exactly one {a,b,...} group; split it"
                    + " into several rows");
        }
        List<String> out = new ArrayList<>();
        for (String alt : m.group(2).split(",", -1)) {
            out.add(m.group(1) + alt + m.group(3));
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String nullable(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    private static JsonNode read(String name) {
        try (InputStream in = GuidelineEvidence.class.getResourceAsStream(BASE + name)) {
            return in == null ? null : JsonFormat.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BASE + name + " from the ait-sdk"
                    + " classpath: " + e.getMessage(), e);
        }
    }
}
