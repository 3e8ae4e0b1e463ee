package io.llmtestbed.ait.llm.bedrock;

import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Checks every HTTP attempt of the Bedrock client against the {@link EgressPolicy} just before
 * it is sent (after signing, so the final endpoint is known) and records it in the
 * {@link EgressAudit}: a refused attempt as denied (nothing is sent), an answered one with its
 * status and sizes, one without a response as {@link EgressAudit#NO_RESPONSE}.
 *
 * <p>The purpose comes from the request's execution attribute {@link #PURPOSE}.
 */
final class EgressInterceptor implements ExecutionInterceptor {

    /** What the call is for, e.g. {@code safe.rate}; set per request by {@link BedrockClient}. */
    static final ExecutionAttribute<String> PURPOSE = new ExecutionAttribute<>(
            "io.llmtestbed.egress.purpose");

    /** What a Converse call sends, named in the policy's error and the audit. */
    static final String DATA_KIND = "llm prompt";

    private static final ExecutionAttribute<Attempt> ATTEMPT = new ExecutionAttribute<>(
            "io.llmtestbed.egress.attempt");

    /** One sent attempt; {@code recorded} keeps it from being audited twice. */
    private static final class Attempt {
        final Instant time;
        final String host;
        final long bytes;
        boolean recorded;

        Attempt(Instant time, String host, long bytes) {
            this.time = time;
            this.host = host;
            this.bytes = bytes;
        }
    }

    private final Supplier<EgressPolicy> policy;
    private final EgressAudit audit;

    EgressInterceptor(Supplier<EgressPolicy> policy, EgressAudit audit) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context,
            ExecutionAttributes attributes) {
        String purpose = purpose(attributes);
        long bytes = context.requestBody().flatMap(RequestBody::optionalContentLength)
                .orElse(-1L);
        Instant now = Instant.now();
        try {
            policy.get().check(context.httpRequest().getUri(), purpose, DATA_KIND, bytes);
        } catch (EgressDeniedException denied) {
            audit.recordDenied(now, denied);
            throw denied;
        }
        attributes.putAttribute(ATTEMPT, new Attempt(now, host(context), bytes));
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context,
            ExecutionAttributes attributes) {
        Attempt a = attributes.getAttribute(ATTEMPT);
        if (a == null || a.recorded) {
            return;
        }
        a.recorded = true;
        long received = context.httpResponse().firstMatchingHeader("Content-Length")
                .map(EgressInterceptor::parseLong).orElse(-1L);
        audit.record(a.time, a.host, purpose(attributes), a.bytes, received,
                context.httpResponse().statusCode());
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context,
            ExecutionAttributes attributes) {
        // An attempt that was sent but got no response (refused, reset, timed out).
        Attempt a = attributes.getAttribute(ATTEMPT);
        if (a != null && !a.recorded) {
            a.recorded = true;
            audit.record(a.time, a.host, purpose(attributes), a.bytes, -1,
                    EgressAudit.NO_RESPONSE);
        }
    }

    private static String purpose(ExecutionAttributes attributes) {
        String p = attributes.getAttribute(PURPOSE);
        return p == null ? "llm.bedrock" : p;
    }

    private static String host(Context.BeforeTransmission context) {
        String h = context.httpRequest().host();
        return h == null ? "" : h.toLowerCase(Locale.ROOT);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
