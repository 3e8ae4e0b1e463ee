package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestbedConfigTest {

    private static TestbedConfig with(Map<String, Object> context) {
        return TestbedConfig.fromContext(new HashMap<>(context)::get);
    }

    @Test
    void should_default_to_private_single_host_without_optional_parts() {
        TestbedConfig c = TestbedConfig.defaultConfig();
        assertThat(c.mlflowVersion()).isEqualTo("3.17.2");
        assertThat(c.natEnabled()).isFalse();
        assertThat(c.albEnabled()).isFalse();
        assertThat(c.gpuEnabled()).isFalse();
        assertThat(c.dbMultiAz()).isFalse();
        assertThat(c.mlflowInstanceType()).isEqualTo("m7i.large");
        assertThat(c.dbInstanceClass()).isEqualTo("t4g.medium");
        assertThat(c.region()).isEqualTo("ap-northeast-1");
    }

    @Test
    void should_accept_json_values_and_db_prefix_when_given_in_cdk_json() {
        TestbedConfig c = with(Map.of("natEnabled", true, "dbBackupRetentionDays", 14,
                "dbInstanceClass", "db.r7g.large"));
        assertThat(c.natEnabled()).isTrue();
        assertThat(c.dbBackupRetentionDays()).isEqualTo(14);
        assertThat(c.dbInstanceClass()).isEqualTo("r7g.large");
    }

    @Test
    void should_reject_alb_without_certificate_or_client_network() {
        assertThatThrownBy(() -> with(Map.of("albEnabled", "true")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("albCertificateArn must be an ACM certificate ARN when"
                        + " albEnabled=true, found 'null'")
                .hasMessageContaining("allowedCidr must name the client network");
    }

    @Test
    void should_reject_open_internet_cidr() {
        assertThatThrownBy(() -> with(Map.of("allowedCidr", "0.0.0.0/0")))
                .hasMessageContaining("allowedCidr must be an IPv4 CIDR with a prefix /8 to /32"
                        + " (0.0.0.0/0 is never allowed), found '0.0.0.0/0'");
    }

    @Test
    void should_refuse_an_mlflow_version_other_than_the_shared_pin_when_given_as_context() {
        assertThatThrownBy(() -> with(Map.of("mlflowVersion", "2.9.2")))
                .hasMessageContaining("mlflowVersion must equal MLFLOW_VERSION in"
                        + " infra/mlflow-server.env (3.17.2), so the local and AWS stacks run one"
                        + " release, found '2.9.2'; fix: drop -c mlflowVersion, or change"
                        + " MLFLOW_VERSION in infra/mlflow-server.env");
        assertThat(with(Map.of("mlflowVersion", "3.17.2")).mlflowVersion()).isEqualTo("3.17.2");
    }

    @Test
    void should_reject_a_boolean_that_is_not_true_or_false() {
        assertThatThrownBy(() -> with(Map.of("gpuEnabled", "yes")))
                .hasMessage("Invalid CDK context for the testbed: gpuEnabled must be true or"
                        + " false, found 'yes'; fix: -c gpuEnabled=true");
    }

    @Test
    void should_reject_backup_retention_zero() {
        assertThatThrownBy(() -> with(Map.of("dbBackupRetentionDays", "0")))
                .hasMessageContaining("dbBackupRetentionDays must be 1 to 35 (0 would switch"
                        + " backups off), found '0'");
    }

    @Test
    void should_reject_model_ids_that_escape_the_models_prefix() {
        assertThatThrownBy(() -> with(Map.of("vllmModel", "../wheelhouse")))
                .hasMessageContaining("vllmModel must be a model id");
    }
}
