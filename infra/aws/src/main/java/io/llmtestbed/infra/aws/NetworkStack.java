package io.llmtestbed.infra.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IInterfaceVpcEndpointService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The network: a VPC over two AZs whose workloads live in subnets without an internet route,
 * the VPC endpoints that replace that route, and the security groups of every tier.
 *
 * <p>By default there is no internet gateway and no NAT. With {@code natEnabled=true} the VPC
 * gets public subnets (holding only the NAT gateway) and the workload subnets become
 * {@code PRIVATE_WITH_EGRESS}; nothing ever gets a public address.
 *
 * <p>Security groups are created here, not in the stacks that use them, so that rules between
 * tiers (host to database, ALB to host, host to vLLM) never make two stacks depend on each
 * other.
 */
public final class NetworkStack extends Stack {

    /** Port the MLflow server listens on, on the hosts. */
    public static final int MLFLOW_PORT = 5000;

    /** Port of vLLM's OpenAI-compatible API on the GPU host. */
    public static final int VLLM_PORT = 8000;

    /** PostgreSQL's port. */
    public static final int DB_PORT = 5432;

    /** Interface endpoints by construct id; README "Network" lists why each is needed. */
    static final Map<String, InterfaceVpcEndpointAwsService> INTERFACE_ENDPOINTS = Map.ofEntries(
            Map.entry("Ssm", InterfaceVpcEndpointAwsService.SSM),
            Map.entry("SsmMessages", InterfaceVpcEndpointAwsService.SSM_MESSAGES),
            Map.entry("Ec2Messages", InterfaceVpcEndpointAwsService.EC2_MESSAGES),
            Map.entry("SecretsManager", InterfaceVpcEndpointAwsService.SECRETS_MANAGER),
            Map.entry("Logs", InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS),
            Map.entry("Monitoring", InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING),
            Map.entry("EcrApi", InterfaceVpcEndpointAwsService.ECR),
            Map.entry("EcrDocker", InterfaceVpcEndpointAwsService.ECR_DOCKER),
            Map.entry("Sts", InterfaceVpcEndpointAwsService.STS),
            Map.entry("BedrockRuntime", InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME));

    private final Vpc vpc;
    private final SecurityGroup mlflowHostSg;
    private final SecurityGroup databaseSg;
    private final SecurityGroup albSg;
    private final SecurityGroup vllmSg;
    private SecurityGroup endpointSg;
    private final SubnetSelection workloadSubnets;

