package io.llmtestbed.ait.sdk.runtime;

import io.llmtestbed.ait.sdk.input.AitParameters;
import io.llmtestbed.ait.sdk.input.ResolvedInput;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.output.AitOutput;
import io.llmtestbed.ait.sdk.provenance.Provenance;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;

/**
 * What an AIT sees during {@link Ait#run(AitContext)}: typed parameters, inventory paths, and the
 * places to record measures, resources and downloads. Names are checked against the manifest;
 * an undeclared name is an AIT bug (E101). Not thread-safe: record from one thread (except
 * {@link #provenance()}, which is).
 */
public final class AitContext {

    private final Manifest manifest;
    private final ResolvedInput input;
    private final AitOutput output;
    private final Logger logger;
    private final Provenance provenance;

    /**
     * A context with a fresh {@link Provenance}; public so that tests of an AIT can build one.
     */
    public AitContext(Manifest manifest, ResolvedInput input, AitOutput output, Logger logger) {
        this(manifest, input, output, logger, new Provenance());
    }

    /** Made by {@link AitMain}, which writes {@code provenance} at the end of the run. */
    public AitContext(Manifest manifest, ResolvedInput input, AitOutput output, Logger logger,
            Provenance provenance) {
        this.manifest = manifest;
        this.input = input;
        this.output = output;
        this.logger = logger;
        this.provenance = java.util.Objects.requireNonNull(provenance, "provenance");
    }

    /** The AIT's manifest. */
    public Manifest manifest() {
        return manifest;
    }

    /** All parameters, cast by their manifest types. */
    public AitParameters parameters() {
        return input.parameters();
    }

    /** An {@code int} parameter. */
    public int intParam(String name) {
        return parameters().getInt(name);
    }

    /** A {@code float} (or int) parameter. */
    public double doubleParam(String name) {
        return parameters().getDouble(name);
    }

    /** A {@code bool} parameter. */
    public boolean boolParam(String name) {
        return parameters().getBool(name);
    }

    /** A parameter's text ({@code str} parameters). */
    public String stringParam(String name) {
        return parameters().getString(name);
    }

    /** The paths of an inventory: one, or several when several files were registered. */
    public List<Path> inventory(String name) {
        return input.inventory(name);
    }

    /**
     * The one path of an inventory.
     *
     * @throws AitException E102 when several files were registered for it
     */
    public Path inventoryFile(String name) {
        List<Path> paths = inventory(name);
        if (paths.size() != 1) {
            throw AitException.invalidInput("inventory '" + name + "' has " + paths.size()
                    + " files " + paths + " but this AIT reads exactly one; register one file");
        }
        return paths.get(0);
    }

    /** Records a single measure. */
    public void measure(String name, double value) {
        output.addMeasure(name, value);
        logger.info("measure {} = {}", name, value);
    }

    /** Records a boolean measure as 0/1. */
    public void measure(String name, boolean value) {
        output.addMeasure(name, value);
        logger.info("measure {} = {}", name, value);
    }

    /**
     * Says that a declared measure does not apply to this run and will not be recorded (e.g. a
     * two-run comparison in a one-run job); the harness then logs one INFO line with the reason
     * instead of a WARN that the measure is missing.
     */
    public void notApplicable(String name, String reason) {
        output.markNotApplicable(name, reason);
    }

    /** Records a sequence measure (comma-joined in the output). */
    public void measureSequence(String name, double... values) {
        output.addMeasureSequence(name, values);
        logger.info("measure {} = {} values", name, values.length);
    }

    /**
     * Registers resource {@code name} and returns the path to write,
     * {@code {mount}/ip/job_result/{job}/{run}/resources/{name}/{fileName}} (directory created).
     * The extension decides how the Qunomon report shows it (.csv/.tsv, .png/.jpg, .txt).
     */
    public Path resourceFile(String name, String fileName) {
        return output.resourcePath(name, fileName);
    }

    /**
     * Registers download {@code name} and returns the path to write,
     * {@code {mount}/ip/job_result/{job}/{run}/downloads/{name}/{fileName}} (directory created).
     */
    public Path downloadFile(String name, String fileName) {
        return output.downloadPath(name, fileName);
    }

    /** A logger whose records go to {@code ait.log} (download {@code Log}) and the console. */
    public Logger logger() {
        return logger;
    }

    /**
     * The provenance recorder of this run (thread-safe): record the MLflow runs, table
     * digests, LLMs, search backends and caches used. The SDK writes it as download
     * {@code Provenance} ({@code provenance.json}) whether the run succeeds or fails.
     */
    public Provenance provenance() {
        return provenance;
    }

    /** {@code job_id} of the run. */
    public String jobId() {
        return input.input().jobId();
    }

    /** {@code run_id} of the run. */
    public String runId() {
        return input.input().runId();
    }

    /** {@code {mount}/ip/job_result/{job}/{run}}. */
    public Path outputDir() {
        return output.outputDir();
    }
}
