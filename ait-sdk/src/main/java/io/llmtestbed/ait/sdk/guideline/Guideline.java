package io.llmtestbed.ait.sdk.guideline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A quality-management guideline as data: its title, issue date and characteristics.
 *
 * <p>The data lives once, in {@code guideline/data/*.json}; the build copies it onto the classpath
 * at {@code io/llmtestbed/ait/sdk/guideline/}. Names are never repeated in Java code: look them
 * up here, by id ({@code "C-1"}) or by quality URL.
 */
public final class Guideline {

    /** Classpath resource of the Machine Learning Quality Management Guideline, 3rd edition. */
    public static final String THIRD_EDITION_RESOURCE =
            "/io/llmtestbed/ait/sdk/guideline/aiqm-3rd-edition.json";

    private static volatile Guideline thirdEdition;

    private final String title;
    private final String issued;
    private final String identifier;
    private final String qualityUrlBase;
    private final Map<String, QualityCharacteristic> byId;
    private final Map<String, QualityCharacteristic> byUrl;

    private Guideline(String title, String issued, String identifier, String qualityUrlBase,
            List<QualityCharacteristic> characteristics) {
        this.title = title;
        this.issued = issued;
        this.identifier = identifier;
        this.qualityUrlBase = qualityUrlBase;
        this.byId = new LinkedHashMap<>();
        this.byUrl = new LinkedHashMap<>();
        for (QualityCharacteristic c : characteristics) {
            byId.put(c.id(), c);
            byUrl.put(c.qualityUrl(), c);
        }
    }

    /** The Machine Learning Quality Management Guideline, 3rd edition (loaded once, cached). */
    public static Guideline thirdEdition() {
        Guideline g = thirdEdition;
        if (g == null) {
            g = load(THIRD_EDITION_RESOURCE);
            thirdEdition = g;
        }
        return g;
    }

    /**
     * Loads a guideline from a classpath resource in the layout of {@code guideline/data}.
     *
     * @throws IllegalStateException if the resource is missing (a packaging defect)
     */
    public static Guideline load(String resource) {
        try (InputStream in = Guideline.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("guideline resource " + resource
                        + " is not on the classpath; the ait-sdk build copies guideline/data/*.json"
                        + " there: rebuild ait-sdk");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read guideline resource " + resource, e);
        }
    }

    private static Guideline parse(JsonNode root) {
        JsonNode meta = root.path("meta");
        String title = meta.path("title").asText();
        String base = meta.path("qualityUrlBase").asText();
        List<QualityCharacteristic> list = new ArrayList<>();
        for (JsonNode c : root.path("characteristics")) {
            String name = c.path("name").asText();
            list.add(new QualityCharacteristic(
                    c.path("id").asText(),
                    c.path("schemaId").asText(),
                    name,
                    c.path("englishName").asText(),
                    QualityCharacteristic.Kind.valueOf(c.path("kind").asText().toUpperCase()),
                    texts(c.path("levels")),
                    texts(c.path("subCharacteristics")),
                    base + title + "/" + name));
        }
        return new Guideline(title, meta.path("issued").asText(),
                meta.path("identifier").asText(), base, list);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The guideline's title, e.g. {@code 機械学習品質マネジメントガイドライン第三版}. */
    public String title() {
        return title;
    }

    /** Issue date, ISO-8601 ({@code 2022-08-02}). */
    public String issued() {
        return issued;
    }

    /** URL of the published document. */
    public String identifier() {
        return identifier;
    }

    /** Prefix every quality URL starts with, ending in {@code /qualityDimensions/}. */
    public String qualityUrlBase() {
        return qualityUrlBase;
    }

    /** All characteristics, internal ones first, in the guideline's order. */
    public List<QualityCharacteristic> characteristics() {
        return List.copyOf(byId.values());
    }

    /** The characteristic with this id ({@code "C-1"}), if any. */
    public Optional<QualityCharacteristic> findById(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * The characteristic with this id.
     *
     * @throws IllegalArgumentException naming the valid ids when {@code id} is unknown
     */
    public QualityCharacteristic byId(String id) {
        QualityCharacteristic c = byId.get(id);
        if (c == null) {
            throw new IllegalArgumentException("unknown quality characteristic id '" + id
                    + "' in " + title + "; valid ids: " + String.join(", ", byId.keySet()));
        }
        return c;
    }

    /**
     * The characteristic whose quality URL this is. A percent-encoded URL is also recognised
     * (Qunomon writes raw UTF-8; see {@link #isRawForm(String)}).
     */
    public Optional<QualityCharacteristic> findByUrl(String url) {
        if (url == null) {
            return Optional.empty();
        }
        QualityCharacteristic c = byUrl.get(url);
        if (c == null && url.contains("%")) {
            c = byUrl.get(URLDecoder.decode(url.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return Optional.ofNullable(c);
    }

    /** Whether {@code url} is a known quality URL written exactly as Qunomon writes it. */
    public boolean isRawForm(String url) {
        return byUrl.containsKey(url);
    }

    /** Quality URLs of all characteristics, one per line, for error messages. */
    public String describeUrls() {
        return byId.values().stream()
                .map(c -> c.id() + " -> " + c.qualityUrl())
                .collect(Collectors.joining("\n"));
    }
}
