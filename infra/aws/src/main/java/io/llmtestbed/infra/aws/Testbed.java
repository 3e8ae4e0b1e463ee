package io.llmtestbed.infra.aws;

import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;

/**
 * Builds the testbed's stacks into an app, in dependency order: network, data, MLflow and,
 * when {@code gpuEnabled=true}, the vLLM host. Used by {@link TestbedApp} and by the tests, so
 * both synthesize exactly the same thing.
 *
 * @param network the VPC, endpoints and security groups
 * @param data RDS, buckets, KMS key and secrets
 * @param mlflow the MLflow hosts (and the ALB when enabled)
 * @param llm the vLLM GPU host, or null when {@code gpuEnabled=false}
 */
public record Testbed(NetworkStack network, DataStack data, MlflowStack mlflow, LlmStack llm) {

    /**
     * CDK feature flags this app relies on, set on the app itself so that a missing or edited
     * {@code cdk.json} cannot change the template.
     */
    public static final Map<String, Object> FEATURE_FLAGS = Map.of(
            // Server access logs delivered by bucket policy (works with BucketOwnerEnforced).
            "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true,
            // Keep today's cross-stack exports (a consumer stack protects its producer).
            "@aws-cdk/core:defaultCrossStackReferences", "strong");

    /** A new app with the feature flags plus {@code context} (context wins on a clash). */
    public static App newApp(Map<String, Object> context) {
        Map<String, Object> all = new java.util.HashMap<>(FEATURE_FLAGS);
        all.putAll(context);
        return App.Builder.create().context(all).build();
    }

    /**
     * Adds the stacks for {@code config} to {@code app} and applies cdk-nag's AwsSolutions pack,
     * whose unsuppressed findings appear as errors and warnings on synthesis.
     */
    public static Testbed build(App app, TestbedConfig config) {
        return build(app, config, MlflowServerConf.load());
    }

    /**
     * Like {@link #build(App, TestbedConfig)} with explicit shared server settings (tests use it
     * to prove the hosts follow {@code infra/mlflow-server.env}).
     */
    static Testbed build(App app, TestbedConfig config, MlflowServerConf server) {
        // Account-agnostic, region-specific: synth needs no credentials and no lookups; the
        // account comes from the deploying credentials.
        StackProps props = StackProps.builder()
                .env(Environment.builder().region(config.region()).build())
                .analyticsReporting(false)
                .build();
        NetworkStack network = new NetworkStack(app, config.stackName("Network"),
                withDescription(props, "LLM testbed: VPC without internet route, endpoints"), config);
        DataStack data = new DataStack(app, config.stackName("Data"),
                withDescription(props, "LLM testbed: RDS PostgreSQL, S3 buckets, KMS, secrets"),
                config, network);
        MlflowStack mlflow = new MlflowStack(app, config.stackName("Mlflow"),
                withDescription(props, "LLM testbed: MLflow " + server.version()
                        + " hosts" + (config.albEnabled() ? " behind an internal ALB" : "")),
                config, server, network, data);
        LlmStack llm = config.gpuEnabled()
                ? new LlmStack(app, config.stackName("Llm"),
                        withDescription(props, "LLM testbed: vLLM " + config.vllmVersion()
                                + " GPU host"), config, network, data)
                : null;
        Tags.of(app).add("project", "llm-testbed");
        Tags.of(app).add("testbed:stack-prefix", config.stackPrefix());
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return new Testbed(network, data, mlflow, llm);
    }

    private static StackProps withDescription(StackProps props, String description) {
        return StackProps.builder()
                .env(props.getEnv())
                .analyticsReporting(props.getAnalyticsReporting())
                .description(description)
                .build();
    }
}
