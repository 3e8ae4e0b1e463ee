package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class LlmStackTest {

    @Test
    void should_have_no_gpu_host_when_defaults() {
        Synth.Result r = Synth.defaults();
        assertThat(r.testbed().llm()).isNull();
        assertThat(r.templates()).doesNotContainKey("Llm");
        assertThat(Cfn.all(r, "AWS::EC2::Instance")).hasSize(1);
    }

    @Test
    void should_serve_the_model_from_the_bucket_offline_when_gpu_enabled() {
        var llm = Synth.of(Map.of("gpuEnabled", "true")).llm();
        llm.resourceCountIs("AWS::EC2::Instance", 1);
        llm.hasResourceProperties("AWS::EC2::Instance", Match.objectLike(Map.of(
                "InstanceType", "g6.xlarge")));
        String script = Cfn.userData(llm).get(0);
        assertThat(script)
                .contains("VLLM_VERSION='0.34.0'")
                .contains("TESTBED_MODEL_ID=Qwen/Qwen2.5-7B-Instruct")
                .contains("\"vllm==${VLLM_VERSION}\"")
                .contains("HF_HUB_OFFLINE=1")
                .contains("TRANSFORMERS_OFFLINE=1")
                .contains("HF_HOME=/opt/models/hf-cache")
                .contains("TESTBED_MODELS_BUCKET=")
                .contains("source_uri=\"s3://${bucket}/${TESTBED_MODELS_PREFIX:-models}/${model}/\"")
                .contains("ExecStartPre=/opt/vllm/bin/sync-model.sh")
                .doesNotContain("huggingface.co")
                .doesNotContainPattern("@[A-Z][A-Z0-9_]*@");
        assertThat(Cfn.text(Cfn.props(Cfn.resources(llm, "AWS::EC2::Instance").values()
                .iterator().next()).get("ImageId"))).contains("deeplearning");
    }

    @Test
    void should_open_vllm_only_to_mlflow_hosts_and_allowed_cidr() {
        var net = Synth.allOn().network();
        var rules = Cfn.resources(net, "AWS::EC2::SecurityGroupIngress").values().stream()
                .map(Cfn::props).filter(p -> Integer.valueOf(8000).equals(p.get("FromPort")))
                .toList();
        assertThat(rules).hasSize(1);
        assertThat(Cfn.text(rules.get(0).get("SourceSecurityGroupId"))).contains("MlflowHostSg");
        net.hasResourceProperties("AWS::EC2::SecurityGroup", Match.objectLike(Map.of(
                "GroupDescription", Match.stringLikeRegexp("vLLM.*"),
                "SecurityGroupIngress", List.of(Match.objectLike(Map.of(
                        "CidrIp", "10.0.0.0/8", "FromPort", 8000))))));
    }
}
