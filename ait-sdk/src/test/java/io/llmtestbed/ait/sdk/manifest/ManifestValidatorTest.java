package io.llmtestbed.ait.sdk.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.guideline.Guideline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ManifestValidatorTest {

    private static final String C1 = Guideline.thirdEdition().byId("C-1").qualityUrl();

    private ObjectNode m;

    @BeforeEach
    void validManifest() throws Exception {
        m = (ObjectNode) JsonFormat.MAPPER.readTree("""
                {
                  "name": "eval_llm_answer_accuracy",
                  "description": "exact match over answers",
                  "source_repository": "https://github.com/example/ait",
                  "version": "0.1",
                  "quality": "%s",
                  "keywords": ["LLM"],
                  "references": [{"bib_info": "A paper", "url": "https://example.org"}],
                  "licenses": ["Apache License Version 2.0"],
                  "inventories": [{"name": "runs", "type": "dataset", "description": "runs",
                                   "requirement": {"format": ["json"]}}],
                  "parameters": [{"name": "alpha", "type": "float", "description": "level",
                                  "default_val": "0.05", "min": "0", "max": "1"},
                                 {"name": "strict", "type": "bool", "description": "strict",
                                  "default_val": "true"}],
                  "report": {"measures": [{"name": "Accuracy", "type": "float",
                                           "description": "share correct",
                                           "structure": "single"}],
                             "resources": [{"name": "table", "type": "table",
                                            "description": "per row"}]},
                  "downloads": [{"name": "Log", "description": "AIT実行ログ"}]
                }
                """.formatted(C1));
    }

    private ObjectNode param(int i) {
        return (ObjectNode) m.withArray("parameters").get(i);
    }

    private ObjectNode measure(int i) {
        return (ObjectNode) ((ObjectNode) m.get("report")).withArray("measures").get(i);
    }

    private ValidationResult validate() {
        return ManifestValidator.validate(m);
    }

    private Violation onlyError() {
        ValidationResult r = validate();
        assertThat(r.errors()).as(r.summary()).hasSize(1);
        return r.errors().get(0);
    }

    @Test
    void should_accept_manifest_when_it_follows_every_rule() {
        ValidationResult r = validate();

        assertThat(r.violations()).as(r.summary()).isEmpty();
        assertThat(r.isValid()).isTrue();
    }

    @Test
    void should_reject_when_name_missing() {
        m.remove("name");

        Violation v = onlyError();

        assertThat(v.path()).isEqualTo("name");
        assertThat(v.message()).contains("is required").contains("(missing)");
    }

    @Test
    void should_reject_when_name_breaks_regex() {
        m.put("name", "Eval LLM");

        Violation v = onlyError();

        assertThat(v.message()).contains("name: must start with [0-9a-z]")
                .contains("\"Eval LLM\"").contains("fix:").contains("\"eval_llm\"");
    }

    @Test
    void should_reject_when_name_longer_than_128() {
        m.put("name", "eval_" + "x".repeat(130));

        assertThat(validate().errors()).extracting(Violation::rule)
                .anyMatch(r -> r.contains("at most 128 characters (has 135)"));
    }

    @Test
    void should_warn_when_name_ignores_guide_convention() {
        m.put("name", "accuracy-tool");

        ValidationResult r = validate();

        assertThat(r.isValid()).isTrue();
        assertThat(r.warnings()).singleElement().extracting(Violation::message)
                .asString().contains("{prefix}_{target}_{format}_{task}_{measure}");
    }

    @Test
    void should_reject_when_parameter_names_duplicated() {
        param(1).put("name", "alpha").put("type", "float").put("default_val", "0.1");

        Violation v = onlyError();

        assertThat(v.path()).isEqualTo("parameters[1].name");
        assertThat(v.message()).contains("names must be unique within parameters")
                .contains("\"alpha\"");
    }

    @Test
    void should_reject_when_measure_names_duplicated() {
        ((ObjectNode) m.get("report")).withArray("measures").add(measure(0).deepCopy());

        assertThat(onlyError().message())
                .startsWith("ERROR report.measures[1].name: names must be unique within"
                        + " report.measures");
    }

    @Test
    void should_reject_when_parameter_type_is_string() {
        param(1).put("type", "string");

        Violation v = onlyError();

        assertThat(v.path()).isEqualTo("parameters[1].type");
        assertThat(v.value()).isEqualTo("\"string\"");
        assertThat(v.fix()).contains("use \"str\"");
    }

    @Test
    void should_reject_when_resource_type_is_binary() {
        ((ObjectNode) ((ObjectNode) m.get("report")).withArray("resources").get(0)).put("type", "binary");

        Violation v = onlyError();

        assertThat(v.message()).contains("report.resources[0].type")
                .contains("text|picture|table").contains("\"binary\"");
    }

    @Test
    void should_reject_when_structure_is_not_single_or_sequence() {
        measure(0).put("structure", "matrix");

        assertThat(onlyError().message()).contains("report.measures[0].structure")
                .contains("must be single or sequence").contains("\"matrix\"");
    }

    @Test
    void should_reject_when_inventory_type_unknown() {
        ((ObjectNode) m.withArray("inventories").get(0)).put("type", "attribute_set");

        assertThat(onlyError().message()).contains("inventories[0].type")
                .contains("dataset|executable_model|model|attribute set")
                .contains("note the space");
    }

    @Test
    void should_reject_when_requirement_format_empty() {
        ((ObjectNode) m.withArray("inventories").get(0).get("requirement")).putArray("format");

        assertThat(onlyError().message()).contains("inventories[0].requirement.format")
                .contains("non-empty list").contains("[\"ALL\"] for a directory");
    }

    @Test
    void should_suggest_c1_url_when_quality_missing() {
        m.remove("quality");

        assertThat(onlyError().fix()).startsWith("add \"quality\": \"" + C1 + "\" (C-1)");
    }

    @Test
    void should_ask_for_one_inventory_when_inventories_missing() {
        m.remove("inventories");

        assertThat(onlyError().message())
                .contains("inventories: is required (a list with at least one inventory)");
    }

    @Test
    void should_reject_when_inventories_empty() {
        m.putArray("inventories");

        assertThat(onlyError().message()).contains("inventories: must have at least one");
    }

    @Test
    void should_reject_when_default_val_not_castable() {
        param(0).put("default_val", "five percent");

        Violation v = onlyError();

        assertThat(v.path()).isEqualTo("parameters[0].default_val");
        assertThat(v.message()).contains("must cast to the declared type float")
                .contains("'five percent' is not a float");
    }

    @Test
    void should_reject_when_bool_default_val_not_strtobool() {
        param(1).put("default_val", "maybe");

        assertThat(onlyError().message()).contains("'maybe' is not a bool")
                .contains("y, yes, t, true, on, 1");
    }

    @Test
    void should_reject_when_min_not_less_than_max() {
        param(0).put("min", "0.5").put("max", "0.5").put("default_val", "0.5");

        Violation v = onlyError();

        assertThat(v.path()).isEqualTo("parameters[0].min");
        assertThat(v.message()).contains("min must be less than max (0.5)");
    }

    @Test
    void should_warn_when_min_and_max_compare_wrongly_as_strings() {
        param(0).put("min", "5").put("max", "10").put("default_val", "6");
        param(0).put("type", "int");

        ValidationResult r = validate();

        assertThat(r.errors()).as(r.summary()).isEmpty();
        assertThat(r.warnings()).singleElement().extracting(Violation::message).asString()
                .contains("as strings \"5\" >= \"10\"").contains("min \"05\" with max \"10\"");
    }

    @Test
    void should_reject_when_default_val_outside_bounds() {
        param(0).put("default_val", "1.5");

        assertThat(onlyError().message()).contains("parameters[0].default_val")
                .contains("must lie within [0, 1]");
    }

    @Test
    void should_reject_when_bound_is_a_json_number() {
        param(0).put("max", 1);

        assertThat(onlyError().message()).contains("parameters[0].max: must be a string")
                .contains("quote it: \"1\"");
    }

    @Test
    void should_reject_when_unknown_top_level_key() {
        m.put("$schema", "https://json-schema.org/draft/2020-12/schema");

        Violation v = onlyError();

        assertThat(v.path()).isEqualTo("$schema");
        assertThat(v.message()).contains("unknown=RAISE").contains("remove \"$schema\"");
    }

    @Test
    void should_reject_when_unknown_key_in_parameter() {
        param(0).put("unit", "%");

        assertThat(onlyError().path()).isEqualTo("parameters[0].unit");
    }

    @Test
    void should_reject_when_quality_url_not_a_known_characteristic() {
        m.put("quality", Guideline.thirdEdition().qualityUrlBase()
                + "機械学習品質マネジメントガイドライン第三版/C-9未知の特性");

        Violation v = onlyError();

        assertThat(v.message()).contains("must name a known characteristic")
                .contains("C-1 -> " + C1).contains("EXT5 -> ");
    }

    @Test
    void should_reject_when_quality_url_has_legacy_form() {
        m.put("quality", "https://airc.aist.go.jp/aiqm/quality/internal/機械学習モデルの正確性");

        assertThat(onlyError().message()).contains("must have the form "
                + Guideline.thirdEdition().qualityUrlBase()).contains(C1);
    }

    @Test
    void should_reject_when_quality_url_percent_encoded() {
        m.put("quality", java.net.URI.create(C1.replace("https://", "https://"))
                .toASCIIString());

        assertThat(onlyError().message()).contains("raw UTF-8, not percent-encoded")
                .contains("use \"" + C1 + "\"");
    }

    @Test
    void should_reject_when_report_measures_key_missing() {
        ((ObjectNode) m.get("report")).remove("measures");

        assertThat(onlyError().message()).contains("report.measures: is required")
                .contains("add \"measures\": []");
    }

    @Test
    void should_reject_when_report_missing() {
        m.remove("report");

        assertThat(onlyError().message()).contains("report: is required");
    }

    @Test
    void should_reject_when_log_download_missing() {
        ArrayNode d = m.putArray("downloads");
        d.addObject().put("name", "table_csv").put("description", "rows");

        assertThat(onlyError().message()).contains("must contain the download \"Log\"")
                .contains("{\"name\": \"Log\", \"description\": \"AIT実行ログ\"}");
    }

    @Test
    void should_reject_when_depends_on_parameter_names_nothing() {
        ((ObjectNode) m.withArray("inventories").get(0)).put("depends_on_parameter", "beta");

        assertThat(onlyError().message()).contains("inventories[0].depends_on_parameter")
                .contains("must name a declared parameter").contains("alpha");
    }

    @Test
    void should_warn_when_measure_type_is_str() {
        measure(0).put("type", "str");

        assertThat(validate().warnings()).singleElement().extracting(Violation::message)
                .asString().contains("float()");
    }

    @Test
    void should_report_every_violation_when_several_rules_broken() {
        m.remove("name");
        param(1).put("type", "string");
        m.put("authors", "me");

        assertThat(validate().errors()).extracting(Violation::path)
                .containsExactly("authors", "name", "parameters[1].type");
    }

    @Test
    void should_name_line_and_column_when_json_malformed() {
        ValidationResult r = ManifestValidator.validate("{\n  \"name\": \"x\",\n  oops\n}");

        assertThat(r.errors()).singleElement().extracting(Violation::message).asString()
                .contains("well-formed JSON at line 3, column");
    }
}
