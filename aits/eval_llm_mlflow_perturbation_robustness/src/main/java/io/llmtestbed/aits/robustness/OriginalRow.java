package io.llmtestbed.aits.robustness;

/**
 * One row of the original evaluation run.
 *
 * @param index row index in the eval table
 * @param key the {@code question_id} cell, or the row index as text when there is none
 * @param hasKey whether {@code key} came from a {@code question_id} cell
 * @param category the {@code category} cell, or null
 * @param input the prompt ({@code input_column}); null when the cell is null
 * @param gold the gold answer ({@code target_column}); null when absent
 * @param output the run's answer ({@code prediction_column}); null when absent
 */
record OriginalRow(int index, String key, boolean hasKey, String category, String input,
    String gold, String output) {
}
