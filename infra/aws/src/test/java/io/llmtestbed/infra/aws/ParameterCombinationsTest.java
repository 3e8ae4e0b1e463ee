package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each option on its own synthesizes, passes cdk-nag and adds exactly its own resources. */
class ParameterCombinationsTest {

    static Stream<Arguments> combinations() {
        return Stream.of(
                Arguments.of("defaults", Map.of(), 0, 0, 1),
                Arguments.of("nat only", Map.of("natEnabled", "true"), 1, 0, 1),
                Arguments.of("alb only", Map.of("albEnabled", "true", "albCertificateArn",
                        Synth.CERT, "allowedCidr", "192.168.0.0/16"), 0, 1, 1),
                Arguments.of("gpu only", Map.of("gpuEnabled", "true"), 0, 0, 2),
                Arguments.of("all on", Synth.ALL_ON, 1, 1, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    void should_synthesize_cleanly_with_only_the_requested_parts(String name,
            Map<String, String> context, int nats, int albs, int instances) {
        Synth.Result r = Synth.of(context);
        assertThat(r.nagErrors()).as("cdk-nag errors, %s", name).isEmpty();
        assertThat(r.nagWarnings()).as("cdk-nag warnings, %s", name).isEmpty();
        assertThat(Cfn.all(r, "AWS::EC2::NatGateway")).as("NAT gateways").hasSize(nats);
        assertThat(Cfn.all(r, "AWS::ElasticLoadBalancingV2::LoadBalancer")).as("ALBs")
                .hasSize(albs);
        assertThat(Cfn.all(r, "AWS::EC2::Instance")).as("instances").hasSize(instances);
        assertThat(Cfn.all(r, "AWS::EC2::Instance")).allSatisfy(Cfn::assertNoPublicIp);
    }
}
