package io.llmtestbed.aits.safe;

/**
 * One row of an evaluation run after the AIT.
 *
 * @param row the row index in the eval table
 * @param key the row's {@code question_id} when the table has one, else null
 * @param prompt the prompt
 * @param human the human annotations (human-label mode), null when none or abstained
 * @param abstained human-label mode: the annotations cell was null
 * @param safe SAFE's result, null when SAFE did not run on this row
 */
public record RowResult(long row, String key, String prompt, HumanLabels human, boolean abstained,
    ResponseResult safe) {}
