package io.llmtestbed.infra.aws;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.Instance;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.elasticloadbalancingv2.targets.InstanceTarget;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The MLflow tier: one or more EC2 hosts running {@code mlflow server} (Amazon Linux 2023,
 * IMDSv2 only, no key pair, no public address, Session Manager for access), their role, their
 * log group and, when {@code albEnabled=true}, the internal HTTPS load balancer in front.
 *
 * <p>The hosts are stateless: metadata is in RDS, artifacts in S3, users in the auth database.
 * A change of the user data (e.g. a new MLflow version) therefore replaces the hosts.
 */
public final class MlflowStack extends Stack {

    /** Python packages installed next to MLflow, pinned to what the local stack runs. */
    public static final List<String> PYTHON_PINS = List.of(
            "psycopg2-binary==2.9.13", "boto3==1.44.8");

    private final List<Instance> hosts = new ArrayList<>();
    private final Role role;
    private final LogGroup logGroup;
    private final ApplicationLoadBalancer loadBalancer;

    /**
     * Creates the MLflow tier; see the class comment.
     *
     * @param server the MLflow version and server options shared with the local stack
     *     ({@code infra/mlflow-server.env}, {@link MlflowServerConf#load()})
     */
    public MlflowStack(Construct scope, String id, StackProps props, TestbedConfig config,
            MlflowServerConf server, NetworkStack network, DataStack data) {
        super(scope, id, props);
        logGroup = LogGroup.Builder.create(this, "HostLogs")
                .logGroupName("/" + config.namePrefix() + "/mlflow")
                .encryptionKey(data.key())
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        role = Role.Builder.create(this, "HostRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("MLflow host: its buckets, its secrets, its log group, Session Manager")
                .build();
        Policy policy = Policy.Builder.create(this, "HostPolicy")
                .statements(hostStatements(data))
                .build();
        policy.attachToRole(role);
        suppressScopedWildcards(policy);

        loadBalancer = config.albEnabled()
                ? ApplicationLoadBalancer.Builder.create(this, "Alb")
                        .vpc(network.vpc())
                        .vpcSubnets(network.workloadSubnets())
                        .internetFacing(false)
                        .securityGroup(network.albSg())
                        .dropInvalidHeaderFields(true)
                        .deletionProtection(false)
                        .build()
                : null;
        String allowedHosts = allowedHosts(config, server);
        List<ISubnet> subnets = network.vpc().selectSubnets(network.workloadSubnets()).getSubnets();
        // LIMIT: plain instances, not an Auto Scaling group: a failed host comes back by redeploy.
        // LIMIT: several hosts starting against an empty database race on the first schema
        // creation; the loser restarts (Restart=on-failure).
        for (int i = 0; i < config.mlflowHostCount(); i++) {
            hosts.add(host(config, server, network, data, subnets.get(i % subnets.size()), i,
                    allowedHosts));
        }
        if (loadBalancer != null) {
            wireLoadBalancer(config, data);
        }
        outputs(config);
    }

    private List<PolicyStatement> hostStatements(DataStack data) {
        List<PolicyStatement> s = new ArrayList<>(HostPolicies.sessionManagerAndMetrics());
        String artifacts = data.artifactsBucket().getBucketArn();
        String models = data.modelsBucket().getBucketArn();
        s.add(allow("ReadOwnSecrets", List.of("secretsmanager:GetSecretValue"), List.of(
                data.databaseSecret().getSecretArn(),
                data.adminSecret().getSecretArn(),
                data.flaskSecret().getSecretArn())));
        s.add(PolicyStatement.Builder.create()
                .sid("UseDataKeyThroughS3AndSecretsManager")
                .effect(Effect.ALLOW)
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                .resources(List.of(data.key().getKeyArn()))
                .conditions(Map.of("StringEquals", Map.of("kms:ViaService", List.of(
                        "s3." + getRegion() + ".amazonaws.com",
                        "secretsmanager." + getRegion() + ".amazonaws.com"))))
                .build());
        s.add(allow("ListArtifactBucket", List.of("s3:ListBucket", "s3:GetBucketLocation",
                "s3:ListBucketMultipartUploads"), List.of(artifacts)));
        s.add(allow("ReadWriteArtifacts", List.of("s3:GetObject", "s3:PutObject",
                "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"),
                List.of(artifacts + "/*")));
        s.add(PolicyStatement.Builder.create()
                .sid("ListWheelhouse")
                .effect(Effect.ALLOW)
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(models))
                .conditions(Map.of("StringLike", Map.of("s3:prefix",
                        List.of(DataStack.WHEELHOUSE_PREFIX + "/*"))))
                .build());
        s.add(allow("ReadWheelhouse", List.of("s3:GetObject"),
                List.of(models + "/" + DataStack.WHEELHOUSE_PREFIX + "/*")));
        s.add(allow("WriteOwnLogs", List.of("logs:CreateLogStream", "logs:PutLogEvents",
                "logs:DescribeLogStreams"), List.of(logGroup.getLogGroupArn())));
        return s;
    }

