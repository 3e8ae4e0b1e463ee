package io.llmtestbed.infra.aws;

import software.amazon.awscdk.App;

/**
 * The CDK app: {@code cdk synth} / {@code cdk deploy} run this through {@code cdk.json}.
 * Every option is a CDK context key; README "Parameters" lists them with their defaults.
 */
public final class TestbedApp {

    private TestbedApp() {
    }

    /** Synthesizes the stacks for the context of this invocation into {@code cdk.out}. */
    public static void main(String[] args) {
        App app = Testbed.newApp(java.util.Map.of());
        Testbed.build(app, TestbedConfig.fromContext(app.getNode()::tryGetContext));
        app.synth();
    }
}
