package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class DataStackTest {

    @Test
    void should_encrypt_pin_and_protect_the_database_when_defaults() {
        var data = Synth.defaults().data();
        data.resourceCountIs("AWS::RDS::DBInstance", 1);
        data.hasResourceProperties("AWS::RDS::DBInstance", Match.objectLike(Map.ofEntries(
                Map.entry("Engine", "postgres"),
                Map.entry("EngineVersion", "15.17"),
                Map.entry("DBInstanceClass", "db.t4g.medium"),
                Map.entry("StorageEncrypted", true),
                Map.entry("KmsKeyId", Match.anyValue()),
                Map.entry("PubliclyAccessible", false),
                Map.entry("DeletionProtection", true),
                Map.entry("BackupRetentionPeriod", 7),
                Map.entry("MultiAZ", false),
                Map.entry("AutoMinorVersionUpgrade", false),
                Map.entry("DBName", "mlflow"))));
        data.hasResource("AWS::RDS::DBInstance", Match.objectLike(Map.of(
                "DeletionPolicy", "Snapshot", "UpdateReplacePolicy", "Snapshot")));
    }

    @Test
    void should_require_tls_on_the_database() {
        var data = Synth.defaults().data();
        var groups = Cfn.resources(data, "AWS::RDS::DBParameterGroup");
        assertThat(groups).hasSize(1);
        String groupId = groups.keySet().iterator().next();
        assertThat(Cfn.map(Cfn.props(groups.get(groupId)).get("Parameters")))
                .containsEntry("rds.force_ssl", "1");
        var db = Cfn.resources(data, "AWS::RDS::DBInstance").values().iterator().next();
        assertThat(Cfn.props(db).get("DBParameterGroupName")).isEqualTo(Map.of("Ref", groupId));
    }

    @Test
    void should_run_a_standby_when_multi_az_is_on() {
        Synth.of(Map.of("dbMultiAz", "true")).data().hasResourceProperties(
                "AWS::RDS::DBInstance", Match.objectLike(Map.of("MultiAZ", true)));
    }

    @Test
    void should_encrypt_version_and_close_every_bucket() {
        var data = Synth.defaults().data();
        var buckets = Cfn.resources(data, "AWS::S3::Bucket");
        assertThat(buckets).as("access logs, artifacts, models").hasSize(3);
        buckets.forEach((id, b) -> {
            var p = Cfn.props(b);
            assertThat(p.get("VersioningConfiguration")).as(id)
                    .isEqualTo(Map.of("Status", "Enabled"));
            assertThat(p.get("PublicAccessBlockConfiguration")).as(id).isEqualTo(Map.of(
                    "BlockPublicAcls", true, "BlockPublicPolicy", true,
                    "IgnorePublicAcls", true, "RestrictPublicBuckets", true));
            String algorithm = String.valueOf(Cfn.map(Cfn.map(Cfn.list(Cfn.map(
                    p.get("BucketEncryption")).get("ServerSideEncryptionConfiguration")).get(0))
                    .get("ServerSideEncryptionByDefault")).get("SSEAlgorithm"));
            assertThat(algorithm).as(id).isEqualTo(id.startsWith("AccessLogs") ? "AES256" : "aws:kms");
            if (!id.startsWith("AccessLogs")) {
                assertThat(p).as(id + " logs to the access log bucket")
                        .containsKey("LoggingConfiguration");
            }
            assertThat(b.get("DeletionPolicy")).as(id).isEqualTo("Retain");
        });
    }

    @Test
    void should_deny_non_tls_access_on_every_bucket() {
        var data = Synth.defaults().data();
        var policies = Cfn.resources(data, "AWS::S3::BucketPolicy").values();
        assertThat(policies).hasSize(3).allSatisfy(policy -> {
            List<Object> statements = Cfn.list(Cfn.map(Cfn.props(policy).get("PolicyDocument"))
                    .get("Statement"));
            assertThat(statements).anySatisfy(s -> {
                assertThat(Cfn.map(s)).containsEntry("Effect", "Deny");
                assertThat(Cfn.map(Cfn.map(s).get("Condition")).get("Bool"))
                        .isEqualTo(Map.of("aws:SecureTransport", "false"));
            });
            assertThat(statements).as("minimum TLS 1.2").anySatisfy(s ->
                    assertThat(Cfn.map(Cfn.map(s).get("Condition")).get("NumericLessThan"))
                            .isEqualTo(Map.of("s3:TlsVersion", 1.2)));
        });
    }

    @Test
    void should_encrypt_every_secret_with_the_rotating_data_key() {
        var data = Synth.defaults().data();
        data.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
        var secrets = Cfn.resources(data, "AWS::SecretsManager::Secret");
        assertThat(secrets.keySet()).as("db, admin, flask key").hasSize(3);
        assertThat(secrets.values()).allSatisfy(s ->
                assertThat(Cfn.text(Cfn.props(s).get("KmsKeyId"))).contains("DataKey"));
        Synth.allOn().data().resourceCountIs("AWS::SecretsManager::Secret", 4);
    }
}
