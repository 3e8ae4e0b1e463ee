package io.llmtestbed.infra.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.assertions.Template;

/**
 * Synthesizes the app for a context once per JVM and keeps the templates and cdk-nag findings:
 * jsii and synthesis are the slow part of these tests, the assertions are cheap.
 */
final class Synth {

    /** A certificate ARN of the right form; synth never calls ACM. */
    static final String CERT = "arn:aws:acm:ap-northeast-1:123456789012:certificate/"
            + "0f3a6b7c-1d2e-4f5a-9b8c-7d6e5f4a3b2c";

    /** Every optional part on: NAT, Multi-AZ, ALB with two hosts, GPU host. */
    static final Map<String, String> ALL_ON = Map.of(
            "natEnabled", "true",
            "dbMultiAz", "true",
            "albEnabled", "true",
            "albCertificateArn", CERT,
            "allowedCidr", "10.0.0.0/8",
            "mlflowHostCount", "2",
            "mlflowHostname", "mlflow.testbed.example.internal",
            "gpuEnabled", "true");

    private static final Map<Map<String, String>, Result> CACHE = new ConcurrentHashMap<>();

    /** The synthesized stacks of one context. */
    record Result(TestbedConfig config, Testbed testbed, Map<String, Template> templates,
            List<String> nagErrors, List<String> nagWarnings,
            Map<String, Map<String, String>> constructIds) {

        Template network() {
            return templates.get("Network");
        }

        Template data() {
            return templates.get("Data");
        }

        Template mlflow() {
            return templates.get("Mlflow");
        }

        Template llm() {
            return templates.get("Llm");
        }
    }

    private Synth() {
    }

    static Result defaults() {
        return of(Map.of());
    }

    static Result allOn() {
        return of(ALL_ON);
    }

    static Result of(Map<String, String> context) {
        return CACHE.computeIfAbsent(Map.copyOf(context), Synth::synth);
    }

    private static Result synth(Map<String, String> context) {
        App app = Testbed.newApp(new LinkedHashMap<>(context));
        TestbedConfig config = TestbedConfig.fromContext(app.getNode()::tryGetContext);
        Testbed testbed = Testbed.build(app, config);
        Map<String, Stack> stacks = new LinkedHashMap<>();
        stacks.put("Network", testbed.network());
        stacks.put("Data", testbed.data());
        stacks.put("Mlflow", testbed.mlflow());
        if (testbed.llm() != null) {
            stacks.put("Llm", testbed.llm());
        }
        Map<String, Template> templates = new LinkedHashMap<>();
        Map<String, Map<String, String>> constructIds = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        stacks.forEach((role, stack) -> {
            templates.put(role, Template.fromStack(stack));
            Map<String, String> ids = new LinkedHashMap<>();
            for (var c : stack.getNode().findAll()) {
                if (c instanceof software.amazon.awscdk.CfnElement e) {
                    String[] path = c.getNode().getPath().split("/");
                    ids.put(String.valueOf(stack.resolve(e.getLogicalId())),
                            path.length > 1 ? path[1] : path[0]);
                }
            }
            constructIds.put(role, ids);
            var annotations = software.amazon.awscdk.assertions.Annotations.fromStack(stack);
            annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                    .forEach(m -> errors.add(describe(role, m)));
            annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                    .forEach(m -> warnings.add(describe(role, m)));
        });
        return new Result(config, testbed, templates, errors, warnings, constructIds);
    }

    private static String describe(String role, SynthesisMessage m) {
        return role + " " + m.getId() + ": " + m.getEntry().getData();
    }
}
