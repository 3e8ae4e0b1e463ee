package io.llmtestbed.ait.sdk.testait;

import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.runtime.Ait;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.runtime.AitMain;

/**
 * {@link SampleAit} with a changed computation (accuracy counted over one row fewer): the same
 * manifest and inputs giving another number, as a code change would. For re-run tests.
 */
public final class ShiftedSampleAit implements Ait {

    public static void main(String[] args) {
        AitMain.run(new ShiftedSampleAit(), args);
    }

    @Override
    public Manifest manifest() {
        return new SampleAit().manifest();
    }

    @Override
    public void run(AitContext ctx) throws Exception {
        ctx.measure("accuracy", 2.0 / 3.0);
        ctx.measure("passed", true);
        ctx.measureSequence("row_correct", 1, 1, 0);
    }
}
