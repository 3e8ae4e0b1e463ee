package io.llmtestbed.ait.sdk.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.llmtestbed.ait.sdk.guideline.Guideline;
import io.llmtestbed.ait.sdk.testait.SampleAit;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestJsonTest {

    private static final String SCHEMA = "/io/llmtestbed/ait/sdk/manifest/ait-manifest.schema.json";

    private static Manifest fullManifest() {
        return Manifest.builder()
                .name("eval_llm_mlflow_answer_accuracy")
                .description("exact match; F1 = 2PR/(P+R)")
                .sourceRepository("https://github.com/example/ait")
                .version("0.1")
                .quality("C-1")
                .keyword("LLM")
                .reference("Rajpurkar et al. SQuAD, 2016", "https://arxiv.org/abs/1606.05250")
                .license("Apache License Version 2.0")
                .inventory(new Inventory("evaluation_runs", InventoryType.DATASET, "MLflow runs",
                        new InventoryRequirement(List.of("json", "ALL"),
                                List.of(new CompatiblePackage("mlflow", "3.17.2", null)),
                                List.of(Manifest.info("layout", "pandas split")), "1", "3"),
                        null))
                .inventory("attributes", InventoryType.ATTRIBUTE_SET, "categories", "csv")
                .parameter("alpha", ValueType.FLOAT, "1 - confidence", "0.05", "0", "1")
                .parameter("normalize", ValueType.BOOL, "normalise answers", "true")
                .measure("Exact_Match", ValueType.FLOAT, Structure.SINGLE, "share", "0", "1")
                .measure("F1_By_Category", ValueType.FLOAT, Structure.SEQUENCE, "per category")
                .resource("accuracy_table", ResourceType.TABLE, "per category")
                .download("per_row_scores", "per-row CSV")
                .build();
    }

    @Test
    void should_emit_keys_in_sdk_order_when_written() {
        JsonNode tree = ManifestJson.toTree(fullManifest());

        List<String> keys = new ArrayList<>();
        tree.fieldNames().forEachRemaining(keys::add);

        assertThat(keys).containsExactly("name", "description", "source_repository", "version",
                "quality", "keywords", "references", "licenses", "inventories", "parameters",
                "report", "downloads");
        assertThat(tree.path("report").fieldNames()).toIterable()
                .containsExactly("measures", "resources");
    }

    @Test
    void should_add_log_download_first_when_builder_not_given_one() {
        Manifest m = fullManifest();

        assertThat(m.downloads()).extracting(Download::name)
                .containsExactly("Log", "Provenance", "EgressAudit", "per_row_scores");
        assertThat(m.downloads().get(0).description()).isEqualTo("AIT実行ログ");
    }

    @Test
    void should_write_raw_utf8_with_four_space_indent_when_serialised() {
        String json = ManifestJson.toJson(fullManifest());

        assertThat(json).contains("\n    \"name\": \"eval_llm_mlflow_answer_accuracy\"")
                .contains(Guideline.thirdEdition().title() + "/C-1機械学習モデルの正確性")
                .contains("\"attribute set\"")
                .doesNotContain("\\u");
    }

    @Test
    void should_read_back_equal_manifest_when_round_tripped(@TempDir Path dir) throws Exception {
        Manifest m = fullManifest();
        Path file = dir.resolve(ManifestJson.FILE_NAME);

        ManifestJson.write(m, file);

        assertThat(ManifestJson.read(file)).isEqualTo(m);
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .isEqualTo(ManifestJson.toJson(m));
    }

    @Test
    void should_list_every_error_when_builder_input_invalid() {
        Manifest.Builder b = Manifest.builder().name("Bad Name").description("d").version("0.1")
                .quality("C-1")
                .parameter("n", ValueType.INT, "count", "ten")
                .measure("m", ValueType.FLOAT, Structure.SINGLE, "x");

        assertThatThrownBy(b::build).isInstanceOf(ManifestException.class)
                .hasMessageContaining("manifest 'Bad Name' is not a valid ait.manifest.json"
                        + " (3 errors)")
                .hasMessageContaining("name: must start with [0-9a-z]")
                .hasMessageContaining("inventories: must have at least one inventory")
                .hasMessageContaining("parameters[0].default_val: must cast to the declared"
                        + " type int");
    }

    @Test
    void should_list_valid_ids_when_builder_quality_id_unknown() {
        assertThatThrownBy(() -> Manifest.builder().quality("C-3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown quality characteristic id 'C-3'")
                .hasMessageContaining("A-1, A-2, B-1, B-2, B-3, C-1, C-2, D-1, E-1, EXT1");
    }

    private static JsonSchema schema() throws Exception {
        try (InputStream in = ManifestJsonTest.class.getResourceAsStream(SCHEMA)) {
            assertThat(in).as("schema resource " + SCHEMA).isNotNull();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    @Test
    void should_satisfy_published_schema_when_manifest_emitted() throws Exception {
        JsonSchema schema = schema();

        Set<ValidationMessage> full = schema.validate(ManifestJson.toTree(fullManifest()));
        Set<ValidationMessage> sample = schema.validate(ManifestJson.toTree(
                new SampleAit().manifest()));

        assertThat(full).isEmpty();
        assertThat(sample).isEmpty();
    }

    @Test
    void should_be_rejected_by_schema_when_qunomon_would_reject() throws Exception {
        JsonSchema schema = schema();
        ObjectNode tree = ManifestJson.toTree(fullManifest());
        ((ObjectNode) tree.withArray("parameters").get(0)).put("type", "string");
        tree.put("authors", "someone");
        ((ObjectNode) tree.get("report")).remove("measures");

        Set<ValidationMessage> errors = schema.validate(tree);

        assertThat(errors).extracting(ValidationMessage::getMessage)
                .anyMatch(s -> s.contains("authors"))
                .anyMatch(s -> s.contains("measures"))
                .anyMatch(s -> s.contains("parameters[0].type") || s.contains("/parameters/0/type"));
    }

    @Test
    void should_carry_additional_info_as_one_key_maps_when_written() {
        JsonNode req = ManifestJson.toTree(fullManifest()).path("inventories").get(0)
                .path("requirement");

        assertThat(req.path("additional_info").get(0).path("layout").asText())
                .isEqualTo("pandas split");
        assertThat(req.path("min").asText()).isEqualTo("1");
        assertThat(Map.of("format", req.path("format").toString()))
                .containsEntry("format", "[\"json\",\"ALL\"]");
    }
}
