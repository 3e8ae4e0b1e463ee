package io.llmtestbed.ait.sdk.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.manifest.MethodParam;
import io.llmtestbed.ait.sdk.manifest.ValueType;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AitParametersTest {

    private static final List<MethodParam> PARAMS = List.of(
            new MethodParam("k", ValueType.INT, "top k", "5", "1", "100", null),
            MethodParam.of("strict", ValueType.BOOL, "strict", "false"),
            MethodParam.of("ks", ValueType.STR, "list of k", "1, 5,10"),
            MethodParam.of("label", ValueType.STR, "label", "ラベル"));

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({"y,true", "YES,true", "t,true", "True,true", "on,true", "1,true",
            "n,false", "No,false", "f,false", "FALSE,false", "off,false", "0,false"})
    void should_cast_by_strtobool_when_bool_given(String text, boolean expected) {
        AitParameters p = AitParameters.resolve(PARAMS, Map.of("strict", text));

        assertThat(p.getBool("strict")).isEqualTo(expected);
    }

    @Test
    void should_name_accepted_words_when_bool_not_strtobool() {
        assertThatThrownBy(() -> AitParameters.resolve(PARAMS, Map.of("strict", "yep")))
                .hasMessageContaining("parameter 'strict' (bool) has value 'yep'")
                .hasMessageContaining("use one of y, yes, t, true, on, 1 / n, no, f, false,"
                        + " off, 0");
    }

    @Test
    void should_fall_back_to_default_val_when_value_not_given() {
        AitParameters p = AitParameters.resolve(PARAMS, Map.of());

        assertThat(p.getInt("k")).isEqualTo(5);
        assertThat(p.getBool("strict")).isFalse();
        assertThat(p.getString("label")).isEqualTo("ラベル");
        assertThat(p.names()).containsExactly("k", "strict", "ks", "label");
    }

    @Test
    void should_split_on_commas_when_list_read() {
        AitParameters p = AitParameters.resolve(PARAMS, Map.of());

        assertThat(p.getList("ks")).containsExactly("1", "5", "10");
        assertThat(p.getLongList("ks")).containsExactly(1L, 5L, 10L);
        assertThat(p.getDoubleList("ks")).containsExactly(1.0, 5.0, 10.0);
    }

    @Test
    void should_reject_int_with_decimal_point_when_cast() {
        assertThatThrownBy(() -> AitParameters.resolve(PARAMS, Map.of("k", "2.0")))
                .isInstanceOf(AitException.class)
                .hasMessageContaining("'2.0' is not an int")
                .hasMessageEndingWith("; pass an int value");
    }

    @Test
    void should_say_a_bool_value_when_bool_does_not_cast() {
        assertThatThrownBy(() -> AitParameters.resolve(PARAMS, Map.of("strict", "yep")))
                .hasMessageEndingWith("; pass a bool value");
    }

    @Test
    void should_report_min_when_value_below() {
        assertThatThrownBy(() -> AitParameters.resolve(PARAMS, Map.of("k", "0")))
                .hasMessageContaining("below its min '1'; pass a value in [1, 100]");
    }

    @Test
    void should_be_e101_when_ait_reads_undeclared_or_wrongly_typed_parameter() {
        AitParameters p = AitParameters.resolve(PARAMS, Map.of());

        assertThatThrownBy(() -> p.getInt("topk")).isInstanceOf(AitException.class)
                .satisfies(e -> assertThat(((AitException) e).code()).isEqualTo(ErrorCode.E101))
                .hasMessageContaining("parameter 'topk', which its manifest does not declare");
        assertThatThrownBy(() -> p.getBool("k"))
                .hasMessageContaining("parameter 'k' is declared int");
    }
}
