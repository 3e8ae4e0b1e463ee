package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Lists every cdk-nag suppression in the synthesized templates, so that adding one is a visible
 * change of this test, and checks that each carries a reason a reviewer can judge.
 */
class NagSuppressionsTest {

    /** Stack, resource path prefix and rule of each suppression, with the all-on options. */
    private static final List<String> EXPECTED_ALL_ON = List.of(
            "Data DatabaseSecret AwsSolutions-SMG4",
            "Data Database AwsSolutions-IAM4",
            "Data Database AwsSolutions-RDS11",
            "Data Database AwsSolutions-SMG4",
            "Data AdminSecret AwsSolutions-SMG4",
            "Data FlaskSecret AwsSolutions-SMG4",
            "Data VllmApiKey AwsSolutions-SMG4",
            "Data AccessLogsBucket AwsSolutions-S1",
            "Mlflow HostPolicy AwsSolutions-IAM5",
            "Mlflow MlflowHost1 AwsSolutions-EC29",
            "Mlflow MlflowHost2 AwsSolutions-EC29",
            "Llm VllmPolicy AwsSolutions-IAM5",
            "Llm VllmHost AwsSolutions-EC29");

    @Test
    void should_list_exactly_the_reviewed_suppressions_when_all_options_on() {
        assertThat(suppressions(Synth.allOn()).stream().map(Suppression::key).distinct().toList())
                .containsExactlyInAnyOrderElementsOf(EXPECTED_ALL_ON);
    }

    @Test
    void should_suppress_multi_az_only_when_it_is_off() {
        assertThat(suppressions(Synth.defaults()).stream().map(Suppression::key))
                .contains("Data Database AwsSolutions-RDS3");
        assertThat(suppressions(Synth.allOn()).stream().map(Suppression::key))
                .doesNotContain("Data Database AwsSolutions-RDS3");
    }

    @Test
    void should_give_every_suppression_a_reason_of_substance() {
        List<Suppression> all = new ArrayList<>(suppressions(Synth.defaults()));
        all.addAll(suppressions(Synth.allOn()));
        assertThat(all).isNotEmpty().allSatisfy(s -> assertThat(s.reason())
                .as(s.key()).hasSizeGreaterThan(80).doesNotContainIgnoringCase("todo"));
        assertThat(all.stream().filter(s -> s.rule().equals("AwsSolutions-IAM5")))
                .as("wildcard suppressions are limited to named findings")
                .allSatisfy(s -> assertThat(s.appliesTo()).isNotEmpty());
    }

    record Suppression(String stack, String resource, String rule, String reason,
            List<Object> appliesTo) {
        String key() {
            return stack + " " + resource + " " + rule;
        }
    }

    static List<Suppression> suppressions(Synth.Result r) {
        List<Suppression> out = new ArrayList<>();
        r.templates().forEach((stack, t) -> {
            Map<String, Map<String, Object>> resources = Cfn.map(t.toJSON().get("Resources"))
                    .entrySet().stream().collect(java.util.stream.Collectors.toMap(
                            Map.Entry::getKey, e -> Cfn.map(e.getValue())));
            resources.forEach((id, res) -> {
                var meta = Cfn.map(res.get("Metadata"));
                String construct = r.constructIds().get(stack).getOrDefault(id, id);
                for (Object o : Cfn.list(Cfn.map(meta.get("cdk_nag")).get("rules_to_suppress"))) {
                    var s = Cfn.map(o);
                    out.add(new Suppression(stack, construct, String.valueOf(s.get("id")),
                            String.valueOf(s.get("reason")), Cfn.list(s.get("applies_to"))));
                }
            });
        });
        new TreeSet<>(out.stream().map(Suppression::key).toList())
                .forEach(k -> System.out.println("cdk-nag suppression: " + k));
        return out;
    }
}
