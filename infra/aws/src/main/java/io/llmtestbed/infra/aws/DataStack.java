package io.llmtestbed.infra.aws;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.rds.CaCertificate;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.DatabaseSecret;
import software.amazon.awscdk.services.rds.IInstanceEngine;
import software.amazon.awscdk.services.rds.ParameterGroup;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.amazon.awscdk.services.rds.StorageType;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * Everything that holds state: the KMS key, RDS PostgreSQL (MLflow's backend store and the
 * basic-auth user store), the artifact bucket, the model-weights bucket, the access-log bucket,
 * and the secrets (database credentials, MLflow admin password, Flask session key, vLLM API key).
 *
 * <p>Stateful resources are retained (or snapshotted) when the stack is deleted; the database
 * has deletion protection. README "Teardown" says how to remove them on purpose.
 */
public final class DataStack extends Stack {

    /** PostgreSQL version on RDS: the major the local stack (Debian 12) runs, newest minor. */
    public static final PostgresEngineVersion POSTGRES_VERSION = PostgresEngineVersion.VER_15_17;

    /** Database of MLflow's tracking and registry tables. */
    public static final String DB_NAME = "mlflow";

    /** Database of the basic-auth app's users and permissions (created by the host). */
    public static final String AUTH_DB_NAME = "mlflow_auth";

    /** Database user MLflow connects as. */
    public static final String DB_USER = "mlflow";

    /** Key prefix of the offline Python wheels in the model bucket (README "Wheelhouse"). */
    public static final String WHEELHOUSE_PREFIX = "wheelhouse";

    /** Key prefix of model weights in the model bucket. */
    public static final String MODELS_PREFIX = ModelLoading.load().modelsPrefix();

    private final Key key;
    private final DatabaseInstance database;
    private final DatabaseSecret databaseSecret;
    private final Secret adminSecret;
    private final Secret flaskSecret;
    private final Secret vllmApiKeySecret;
    private final Bucket accessLogsBucket;
    private final Bucket artifactsBucket;
    private final Bucket modelsBucket;

    /** Creates the stores; see the class comment. */
    public DataStack(Construct scope, String id, StackProps props, TestbedConfig config,
            NetworkStack network) {
        super(scope, id, props);
        String prefix = config.namePrefix();
        key = Key.Builder.create(this, "DataKey")
                .alias("alias/" + prefix + "-data")
                .description("Testbed data at rest: RDS, S3 artifacts and models, secrets, logs")
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        // CloudWatch Logs encrypts the MLflow host's log group with this key.
        key.grantEncryptDecrypt(new ServicePrincipal("logs." + getRegion() + ".amazonaws.com"));

        databaseSecret = DatabaseSecret.Builder.create(this, "DatabaseSecret")
                .secretName(prefix + "/rds/mlflow")
                .username(DB_USER)
                .encryptionKey(key)
                // Letters and digits only: the password goes into a postgresql:// URI.
                .excludeCharacters(" %+~`#$&*()|[]{}:;<>?!'/@\"\\,=^.-_")
                .build();
        adminSecret = generated("AdminSecret", prefix + "/mlflow/admin",
                "MLflow basic-auth admin: bootstrap password of user 'admin'",
                "{\"username\":\"admin\"}", "password");
        flaskSecret = generated("FlaskSecret", prefix + "/mlflow/flask-secret-key",
                "MLflow basic-auth: Flask session/CSRF key shared by all MLflow hosts",
                "{}", "key");
        vllmApiKeySecret = config.gpuEnabled()
                ? generated("VllmApiKey", prefix + "/vllm/api-key",
                        "vLLM OpenAI-compatible API key", "{}", "apiKey")
                : null;
        List<Secret> generatedSecrets = new ArrayList<>(List.of(adminSecret, flaskSecret));
        if (vllmApiKeySecret != null) {
            generatedSecrets.add(vllmApiKeySecret);
        }
        for (Secret s : generatedSecrets) {
            NagSuppressions.addResourceSuppressions(s, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-SMG4")
                    .reason("Read by the hosts only at service start. Rotation without a restart"
                            + " would break the running service; README 'Rotating secrets' gives"
                            + " the procedure (rotate, then restart the service).")
                    .build()));
        }

