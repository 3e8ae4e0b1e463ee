package io.llmtestbed.ait.sdk.input;

import io.llmtestbed.ait.sdk.runtime.AitException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An {@link AitInput} checked against the manifest: inventory files exist, parameters are cast.
 */
public final class ResolvedInput {

    private final AitInput input;
    private final Map<String, List<Path>> inventories;
    private final AitParameters parameters;

    ResolvedInput(AitInput input, Map<String, List<Path>> inventories, AitParameters parameters) {
        this.input = input;
        this.inventories = Map.copyOf(inventories);
        this.parameters = parameters;
    }

    /** The raw input. */
    public AitInput input() {
        return input;
    }

    /** Typed parameters (defaults filled in). */
    public AitParameters parameters() {
        return parameters;
    }

    /**
     * The paths of an inventory (one, or several when the platform registered several files).
     *
     * @throws AitException E101 when the manifest declares no such inventory (a bug of the AIT)
     */
    public List<Path> inventory(String name) {
        List<Path> paths = inventories.get(name);
        if (paths == null) {
            throw AitException.invalidDefinition("the AIT asked for inventory '" + name
                    + "', which its manifest does not declare; declared: "
                    + inventories.keySet().stream().sorted().toList()
                    + "; declare it in the manifest or fix the name");
        }
        return paths;
    }
}
