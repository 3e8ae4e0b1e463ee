package io.llmtestbed.ait.sdk.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evidence from the mapping the SDK ships (guideline/mapping.json on the classpath). */
class GuidelineEvidenceTest {

    private static final String ACCURACY = "eval_llm_mlflow_answer_accuracy";

    @TempDir
    Path dir;

    @Test
    void should_list_aiqm_and_iso_entries_when_accuracy_measures_are_written() {
        GuidelineEvidence.Evidence e = GuidelineEvidence.load().evidence(ACCURACY,
                List.of("exact_match", "exact_match_ci_lower", "null_predictions"));

        assertThat(e.of(GuidelineEvidence.AIQM)).extracting(GuidelineEvidence.Entry::id)
                .containsExactly("C-1", "EXT3", "D-1");
        assertThat(e.of(GuidelineEvidence.AIQM).get(0).name()).isEqualTo("C-1機械学習モデルの正確性");
        assertThat(e.of(GuidelineEvidence.ISO)).extracting(GuidelineEvidence.Entry::id)
                .containsExactly("ISO25059-PQ-FS-FC", "ISO25059-PQ-RE");
        assertThat(e.of(GuidelineEvidence.ISO).get(0).measures())
                .containsExactly("exact_match", "exact_match_ci_lower");
        assertThat(e.of(GuidelineEvidence.AISI)).as("accuracy is no AISI perspective").isEmpty();
        assertThat(e.unmapped()).isEmpty();
        assertThat(e.summary()).isEqualTo("AIQM C-1, EXT3, D-1; AISI none; ISO/IEC 25059"
                + " ISO25059-PQ-FS-FC, ISO25059-PQ-RE");
    }

    @Test
    void should_give_the_reason_when_a_measure_maps_to_no_aisi_perspective() {
        GuidelineEvidence.MeasureMapping m = GuidelineEvidence.load().mapping(ACCURACY,
                "rows_scored");

        assertThat(m.aisi()).isEmpty();
        assertThat(m.aisiNone()).contains("test set");
        assertThat(m.iso25059()).isEmpty();
        assertThat(m.isoNone()).contains("not a quality property");
    }

    @Test
    void should_report_unmapped_when_measure_is_not_in_mapping() {
        GuidelineEvidence.Evidence e = GuidelineEvidence.load().evidence(ACCURACY,
                List.of("exact_match", "brand_new_measure"));

        assertThat(e.unmapped()).containsExactly("brand_new_measure");
        assertThat(e.summary()).endsWith("; unmapped measures: brand_new_measure");
    }

    @Test
    void should_write_one_csv_line_per_entry_when_evidence_is_written() throws Exception {
        Path csv = dir.resolve("evidence.csv");

        GuidelineEvidence.load().evidence(ACCURACY, List.of("exact_match")).writeCsv(csv);

        assertThat(Files.readAllLines(csv)).containsExactly(
                "framework,id,name,other_name,measures",
                "AIQM,C-1,C-1機械学習モデルの正確性,Correctness of the trained model,exact_match",
                "AIQM,EXT3,AIパフォーマンス,AI performance,exact_match",
                "ISO/IEC 25059,ISO25059-PQ-FS-FC,Functional correctness,機能正確性,exact_match");
    }

    @Test
    void should_reject_pattern_when_it_has_two_brace_groups() {
        assertThat(GuidelineEvidence.expand("x{,_a}")).containsExactly("x", "x_a");
        assertThatThrownBy(() -> GuidelineEvidence.expand("x{a}{b}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one {a,b,...} group");
    }
}
