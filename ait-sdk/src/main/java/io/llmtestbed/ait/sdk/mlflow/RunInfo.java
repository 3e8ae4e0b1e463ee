package io.llmtestbed.ait.sdk.mlflow;

import java.time.Instant;

/**
 * Identity and state of an MLflow run, as {@code runs/get} reports it.
 *
 * @param runId 32-character run id; for a bare table file, a name derived from the file
 * @param runName run name (MLflow's {@code run_name}); may be null
 * @param experimentId experiment id; may be null for a bare table file
 * @param status RUNNING, SCHEDULED, FINISHED, FAILED or KILLED; null when unknown
 * @param artifactUri e.g. {@code mlflow-artifacts:/1/<run_id>/artifacts}; null when unknown
 * @param startTime start time, null when unknown
 * @param endTime end time, null while running or unknown
 * @param userId MLflow's {@code user_id}; may be null
 */
public record RunInfo(String runId, String runName, String experimentId, String status,
    String artifactUri, Instant startTime, Instant endTime, String userId) {
}
