package io.llmtestbed.infra.aws;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.Instance;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.OperatingSystemType;
import software.amazon.awscdk.services.ec2.SsmParameterImageOptions;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The optional in-VPC LLM endpoint: one GPU instance running vLLM's OpenAI-compatible server
 * for the model {@code vllmModel}, whose weights it syncs from the model bucket at service start
 * (no internet route, Hugging Face libraries offline). Reached on port 8000 from the MLflow hosts
 * and from {@code allowedCidr}; every request needs the API key from Secrets Manager.
 */
public final class LlmStack extends Stack {

    /**
     * Public SSM parameter with the current AWS Deep Learning Base AMI (NVIDIA driver, CUDA,
     * Amazon Linux 2023). Resolved by CloudFormation at deploy time, so synth needs no AWS call.
     */
    public static final String GPU_AMI_PARAMETER = "/aws/service/deeplearning/ami/x86_64/"
            + "base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id";

    private final Instance host;

    /** Creates the GPU host; see the class comment. */
    public LlmStack(Construct scope, String id, StackProps props, TestbedConfig config,
            NetworkStack network, DataStack data) {
        super(scope, id, props);
        LogGroup logGroup = LogGroup.Builder.create(this, "VllmLogs")
                .logGroupName("/" + config.namePrefix() + "/vllm")
                .encryptionKey(data.key())
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Role role = Role.Builder.create(this, "VllmRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("vLLM host: read model weights and wheels, its API key, its logs")
                .build();
        Policy policy = Policy.Builder.create(this, "VllmPolicy")
                .statements(statements(data, logGroup))
                .build();
        policy.attachToRole(role);
        MlflowStack.suppressScopedWildcards(policy);

        Map<String, String> values = new LinkedHashMap<>();
        values.put("REGION", getRegion());
        values.put("HOST_GENERATION", String.valueOf(config.hostGeneration()));
        values.put("VLLM_VERSION", config.vllmVersion());
        values.put("MODEL_ID", config.vllmModel());
        values.put("MODELS_BUCKET", data.modelsBucket().getBucketName());
        values.put("WHEELHOUSE_PREFIX", DataStack.WHEELHOUSE_PREFIX);
        ModelLoading models = ModelLoading.load();
        values.put("MODEL_LOADING_ENV", models.envText().strip());
        values.put("SYNC_MODEL_SCRIPT", models.syncScript().strip());
        values.put("MODEL_DIR", models.modelDir());
        values.put("HF_HOME", models.hfHome());
        values.put("TIKTOKEN_CACHE_DIR", models.env().get("TIKTOKEN_CACHE_DIR"));
        values.put("API_KEY_SECRET_ARN", data.vllmApiKeySecret().getSecretArn());
        values.put("VLLM_PORT", String.valueOf(NetworkStack.VLLM_PORT));
        values.put("LOG_GROUP", logGroup.getLogGroupName());
        UserData userData = UserData.forLinux();
        userData.addCommands(ScriptTemplate.renderBody("vllm-host.sh", values));

        // 200 GiB: the DLAMI (~75 GiB), the vLLM venv (~15 GiB), weights of a 7-8B model
        // in bf16 (~16 GiB) and room for a second model or a 32B model in 4-bit.
        host = PrivateHost.builder(this, "VllmHost", role, userData, data.key(), 200)
                .vpc(network.vpc())
                .vpcSubnets(network.workloadSubnets())
                .instanceType(new InstanceType(config.gpuInstanceType()))
                .machineImage(MachineImage.fromSsmParameter(GPU_AMI_PARAMETER,
                        SsmParameterImageOptions.builder().os(OperatingSystemType.LINUX).build()))
                .securityGroup(network.vllmSg())
                .build();
        NagSuppressions.addResourceSuppressions(host, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-EC29")
                .reason("The GPU host is stateless (weights are re-synced from S3) and is replaced"
                        + " when its user data or model changes; termination protection would"
                        + " block that replacement.")
                .build()));
        CfnOutput.Builder.create(this, "VllmHostId")
                .description("vLLM host: OpenAI API on port " + NetworkStack.VLLM_PORT)
                .value(host.getInstanceId())
                .build();
        CfnOutput.Builder.create(this, "VllmBaseUrl")
                .description("OpenAI-compatible base URL inside the VPC")
                .value("http://" + host.getInstancePrivateIp() + ":" + NetworkStack.VLLM_PORT + "/v1")
                .build();
    }

    private List<PolicyStatement> statements(DataStack data, LogGroup logGroup) {
        List<PolicyStatement> s = new ArrayList<>(HostPolicies.sessionManagerAndMetrics());
        String models = data.modelsBucket().getBucketArn();
        s.add(MlflowStack.allow("ReadOwnSecret", List.of("secretsmanager:GetSecretValue"),
                List.of(data.vllmApiKeySecret().getSecretArn())));
        s.add(PolicyStatement.Builder.create()
                .sid("DecryptThroughS3AndSecretsManager")
                .effect(Effect.ALLOW)
                .actions(List.of("kms:Decrypt"))
                .resources(List.of(data.key().getKeyArn()))
                .conditions(Map.of("StringEquals", Map.of("kms:ViaService", List.of(
                        "s3." + getRegion() + ".amazonaws.com",
                        "secretsmanager." + getRegion() + ".amazonaws.com"))))
                .build());
        s.add(PolicyStatement.Builder.create()
                .sid("ListModelsAndWheelhouse")
                .effect(Effect.ALLOW)
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(models))
                .conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(
                        DataStack.MODELS_PREFIX + "/*", DataStack.WHEELHOUSE_PREFIX + "/*"))))
                .build());
        s.add(MlflowStack.allow("ReadModelsAndWheelhouse", List.of("s3:GetObject"), List.of(
                models + "/" + DataStack.MODELS_PREFIX + "/*",
                models + "/" + DataStack.WHEELHOUSE_PREFIX + "/*")));
        s.add(MlflowStack.allow("WriteOwnLogs", List.of("logs:CreateLogStream",
                "logs:PutLogEvents", "logs:DescribeLogStreams"),
                List.of(logGroup.getLogGroupArn())));
        return s;
    }

    /** The GPU host. */
    public Instance host() {
        return host;
    }
}
