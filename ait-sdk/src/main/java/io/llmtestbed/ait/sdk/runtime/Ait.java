package io.llmtestbed.ait.sdk.runtime;

import io.llmtestbed.ait.sdk.manifest.Manifest;

/**
 * An AIT: a manifest and a run. Start it from {@code main} with
 * {@code AitMain.run(new MyAit(), args)}.
 */
public interface Ait {

    /**
     * The manifest. Called once per run, before the input is resolved; build it with
     * {@link Manifest#builder()}. A failure here is reported as E101.
     */
    Manifest manifest();

    /**
     * Measures. Read inventories and parameters from {@code ctx}, record measures, write
     * resources and downloads through it. Throw {@link AitException} for a failure with a known
     * code; any other exception is mapped as {@link AitMain} documents.
     */
    void run(AitContext ctx) throws Exception;
}