    static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create()
                .sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources).build();
    }

    /** The IAM5 findings that remain are object keys and log streams in the host's own stores. */
    static void suppressScopedWildcards(Policy policy) {
        NagSuppressions.addResourceSuppressions(policy, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Only the actions in HostPolicies.WILDCARD_ACTIONS use resource '*', because"
                        + " AWS offers no resource-level permission for them (Session Manager"
                        + " channels, SSM agent messages, CloudWatch PutMetricData limited to the"
                        + " CWAgent namespace). The other wildcards are object keys inside the"
                        + " host's own buckets: every object of the artifact bucket, wheelhouse/* and"
                        + " models/* of the model bucket.")
                .appliesTo(List.of(
                        "Resource::*",
                        RegexAppliesTo.builder()
                                // The bucket ARN appears as <XBucketHASH.Arn> or as its export.
                                .regex("/^Resource::(<(Artifacts|Models)Bucket[A-Z0-9]+\\.Arn>|"
                                        + "[A-Za-z0-9]+-Data:ExportsOutputFnGetAtt"
                                        + "(Artifacts|Models)Bucket\\w+)\\/(\\w+\\/)?\\*$/g")
                                .build()))
                .build()));
    }

    private String allowedHosts(TestbedConfig config, MlflowServerConf server) {
        // The shared loopback list: Session Manager port forwarding arrives as localhost.
        List<String> hosts = new ArrayList<>(server.allowedHosts());
        if (loadBalancer != null) {
            hosts.add(loadBalancer.getLoadBalancerDnsName());
        }
        if (config.mlflowHostname() != null) {
            hosts.add(config.mlflowHostname());
        }
        return String.join(",", hosts);
    }

    private Instance host(TestbedConfig config, MlflowServerConf server, NetworkStack network,
            DataStack data, ISubnet subnet, int index, String allowedHosts) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("REGION", getRegion());
        values.put("HOST_GENERATION", String.valueOf(config.hostGeneration()));
        values.put("MLFLOW_VERSION", server.version());
        values.put("PYTHON_PINS", String.join(" ", PYTHON_PINS.stream()
                .map(p -> "\"" + p + "\"").toList()));
        values.put("MODELS_BUCKET", data.modelsBucket().getBucketName());
        values.put("WHEELHOUSE_PREFIX", DataStack.WHEELHOUSE_PREFIX);
        values.put("DB_SECRET_ARN", data.databaseSecret().getSecretArn());
        values.put("ADMIN_SECRET_ARN", data.adminSecret().getSecretArn());
        values.put("FLASK_SECRET_ARN", data.flaskSecret().getSecretArn());
        values.put("DB_HOST", data.database().getDbInstanceEndpointAddress());
        values.put("DB_PORT", String.valueOf(NetworkStack.DB_PORT));
        values.put("DB_NAME", DataStack.DB_NAME);
        values.put("AUTH_DB_NAME", DataStack.AUTH_DB_NAME);
        values.put("ARTIFACTS_DESTINATION",
                server.artifactsDestination(data.artifactsBucket().getBucketName()));
        values.put("BACKEND_SCHEME", server.backendScheme());
        values.put("ENABLE_JOB_EXECUTION", server.enableJobExecution());
        values.put("WORKERS", String.valueOf(server.workersAws()));
        values.put("ALLOWED_HOSTS", allowedHosts);
        // Without the ALB only Session Manager port forwarding (to localhost) reaches the server.
        values.put("BIND_HOST", loadBalancer != null ? "0.0.0.0" : "127.0.0.1");
        values.put("MLFLOW_PORT", String.valueOf(NetworkStack.MLFLOW_PORT));
        values.put("SERVER_FLAGS", server.awsServerFlags());
        values.put("LOG_GROUP", logGroup.getLogGroupName());
        UserData userData = UserData.forLinux();
        userData.addCommands(ScriptTemplate.renderBody("mlflow-host.sh", values));

        Instance host = PrivateHost.builder(this, "MlflowHost" + (index + 1), role, userData,
                        data.key(), 40)
                .vpc(network.vpc())
                .vpcSubnets(SubnetSelection.builder().subnets(List.of(subnet)).build())
                .instanceType(new InstanceType(config.mlflowInstanceType()))
                .machineImage(MachineImage.latestAmazonLinux2023())
                .securityGroup(network.mlflowHostSg())
                .build();
        NagSuppressions.addResourceSuppressions(host, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-EC29")
                .reason("The host is stateless (metadata in RDS, artifacts in S3, users in the"
                        + " auth database) and is replaced by CloudFormation when its user data"
                        + " changes; termination protection would block that replacement.")
                .build()));
        return host;
    }

    private void wireLoadBalancer(TestbedConfig config, DataStack data) {
        loadBalancer.logAccessLogs(data.accessLogsBucket(), "alb");
        ApplicationTargetGroup targets = ApplicationTargetGroup.Builder.create(this, "MlflowTargets")
                .vpc(loadBalancer.getVpc())
                .port(NetworkStack.MLFLOW_PORT)
                .protocol(ApplicationProtocol.HTTP)
                .targetType(TargetType.INSTANCE)
                .targets(hosts.stream().map(h -> new InstanceTarget(h, NetworkStack.MLFLOW_PORT))
                        .map(t -> (software.amazon.awscdk.services.elasticloadbalancingv2
                                .IApplicationLoadBalancerTarget) t).toList())
                .healthCheck(HealthCheck.builder()
                        .path("/health")
                        .healthyHttpCodes("200")
                        .interval(Duration.seconds(30))
                        .build())
                .deregistrationDelay(Duration.seconds(30))
                .build();
        ApplicationListener listener = loadBalancer.addListener("Https",
                software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps
                        .builder()
                        .port(443)
                        .protocol(ApplicationProtocol.HTTPS)
                        .sslPolicy(SslPolicy.RECOMMENDED_TLS)
                        .certificates(List.of(ListenerCertificate.fromArn(
                                config.albCertificateArn())))
                        .defaultTargetGroups(List.of(targets))
                        .open(false)
                        .build());
        listener.getNode().addDependency(targets);
    }

    private void outputs(TestbedConfig config) {
        for (int i = 0; i < hosts.size(); i++) {
            Instance h = hosts.get(i);
            CfnOutput.Builder.create(this, "MlflowHost" + (i + 1) + "Id")
                    .description("MLflow host " + (i + 1) + ": target of Session Manager")
                    .value(h.getInstanceId())
                    .build();
        }
        CfnOutput.Builder.create(this, "PortForwardCommand")
                .description("Run on your machine, then open http://localhost:5000")
                .value("aws ssm start-session --region " + getRegion() + " --target "
                        + hosts.get(0).getInstanceId()
                        + " --document-name AWS-StartPortForwardingSession --parameters"
                        + " portNumber=" + NetworkStack.MLFLOW_PORT + ",localPortNumber=5000")
                .build();
        if (loadBalancer != null) {
            CfnOutput.Builder.create(this, "AlbUrl")
                    .description("MLflow behind the internal ALB (from allowedCidr)")
                    .value("https://" + (config.mlflowHostname() != null
                            ? config.mlflowHostname() : loadBalancer.getLoadBalancerDnsName()))
                    .build();
        }
    }

    /** The MLflow hosts, in creation order. */
    public List<Instance> hosts() {
        return List.copyOf(hosts);
    }

    /** The hosts' instance role. */
    public Role role() {
        return role;
    }

    /** The hosts' log group. */
    public LogGroup logGroup() {
        return logGroup;
    }

    /** The internal ALB, or null when {@code albEnabled=false}. */
    public ApplicationLoadBalancer loadBalancer() {
        return loadBalancer;
    }
}
