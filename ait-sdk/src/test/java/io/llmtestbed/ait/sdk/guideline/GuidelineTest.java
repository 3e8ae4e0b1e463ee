package io.llmtestbed.ait.sdk.guideline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.guideline.QualityCharacteristic.Kind;
import java.net.URI;
import org.junit.jupiter.api.Test;

class GuidelineTest {

    private final Guideline g = Guideline.thirdEdition();

    @Test
    void should_describe_third_edition_when_loaded_from_classpath() {
        assertThat(g.title()).isEqualTo("機械学習品質マネジメントガイドライン第三版");
        assertThat(g.issued()).isEqualTo("2022-08-02");
        assertThat(g.identifier()).startsWith("https://www.digiarc.aist.go.jp/publication/aiqm/");
    }

    @Test
    void should_hold_nine_internal_and_five_external_characteristics_when_loaded() {
        assertThat(g.characteristics()).filteredOn(c -> c.kind() == Kind.INTERNAL)
                .extracting(QualityCharacteristic::id)
                .containsExactly("A-1", "A-2", "B-1", "B-2", "B-3", "C-1", "C-2", "D-1", "E-1");
        assertThat(g.characteristics()).filteredOn(c -> c.kind() == Kind.EXTERNAL)
                .extracting(QualityCharacteristic::name)
                .containsExactly("リスク回避性", "公平性", "AIパフォーマンス", "プライバシー",
                        "AIセキュリティ");
    }

    @Test
    void should_build_raw_utf8_quality_url_when_c1_looked_up() {
        QualityCharacteristic c1 = g.byId("C-1");

        assertThat(c1.qualityUrl()).isEqualTo("https://ait-hub.pj.aist.go.jp/ait-hub/api/0.0.1/"
                + "qualityDimensions/機械学習品質マネジメントガイドライン第三版/C-1機械学習モデルの正確性");
        assertThat(c1.englishName()).isEqualTo("Correctness of the trained model");
        assertThat(c1.levels()).containsExactly("C-1-L1", "C-1-L2", "C-1-L3");
        assertThat(c1.schemaId()).isEqualTo("INT6");
    }

    @Test
    void should_carry_levels_and_sub_characteristics_when_external() {
        QualityCharacteristic risk = g.byId("EXT1");

        assertThat(risk.levels()).containsExactly("AISL-0", "AISL-0.1", "AISL-0.2", "AISL-1",
                "AISL-2", "AISL-3", "AISL-4");
        assertThat(risk.subCharacteristics()).hasSize(9);
        assertThat(g.byId("EXT2").subCharacteristics()).containsExactly("A-1", "A-2", "B-1",
                "B-2", "B-3");
        assertThat(g.byId("B-2").levels()).containsExactly("B-2-LE1", "B-2-LE2", "B-2-LS1",
                "B-2-LS2");
    }

    @Test
    void should_list_valid_ids_when_id_unknown() {
        assertThatThrownBy(() -> g.byId("F-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown quality characteristic id 'F-1' in 機械学習品質マネジメント"
                        + "ガイドライン第三版; valid ids: A-1, A-2, B-1, B-2, B-3, C-1, C-2, D-1,"
                        + " E-1, EXT1, EXT2, EXT3, EXT4, EXT5");
    }

    @Test
    void should_find_characteristic_when_url_raw_or_percent_encoded() {
        String raw = g.byId("EXT2").qualityUrl();
        String encoded = URI.create(raw).toASCIIString();

        assertThat(g.findByUrl(raw)).map(QualityCharacteristic::id).hasValue("EXT2");
        assertThat(g.findByUrl(encoded)).map(QualityCharacteristic::id).hasValue("EXT2");
        assertThat(g.isRawForm(encoded)).isFalse();
        assertThat(g.findByUrl(raw + "x")).isEmpty();
    }
}