    /** Creates the network for {@code config}; see the class comment. */
    public NetworkStack(Construct scope, String id, StackProps props, TestbedConfig config) {
        super(scope, id, props);
        SubnetType workloadType = config.natEnabled()
                ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PRIVATE_ISOLATED;
        List<SubnetConfiguration> subnets = new ArrayList<>();
        subnets.add(SubnetConfiguration.builder()
                .name("workload").subnetType(workloadType).cidrMask(22).build());
        if (config.natEnabled()) {
            subnets.add(SubnetConfiguration.builder()
                    .name("egress").subnetType(SubnetType.PUBLIC).cidrMask(26)
                    .mapPublicIpOnLaunch(false).build());
        }
        workloadSubnets = SubnetSelection.builder().subnetType(workloadType).build();

        LogGroup flowLogs = LogGroup.Builder.create(this, "FlowLogs")
                .logGroupName("/" + config.namePrefix() + "/vpc-flow-logs")
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr(config.vpcCidr()))
                .maxAzs(2)
                .natGateways(config.natEnabled() ? 1 : 0)
                .subnetConfiguration(subnets)
                .enableDnsHostnames(true)
                .enableDnsSupport(true)
                .restrictDefaultSecurityGroup(false)
                .flowLogs(Map.of("All", FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                        .trafficType(FlowLogTrafficType.ALL)
                        .build()))
                .build();
        // LIMIT: the default SG keeps its rules; nothing is launched into it (every resource
        // names its own group), and stripping it needs a Lambda-backed custom resource.
        // LIMIT: the S3 gateway endpoint keeps the default full policy; the host roles' IAM
        // policies are what limits which buckets can be reached.
        vpc.addGatewayEndpoint("S3", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.S3)
                .subnets(List.of(workloadSubnets))
                .build());
        // One group for all interface endpoints: HTTPS from the VPC's own CIDR, nothing else.
        endpointSg = group("EndpointSg", "VPC interface endpoints: HTTPS from inside the VPC");
        endpointSg.addIngressRule(Peer.ipv4(config.vpcCidr()), Port.tcp(443),
                "HTTPS from the VPC " + config.vpcCidr());
        INTERFACE_ENDPOINTS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> addInterfaceEndpoint(e.getKey(), e.getValue()));

        mlflowHostSg = group("MlflowHostSg", "MLflow hosts: no inbound except from the ALB");
        databaseSg = group("DatabaseSg", "RDS PostgreSQL: PostgreSQL from the MLflow hosts only");
        databaseSg.addIngressRule(mlflowHostSg, Port.tcp(DB_PORT),
                "PostgreSQL from the MLflow hosts");
        albSg = config.albEnabled() ? albGroup(config) : null;
        vllmSg = config.gpuEnabled() ? vllmGroup(config) : null;
    }

    private void addInterfaceEndpoint(String id, IInterfaceVpcEndpointService service) {
        vpc.addInterfaceEndpoint(id, InterfaceVpcEndpointOptions.builder()
                .service(service)
                .subnets(workloadSubnets)
                .privateDnsEnabled(true)
                .securityGroups(List.of(endpointSg))
                .open(false)
                .build());
    }

    private SecurityGroup group(String id, String description) {
        // LIMIT: egress stays open; with no internet route it only reaches the VPC (endpoints,
        // RDS), but with natEnabled=true it reaches the internet.
        return SecurityGroup.Builder.create(this, id)
                .vpc(vpc)
                .description(description)
                .allowAllOutbound(true)
                .build();
    }

    private SecurityGroup albGroup(TestbedConfig config) {
        SecurityGroup sg = group("AlbSg", "Internal ALB: HTTPS from the allowed client network");
        sg.addIngressRule(Peer.ipv4(config.allowedCidr()), Port.tcp(443),
                "HTTPS from the allowed client network " + config.allowedCidr());
        mlflowHostSg.addIngressRule(sg, Port.tcp(MLFLOW_PORT), "MLflow from the internal ALB");
        return sg;
    }

    private SecurityGroup vllmGroup(TestbedConfig config) {
        SecurityGroup sg = group("VllmSg", "vLLM host: OpenAI API from the MLflow hosts");
        sg.addIngressRule(mlflowHostSg, Port.tcp(VLLM_PORT), "vLLM API from the MLflow hosts");
        if (config.allowedCidr() != null) {
            sg.addIngressRule(Peer.ipv4(config.allowedCidr()), Port.tcp(VLLM_PORT),
                    "vLLM API from the allowed client network " + config.allowedCidr());
        }
        return sg;
    }

    /** The VPC. */
    public Vpc vpc() {
        return vpc;
    }

    /** Subnets for every workload (RDS, hosts, ALB, GPU host): isolated unless NAT is on. */
    public SubnetSelection workloadSubnets() {
        return workloadSubnets;
    }

    /** Security group of the MLflow hosts. */
    public SecurityGroup mlflowHostSg() {
        return mlflowHostSg;
    }

    /** Security group of the database. */
    public SecurityGroup databaseSg() {
        return databaseSg;
    }

    /** Security group of the ALB, or null when the ALB is off. */
    public SecurityGroup albSg() {
        return albSg;
    }

    /** Security group of the vLLM host, or null when the GPU host is off. */
    public SecurityGroup vllmSg() {
        return vllmSg;
    }
}