        database = database(config, network);
        accessLogsBucket = createAccessLogsBucket();
        artifactsBucket = dataBucket("ArtifactsBucket", "artifacts/");
        modelsBucket = dataBucket("ModelsBucket", "models/");
        outputs();
    }

    /** Names an operator needs in the guide's steps (wheelhouse, mirror, restore, teardown). */
    private void outputs() {
        output("ModelsBucketName", "Model bucket: wheelhouse/ and models/<model id>/",
                modelsBucket.getBucketName());
        output("ArtifactsBucketName", "MLflow artifact bucket (written only by the server)",
                artifactsBucket.getBucketName());
        output("AccessLogsBucketName", "S3 and ALB access logs", accessLogsBucket.getBucketName());
        output("DatabaseInstanceId", "RDS instance identifier (snapshots, restore, teardown)",
                database.getInstanceIdentifier());
        output("DatabaseEndpoint", "RDS endpoint address (port 5432, TLS only)",
                database.getDbInstanceEndpointAddress());
        output("DataKeyArn", "Customer-managed KMS key of all data at rest", key.getKeyArn());
    }

    private void output(String id, String description, String value) {
        software.amazon.awscdk.CfnOutput.Builder.create(this, id)
                .description(description).value(value).build();
    }

    private Secret generated(String id, String name, String description, String template,
            String generateKey) {
        return Secret.Builder.create(this, id)
                .secretName(name)
                .description(description)
                .encryptionKey(key)
                .generateSecretString(SecretStringGenerator.builder()
                        .secretStringTemplate(template)
                        .generateStringKey(generateKey)
                        .passwordLength(32)
                        .excludePunctuation(true)
                        .build())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
    }

    private DatabaseInstance database(TestbedConfig config, NetworkStack network) {
        IInstanceEngine engine = DatabaseInstanceEngine.postgres(
                PostgresInstanceEngineProps.builder().version(POSTGRES_VERSION).build());
        ParameterGroup parameters = ParameterGroup.Builder.create(this, "DatabaseParameters")
                .engine(engine)
                .description("Testbed PostgreSQL: TLS required, connection logging")
                .parameters(Map.of(
                        "rds.force_ssl", "1",
                        "log_connections", "1",
                        "log_disconnections", "1"))
                .build();
        DatabaseInstance db = DatabaseInstance.Builder.create(this, "Database")
                .engine(engine)
                .instanceType(new InstanceType(config.dbInstanceClass()))
                .vpc(network.vpc())
                .vpcSubnets(network.workloadSubnets())
                .securityGroups(List.of(network.databaseSg()))
                .publiclyAccessible(false)
                .port(NetworkStack.DB_PORT)
                .credentials(Credentials.fromSecret(databaseSecret))
                .databaseName(DB_NAME)
                .parameterGroup(parameters)
                .storageType(StorageType.GP3)
                .allocatedStorage(50)
                .maxAllocatedStorage(500)
                .storageEncrypted(true)
                .storageEncryptionKey(key)
                .multiAz(config.dbMultiAz())
                .backupRetention(Duration.days(config.dbBackupRetentionDays()))
                .preferredBackupWindow("17:00-18:00")
                .preferredMaintenanceWindow("sun:18:30-sun:19:30")
                .deleteAutomatedBackups(false)
                .deletionProtection(true)
                .removalPolicy(RemovalPolicy.SNAPSHOT)
                .copyTagsToSnapshot(true)
                // The engine version is pinned; minor upgrades are a reviewed change of this file.
                .autoMinorVersionUpgrade(false)
                .caCertificate(CaCertificate.RDS_CA_RSA2048_G1)
                .cloudwatchLogsExports(List.of("postgresql", "upgrade"))
                .monitoringInterval(Duration.seconds(60))
                .build();
        List<NagPackSuppression> suppressions = new ArrayList<>();
        suppressions.add(NagPackSuppression.builder()
                .id("AwsSolutions-RDS11")
                .reason("PostgreSQL keeps its standard port 5432: the database has no public"
                        + " address and accepts connections only from the MLflow host security"
                        + " group, so a non-standard port would add no protection.")
                .build());
        suppressions.add(NagPackSuppression.builder()
                .id("AwsSolutions-SMG4")
                .reason("MLflow reads the database password once at start and keeps a connection"
                        + " pool; automatic rotation would break it. README 'Rotating secrets'"
                        + " rotates and restarts the hosts in one procedure.")
                .build());
        if (!config.dbMultiAz()) {
            suppressions.add(NagPackSuppression.builder()
                    .id("AwsSolutions-RDS3")
                    .reason("Single-AZ is the testbed default to halve the database cost;"
                            + " backups and snapshots protect the data, and dbMultiAz=true"
                            + " switches on the standby (README 'Instance types').")
                    .build());
        }
        NagSuppressions.addResourceSuppressions(db, suppressions);
        NagSuppressions.addResourceSuppressions(db.getNode().findChild("MonitoringRole"),
                List.of(NagPackSuppression.builder()
                        .id("AwsSolutions-IAM4")
                        .reason("The RDS enhanced monitoring role uses AWS's purpose-built managed"
                                + " policy AmazonRDSEnhancedMonitoringRole; it only writes the"
                                + " RDSOSMetrics log group.")
                        .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/"
                                + "service-role/AmazonRDSEnhancedMonitoringRole"))
                        .build()), true);
        NagSuppressions.addResourceSuppressions(databaseSecret, List.of(suppressions.get(1)));
        return db;
    }

    private Bucket createAccessLogsBucket() {
        // S3 server access logs and ALB access logs can only be delivered to SSE-S3 buckets.
        Bucket bucket = Bucket.Builder.create(this, "AccessLogsBucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .minimumTlsVersion(1.2)
                .versioned(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("expire-access-logs")
                        .expiration(Duration.days(365))
                        .noncurrentVersionExpiration(Duration.days(30))
                        .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagSuppressions.addResourceSuppressions(bucket, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-S1")
                .reason("This is the access-log bucket itself; logging it into itself would loop"
                        + " and logging it elsewhere needs yet another bucket.")
                .build()));
        return bucket;
    }

    private Bucket dataBucket(String id, String logPrefix) {
        return Bucket.Builder.create(this, id)
                .encryption(BucketEncryption.KMS)
                .encryptionKey(key)
                .bucketKeyEnabled(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .minimumTlsVersion(1.2)
                .versioned(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .serverAccessLogsBucket(accessLogsBucket)
                .serverAccessLogsPrefix(logPrefix)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("expire-old-versions")
                        .noncurrentVersionExpiration(Duration.days(90))
                        .abortIncompleteMultipartUploadAfter(Duration.days(7))
                        .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    /** The customer-managed KMS key of all data at rest. */
    public Key key() {
        return key;
    }

    /** The RDS PostgreSQL instance. */
    public DatabaseInstance database() {
        return database;
    }

    /** The database credentials (JSON with username, password, host, port, dbname). */
    public DatabaseSecret databaseSecret() {
        return databaseSecret;
    }

    /** The basic-auth admin bootstrap credentials (JSON with username, password). */
    public Secret adminSecret() {
        return adminSecret;
    }

    /** The Flask secret key (JSON with key). */
    public Secret flaskSecret() {
        return flaskSecret;
    }

    /** The vLLM API key (JSON with apiKey), or null when the GPU host is off. */
    public Secret vllmApiKeySecret() {
        return vllmApiKeySecret;
    }

    /** The bucket receiving S3 server access logs and ALB access logs. */
    public Bucket accessLogsBucket() {
        return accessLogsBucket;
    }

    /** MLflow's artifact store, written only by the MLflow server (proxied artifacts). */
    public Bucket artifactsBucket() {
        return artifactsBucket;
    }

    /** Model weights (under models/) and the offline wheelhouse (under wheelhouse/). */
    public Bucket modelsBucket() {
        return modelsBucket;
    }
}
