package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class MlflowStackTest {

    @Test
    void should_run_one_private_host_without_key_pair_when_defaults() {
        var mlflow = Synth.defaults().mlflow();
        var hosts = Cfn.resources(mlflow, "AWS::EC2::Instance").values();
        assertThat(hosts).hasSize(1).allSatisfy(h -> {
            var p = Cfn.props(h);
            assertThat(p).doesNotContainKey("KeyName");
            Cfn.assertNoPublicIp(h);
            assertThat(p.get("InstanceType")).isEqualTo("m7i.large");
            assertThat(p.get("Monitoring")).isEqualTo(true);
            assertThat(Cfn.text(p.get("ImageId"))).contains("al2023");
            assertThat(Cfn.list(p.get("BlockDeviceMappings"))).allSatisfy(b -> assertThat(
                    Cfn.map(Cfn.map(b).get("Ebs"))).containsEntry("Encrypted", true)
                    .containsKey("KmsKeyId"));
        });
        mlflow.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 0);
    }

    @Test
    void should_require_imdsv2_on_every_host_when_any_combination() {
        for (Synth.Result r : List.of(Synth.defaults(), Synth.allOn())) {
            var templates = Cfn.all(r, "AWS::EC2::LaunchTemplate");
            var instances = Cfn.all(r, "AWS::EC2::Instance");
            assertThat(templates).as("one launch template per instance").hasSize(instances.size());
            assertThat(templates).allSatisfy(t -> assertThat(Cfn.map(Cfn.map(Cfn.props(t)
                    .get("LaunchTemplateData")).get("MetadataOptions")))
                    .containsEntry("HttpTokens", "required"));
            assertThat(instances).allSatisfy(i ->
                    assertThat(Cfn.props(i)).containsKey("LaunchTemplate"));
        }
    }

    @Test
    void should_install_pinned_mlflow_with_rds_s3_and_basic_auth_in_user_data() {
        String script = Cfn.userData(Synth.defaults().mlflow()).get(0);
        assertThat(script)
                .contains("MLFLOW_VERSION='3.17.2'")
                .contains("\"mlflow[auth]==${MLFLOW_VERSION}\"")
                .contains("\"psycopg2-binary==2.9.13\" \"boto3==1.44.8\"")
                .contains("python3.11 -m venv /opt/mlflow/venv")
                .contains("sslmode=require")
                .contains("PGSSLMODE=require")
                .contains("MLFLOW_ARTIFACTS_DESTINATION=s3://")
                .contains("exec /opt/mlflow/venv/bin/mlflow server --serve-artifacts"
                        + " --artifacts-destination \"$MLFLOW_ARTIFACTS_DESTINATION\"")
                .contains("--app-name basic-auth")
                .contains("TESTBED_MLFLOW_WORKERS=4")
                .contains("MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false")
                .contains("base=\"${TESTBED_BACKEND_SCHEME}://${PGUSER}")
                .contains("MLFLOW_SERVER_ALLOWED_HOSTS=localhost,localhost:*,127.0.0.1,127.0.0.1:*")
                .contains("TESTBED_MLFLOW_BIND=127.0.0.1")
                .contains("ExecStart=/opt/mlflow/bin/start-mlflow.sh")
                .contains("exec /opt/mlflow/venv/bin/mlflow db upgrade \"$MLFLOW_BACKEND_STORE_URI\"")
                .contains("amazon-cloudwatch-agent-ctl -a fetch-config")
                .contains("\"log_group_name\": \"<Ref:HostLogs")
                .doesNotContainPattern("@[A-Z][A-Z0-9_]*@");
    }

    @Test
    void should_keep_secret_values_out_of_user_data() {
        for (Synth.Result r : List.of(Synth.defaults(), Synth.allOn())) {
            List<String> scripts = new ArrayList<>();
            r.templates().values().forEach(t -> scripts.addAll(Cfn.userData(t)));
            assertThat(scripts).isNotEmpty().allSatisfy(s -> assertThat(s)
                    .as("no CloudFormation dynamic reference resolves a secret into user data")
                    .doesNotContain("resolve:secretsmanager")
                    .doesNotContain("SecretString\"")
                    .doesNotContainPattern("(?i)password\\s*=\\s*[A-Za-z0-9]")
                    .contains("aws secretsmanager get-secret-value"));
        }
    }

    @Test
    void should_grant_wildcard_resources_only_for_actions_without_resource_types() {
        for (Synth.Result r : List.of(Synth.defaults(), Synth.allOn())) {
            var policies = Cfn.all(r, "AWS::IAM::Policy");
            assertThat(policies).isNotEmpty();
            for (var policy : policies) {
                for (Object st : Cfn.list(Cfn.map(Cfn.props(policy).get("PolicyDocument"))
                        .get("Statement"))) {
                    var s = Cfn.map(st);
                    List<Object> actions = Cfn.list(s.get("Action"));
                    assertThat(actions).as("no action wildcard such as s3:* or *")
                            .allSatisfy(a -> assertThat(String.valueOf(a)).doesNotEndWith("*"));
                    if (Cfn.list(s.get("Resource")).contains("*")) {
                        assertThat(actions).as("actions on resource '*' in " + s.get("Sid"))
                                .allSatisfy(a -> assertThat(HostPolicies.WILDCARD_ACTIONS)
                                        .containsKey(String.valueOf(a)));
                    }
                }
            }
        }
    }

    @Test
    void should_use_no_aws_managed_policies_on_host_roles() {
        var roles = Cfn.resources(Synth.allOn().mlflow(), "AWS::IAM::Role").values();
        assertThat(roles).hasSize(1).allSatisfy(role ->
                assertThat(Cfn.props(role)).doesNotContainKey("ManagedPolicyArns"));
    }

    @Test
    void should_put_two_hosts_behind_an_internal_https_alb_when_alb_enabled() {
        var mlflow = Synth.allOn().mlflow();
        mlflow.resourceCountIs("AWS::EC2::Instance", 2);
        var alb = Cfn.props(Cfn.resources(mlflow, "AWS::ElasticLoadBalancingV2::LoadBalancer")
                .values().iterator().next());
        assertThat(alb.get("Scheme")).isEqualTo("internal");
        assertThat(Cfn.list(alb.get("LoadBalancerAttributes")))
                .contains(Map.of("Key", "access_logs.s3.enabled", "Value", "true"))
                .contains(Map.of("Key", "routing.http.drop_invalid_header_fields.enabled",
                        "Value", "true"));
        mlflow.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Map.of(
                "Port", 443, "Protocol", "HTTPS",
                "Certificates", List.of(Map.of("CertificateArn", Synth.CERT)),
                "DefaultActions", Match.anyValue(),
                "LoadBalancerArn", Match.anyValue(),
                "SslPolicy", Match.anyValue()));
        mlflow.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup",
                Match.objectLike(Map.of("Port", 5000, "HealthCheckPath", "/health")));
        var net = Synth.allOn().network();
        net.hasResourceProperties("AWS::EC2::SecurityGroup", Match.objectLike(Map.of(
                "SecurityGroupIngress", List.of(Match.objectLike(Map.of(
                        "CidrIp", "10.0.0.0/8", "FromPort", 443, "ToPort", 443))))));
        assertThat(Cfn.userData(mlflow)).allSatisfy(s -> assertThat(s)
                .contains("TESTBED_MLFLOW_BIND=0.0.0.0")
                .contains("mlflow.testbed.example.internal")
                .contains("<GetAtt:[Alb"));
    }

    @Test
    void should_reject_more_hosts_than_one_without_the_alb() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        TestbedConfig.fromContext(Map.<String, Object>of("mlflowHostCount", "2")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mlflowHostCount above 1 needs the load balancer")
                .hasMessageContaining("add -c albEnabled=true");
    }

    @Test
    void should_replace_the_hosts_when_host_generation_is_raised() {
        var before = Cfn.resources(Synth.defaults().mlflow(), "AWS::EC2::Instance").keySet();
        var after = Cfn.resources(Synth.of(Map.of("hostGeneration", "2")).mlflow(),
                "AWS::EC2::Instance").keySet();
        assertThat(after).hasSize(1).doesNotContainAnyElementsOf(before);
        assertThat(Cfn.userData(Synth.of(Map.of("hostGeneration", "2")).mlflow()).get(0))
                .contains("# Host generation 2 (CDK context hostGeneration");
    }
}
