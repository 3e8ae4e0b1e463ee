package io.llmtestbed.aits.robustness;

import java.util.List;

/**
 * The answers under one perturbation, aligned with the original rows.
 *
 * @param label the name in measures and metric keys: the perturbation name, or
 *     {@code <name>_s<severity>} when a passive job has several severities of one perturbation
 * @param perturbation the perturbation name
 * @param severity the severity used
 * @param seed the seed used
 * @param llmGenerated whether the perturbed prompts came from an LLM (paraphrase)
 * @param rows one result per original row, in original order
 * @param runId the MLflow run holding these answers (logged in active mode), or null
 */
record PerturbedEval(String label, String perturbation, double severity, long seed,
    boolean llmGenerated, List<RowResult> rows, String runId) {

  PerturbedEval withRunId(String id) {
    return new PerturbedEval(label, perturbation, severity, seed, llmGenerated, rows, id);
  }
}
