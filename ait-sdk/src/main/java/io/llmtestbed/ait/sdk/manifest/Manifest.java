package io.llmtestbed.ait.sdk.manifest;

import io.llmtestbed.ait.sdk.guideline.Guideline;
import io.llmtestbed.ait.sdk.guideline.QualityCharacteristic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The typed {@code ait.manifest.json}: what an AIT reads, takes, measures and writes.
 *
 * <p>Build one with {@link #builder()}; {@link Builder#build()} validates it with
 * {@link ManifestValidator} and fails on the first build with every error listed. Write it with
 * {@link ManifestJson#write(Manifest, java.nio.file.Path)}.
 *
 * @param name AIT name, {@code [0-9a-z][0-9a-z-_.]*}, ≤ 128 characters
 * @param description what is measured and how (give the formula)
 * @param sourceRepository URL of the source, or null
 * @param version e.g. {@code "0.1"}; used as the Docker tag
 * @param quality quality URL of the guideline characteristic the AIT measures
 * @param keywords free keywords
 * @param references bibliographic references
 * @param licenses license names, e.g. {@code "Apache License Version 2.0"}
 * @param inventories inputs, at least one
 * @param parameters parameters, may be empty
 * @param measures {@code report.measures}
 * @param resources {@code report.resources}
 * @param downloads downloads; always contains {@code Log}, and {@code Provenance} and
 *     {@code EgressAudit} when built with the builder
 */
public record Manifest(
        String name,
        String description,
        String sourceRepository,
        String version,
        String quality,
        List<String> keywords,
        List<Reference> references,
        List<String> licenses,
        List<Inventory> inventories,
        List<MethodParam> parameters,
        List<Measure> measures,
        List<Resource> resources,
        List<Download> downloads) {

    public Manifest {
        keywords = List.copyOf(keywords);
        references = List.copyOf(references);
        licenses = List.copyOf(licenses);
        inventories = List.copyOf(inventories);
        parameters = List.copyOf(parameters);
        measures = List.copyOf(measures);
        resources = List.copyOf(resources);
        downloads = List.copyOf(downloads);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The inventory with this name, if declared. */
    public Optional<Inventory> inventory(String inventoryName) {
        return inventories.stream().filter(i -> i.name().equals(inventoryName)).findFirst();
    }

    /** The parameter with this name, if declared. */
    public Optional<MethodParam> parameter(String parameterName) {
        return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
    }

    /** The measure with this name, if declared. */
    public Optional<Measure> measure(String measureName) {
        return measures.stream().filter(m -> m.name().equals(measureName)).findFirst();
    }

    /** The resource with this name, if declared. */
    public Optional<Resource> resource(String resourceName) {
        return resources.stream().filter(r -> r.name().equals(resourceName)).findFirst();
    }

    /** The download with this name, if declared. */
    public Optional<Download> download(String downloadName) {
        return downloads.stream().filter(d -> d.name().equals(downloadName)).findFirst();
    }

    /** The guideline characteristic of {@link #quality()}, if known. */
    public Optional<QualityCharacteristic> qualityCharacteristic() {
        return Guideline.thirdEdition().findByUrl(quality);
    }

    /**
     * Builds a {@link Manifest}. Each option is set in one place; list options add one entry per
     * call. {@code Log}, {@code Provenance} and {@code EgressAudit} are added to the downloads
     * (first, in this order) unless declared.
     */
    public static final class Builder {
        private String name;
        private String description;
        private String sourceRepository;
        private String version;
        private String quality;
        private final List<String> keywords = new ArrayList<>();
        private final List<Reference> references = new ArrayList<>();
        private final List<String> licenses = new ArrayList<>();
        private final List<Inventory> inventories = new ArrayList<>();
        private final List<MethodParam> parameters = new ArrayList<>();
        private final List<Measure> measures = new ArrayList<>();
        private final List<Resource> resources = new ArrayList<>();
        private final List<Download> downloads = new ArrayList<>();

        private Builder() {
        }

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        public Builder description(String value) {
            this.description = value;
            return this;
        }

        public Builder sourceRepository(String value) {
            this.sourceRepository = value;
            return this;
        }

        public Builder version(String value) {
            this.version = value;
            return this;
        }

        /** Sets {@code quality} to this characteristic's URL. */
        public Builder quality(QualityCharacteristic characteristic) {
            this.quality = characteristic.qualityUrl();
            return this;
        }

        /**
         * Sets {@code quality} by characteristic id of the 3rd edition, e.g. {@code "C-1"}.
         *
         * @throws IllegalArgumentException listing the valid ids when the id is unknown
         */
        public Builder quality(String characteristicId) {
            return quality(Guideline.thirdEdition().byId(characteristicId));
        }

        /** Sets {@code quality} to a raw URL (checked by {@link #build()}). */
        public Builder qualityUrl(String url) {
            this.quality = url;
            return this;
        }

        public Builder keyword(String value) {
            keywords.add(value);
            return this;
        }

        public Builder reference(Reference value) {
            references.add(value);
            return this;
        }

        public Builder reference(String bibInfo, String url) {
            return reference(new Reference(bibInfo, null, url));
        }

        public Builder license(String value) {
            licenses.add(value);
            return this;
        }

        public Builder inventory(Inventory value) {
            inventories.add(value);
            return this;
        }

        /** Adds an inventory accepting these formats (one file). */
        public Builder inventory(String inventoryName, InventoryType type, String text,
                String... formats) {
            return inventory(new Inventory(inventoryName, type, text,
                    InventoryRequirement.ofFormats(formats), null));
        }

        public Builder parameter(MethodParam value) {
            parameters.add(value);
            return this;
        }

        /** Adds a parameter without bounds. */
        public Builder parameter(String parameterName, ValueType type, String text,
                String defaultVal) {
            return parameter(MethodParam.of(parameterName, type, text, defaultVal));
        }

        /** Adds a numeric parameter with bounds (either may be null). */
        public Builder parameter(String parameterName, ValueType type, String text,
                String defaultVal, String min, String max) {
            return parameter(new MethodParam(parameterName, type, text, defaultVal, min, max,
                    null));
        }

        public Builder measure(Measure value) {
            measures.add(value);
            return this;
        }

        /** Adds a measure without a declared range. */
        public Builder measure(String measureName, ValueType type, Structure structure,
                String text) {
            return measure(new Measure(measureName, type, text, structure, null, null));
        }

        /** Adds a measure with a range (either bound may be null). */
        public Builder measure(String measureName, ValueType type, Structure structure,
                String text, String min, String max) {
            return measure(new Measure(measureName, type, text, structure, min, max));
        }

        public Builder resource(Resource value) {
            resources.add(value);
            return this;
        }

        public Builder resource(String resourceName, ResourceType type, String text) {
            return resource(new Resource(resourceName, type, text));
        }

        public Builder download(Download value) {
            downloads.add(value);
            return this;
        }

        public Builder download(String downloadName, String text) {
            return download(new Download(downloadName, text));
        }

        /**
         * Validates and builds. Warnings are not fatal; read them with
         * {@link ManifestValidator#validate(com.fasterxml.jackson.databind.JsonNode)}.
         *
         * @throws ManifestException listing every error Qunomon would raise
         */
        public Manifest build() {
            List<Download> allDownloads = new ArrayList<>(downloads);
            if (allDownloads.stream().noneMatch(d -> Download.LOG.equals(d.name()))) {
                allDownloads.add(0, Download.log());
            }
            // provenance.json and the egress audit are written by the SDK for every run
            addIfAbsent(allDownloads, 1, PROVENANCE, "実行の来歴 (provenance.json): 入力と"
                    + "インベントリのダイジェスト、パラメータ、読んだ MLflow run、LLM、結果");
            addIfAbsent(allDownloads, 2, EGRESS_AUDIT, "外部送信の監査ログ (egress_audit.jsonl):"
                    + " 送信先ホスト、目的、送受信バイト数");
            Manifest m = new Manifest(name, description, sourceRepository, version, quality,
                    keywords, references, licenses, inventories, parameters, measures, resources,
                    allDownloads);
            ValidationResult result = ManifestValidator.validate(ManifestJson.toTree(m));
            if (!result.isValid()) {
                throw new ManifestException("manifest '" + name + "'", result.errors());
            }
            return m;
        }
    }

    /** Name of the download holding {@code provenance.json}, added by the builder. */
    public static final String PROVENANCE = "Provenance";
    /** Name of the download holding the egress audit log, added by the builder. */
    public static final String EGRESS_AUDIT = "EgressAudit";

    private static void addIfAbsent(List<Download> downloads, int index, String name,
            String description) {
        if (downloads.stream().noneMatch(d -> name.equals(d.name()))) {
            downloads.add(Math.min(index, downloads.size()), new Download(name, description));
        }
    }

    /** Additional info entries are one-key maps; this makes one. */
    public static Map<String, String> info(String key, String value) {
        Objects.requireNonNull(key, "key");
        return Map.of(key, value);
    }
}
