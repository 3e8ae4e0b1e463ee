/**
 * Network egress control: the {@link io.llmtestbed.ait.sdk.net.EgressPolicy} allow-list that
 * every outbound call of the project is checked against before a byte is sent,
 * {@link io.llmtestbed.ait.sdk.net.GuardedHttp} (the HTTP client that checks every request and
 * redirect hop), and the {@link io.llmtestbed.ait.sdk.net.EgressAudit} record of each call.
 *
 * <p>Code that cannot use {@code GuardedHttp} (a third-party client such as mlflow-client or an
 * AWS SDK client) calls {@code EgressPolicy.current().check(...)} before building or using that
 * client and records its calls in {@code EgressAudit.global()}.
 */
package io.llmtestbed.ait.sdk.net;
