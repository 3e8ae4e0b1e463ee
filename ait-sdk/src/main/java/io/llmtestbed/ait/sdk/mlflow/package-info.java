/**
 * Reading MLflow runs and writing AIT results back into them.
 *
 * <p>Entry points: {@link io.llmtestbed.ait.sdk.mlflow.RunReference#resolve(java.nio.file.Path)}
 * turns an {@code evaluation_runs} inventory into {@link io.llmtestbed.ait.sdk.mlflow.MlflowRunSource}s
 * (tracking server, exported directory, or bare table file);
 * {@link io.llmtestbed.ait.sdk.mlflow.MlflowRunSource#evalTable()} streams
 * {@code eval_results_table.json}; {@link io.llmtestbed.ait.sdk.mlflow.MlflowWriteBack} logs
 * metrics, tags and tables; {@link io.llmtestbed.ait.sdk.mlflow.RunExporter} ({@code export-run})
 * copies a run for containers without a route to the server. Failures are
 * {@link io.llmtestbed.ait.sdk.mlflow.MlflowRunException} (with a kind) or
 * {@link io.llmtestbed.ait.sdk.mlflow.EvalTableException}.
 *
 * <p>Known limits (each marked {@code LIMIT:} in the code): mlflow-client 2.17.2 has no timeout
 * setting for tracking calls and retries every failed call three times with a misleading
 * "Rate limit exceeded" WARN; only pandas split-layout tables are read; exports keep latest
 * metrics only; uploads are one PUT per file through the artifact proxy (no multipart, no direct
 * S3 for non-proxied artifact roots).
 */
package io.llmtestbed.ait.sdk.mlflow;
