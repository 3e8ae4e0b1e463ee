package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class NetworkStackTest {

    @Test
    void should_have_no_internet_gateway_nat_or_default_route_when_defaults() {
        var net = Synth.defaults().network();
        net.resourceCountIs("AWS::EC2::InternetGateway", 0);
        net.resourceCountIs("AWS::EC2::NatGateway", 0);
        assertThat(Cfn.resources(net, "AWS::EC2::Route")).as("routes to 0.0.0.0/0").isEmpty();
        assertThat(Cfn.resources(net, "AWS::EC2::Subnet").values())
                .as("subnets over two AZs, none mapping public IPs").hasSize(2)
                .allSatisfy(s -> assertThat(Cfn.props(s).get("MapPublicIpOnLaunch"))
                        .isIn(null, false));
    }

    @Test
    void should_add_one_nat_in_public_subnets_when_nat_enabled() {
        var net = Synth.of(Map.of("natEnabled", "true")).network();
        net.resourceCountIs("AWS::EC2::NatGateway", 1);
        net.resourceCountIs("AWS::EC2::InternetGateway", 1);
        assertThat(Cfn.resources(net, "AWS::EC2::Subnet").values())
                .as("public subnets still do not map public IPs").hasSize(4)
                .allSatisfy(s -> assertThat(Cfn.props(s).get("MapPublicIpOnLaunch"))
                        .isIn(null, false));
    }

    @Test
    void should_create_s3_gateway_and_every_interface_endpoint() {
        var net = Synth.defaults().network();
        List<String> services = Cfn.resources(net, "AWS::EC2::VPCEndpoint").values().stream()
                .map(r -> Cfn.text(Cfn.props(r).get("ServiceName"))
                        + "|" + Cfn.props(r).get("VpcEndpointType"))
                .toList();
        String p = "com.amazonaws.ap-northeast-1.";
        assertThat(services).containsExactlyInAnyOrder(
                "com.amazonaws.<Ref:AWS::Region>.s3|Gateway",
                p + "ssm|Interface", p + "ssmmessages|Interface", p + "ec2messages|Interface",
                p + "secretsmanager|Interface", p + "logs|Interface", p + "monitoring|Interface",
                p + "ecr.api|Interface", p + "ecr.dkr|Interface", p + "sts|Interface",
                p + "bedrock-runtime|Interface");
        net.allResourcesProperties("AWS::EC2::VPCEndpoint", Match.objectLike(Map.of()));
    }

    @Test
    void should_never_allow_ingress_from_anywhere_when_any_combination() {
        for (Synth.Result r : List.of(Synth.defaults(), Synth.allOn())) {
            List<Object> rules = new java.util.ArrayList<>();
            Cfn.all(r, "AWS::EC2::SecurityGroup")
                    .forEach(sg -> rules.addAll(Cfn.list(Cfn.props(sg).get("SecurityGroupIngress"))));
            Cfn.all(r, "AWS::EC2::SecurityGroupIngress").forEach(i -> rules.add(Cfn.props(i)));
            assertThat(rules).as("ingress rules").isNotEmpty().allSatisfy(rule -> {
                assertThat(Cfn.map(rule).get("CidrIp")).isNotEqualTo("0.0.0.0/0");
                assertThat(Cfn.map(rule).get("CidrIpv6")).isNotEqualTo("::/0");
            });
        }
    }

    @Test
    void should_let_only_mlflow_hosts_reach_the_database() {
        var net = Synth.defaults().network();
        var ingress = Cfn.resources(net, "AWS::EC2::SecurityGroupIngress").values().stream()
                .map(Cfn::props).filter(p -> Integer.valueOf(5432).equals(p.get("FromPort")))
                .toList();
        assertThat(ingress).hasSize(1);
        assertThat(Cfn.text(ingress.get(0).get("SourceSecurityGroupId")))
                .contains("MlflowHostSg");
        assertThat(ingress.get(0)).doesNotContainKey("CidrIp");
    }

    @Test
    void should_log_all_vpc_traffic() {
        var net = Synth.defaults().network();
        net.hasResourceProperties("AWS::EC2::FlowLog", Map.of("TrafficType", "ALL",
                "LogDestinationType", "cloud-watch-logs"));
    }
}
