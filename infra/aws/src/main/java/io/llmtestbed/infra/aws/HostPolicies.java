package io.llmtestbed.infra.aws;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * IAM statements every host needs whose resource must be {@code "*"} because the service
 * offers no resource-level permission for the action. Everything else a host may do is scoped
 * to named ARNs by the stack that creates the host.
 */
public final class HostPolicies {

    /**
     * The only actions allowed on resource {@code "*"}, with the reason AWS requires it.
     * The synth tests fail if a host role grants anything else on {@code "*"}.
     */
    public static final Map<String, String> WILDCARD_ACTIONS = Map.ofEntries(
            Map.entry("ssm:UpdateInstanceInformation",
                    "Session Manager agent registration; the action has no resource type"),
            Map.entry("ssmmessages:CreateControlChannel", "Session Manager channel; no resource type"),
            Map.entry("ssmmessages:CreateDataChannel", "Session Manager channel; no resource type"),
            Map.entry("ssmmessages:OpenControlChannel", "Session Manager channel; no resource type"),
            Map.entry("ssmmessages:OpenDataChannel", "Session Manager channel; no resource type"),
            Map.entry("ec2messages:AcknowledgeMessage", "SSM agent message bus; no resource type"),
            Map.entry("ec2messages:DeleteMessage", "SSM agent message bus; no resource type"),
            Map.entry("ec2messages:FailMessage", "SSM agent message bus; no resource type"),
            Map.entry("ec2messages:GetEndpoint", "SSM agent message bus; no resource type"),
            Map.entry("ec2messages:GetMessages", "SSM agent message bus; no resource type"),
            Map.entry("ec2messages:SendReply", "SSM agent message bus; no resource type"),
            Map.entry("cloudwatch:PutMetricData",
                    "CloudWatch agent metrics; no resource type, limited by the namespace"
                            + " condition to CWAgent"));

    private HostPolicies() {
    }

    /** Session Manager (no SSH, no key pair) and the CloudWatch agent's metrics. */
    public static List<PolicyStatement> sessionManagerAndMetrics() {
        List<String> ssm = WILDCARD_ACTIONS.keySet().stream()
                .filter(a -> !a.startsWith("cloudwatch:")).sorted().toList();
        PolicyStatement sessionManager = PolicyStatement.Builder.create()
                .sid("SessionManager")
                .effect(Effect.ALLOW)
                .actions(ssm)
                .resources(List.of("*"))
                .build();
        PolicyStatement metrics = PolicyStatement.Builder.create()
                .sid("AgentMetrics")
                .effect(Effect.ALLOW)
                .actions(List.of("cloudwatch:PutMetricData"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", "CWAgent")))
                .build();
        return List.of(sessionManager, metrics);
    }
}
