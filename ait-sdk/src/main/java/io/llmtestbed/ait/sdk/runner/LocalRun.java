package io.llmtestbed.ait.sdk.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbed.ait.sdk.output.OutputEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one local run produced.
 *
 * @param jobId the job id used
 * @param runId the run id used
 * @param inputDir {@code {root}/mnt/ip/job_args/{job}/{run}}, the AIT's argument
 * @param outputFile {@code {root}/mnt/ip/job_result/{job}/{run}/ait.output.json}
 * @param exitStatus the AIT process's exit status (0 under the contract)
 * @param stderr what the AIT printed on stderr
 * @param output the parsed output, or null when the AIT wrote none
 * @param consoleDir {@code {root}/logs/{job}-{run}}, holding the AIT's stdout.txt and stderr.txt
 */
public record LocalRun(int jobId, int runId, Path inputDir, Path outputFile, int exitStatus,
        String stderr, JsonNode output, Path consoleDir) {

    /** Whether the AIT wrote an output with a Result and no Error. */
    public boolean succeeded() {
        return output != null && output.has("Result") && !output.path("ExecuteInfo").has("Error");
    }

    /** {@code ExecuteInfo.Error.Code}, if the AIT reported an error. */
    public Optional<String> errorCode() {
        JsonNode e = output == null ? null : output.path("ExecuteInfo").get("Error");
        return e == null ? Optional.empty() : Optional.of(e.path("Code").asText());
    }

    /** {@code ExecuteInfo.Error.Detail}, if the AIT reported an error. */
    public Optional<String> errorDetail() {
        JsonNode e = output == null ? null : output.path("ExecuteInfo").get("Error");
        return e == null ? Optional.empty() : Optional.of(e.path("Detail").asText());
    }

    /** {@code Result.Measures} as name/value pairs. */
    public List<OutputEntry> measures() {
        return entries("Measures", "Value");
    }

    /** {@code Result.Resources} as name/path pairs. */
    public List<OutputEntry> resources() {
        return entries("Resources", "Path");
    }

    /** {@code Result.Downloads} as name/path pairs. */
    public List<OutputEntry> downloads() {
        return entries("Downloads", "Path");
    }

    private List<OutputEntry> entries(String key, String valueKey) {
        List<OutputEntry> out = new ArrayList<>();
        if (output != null) {
            output.path("Result").path(key).forEach(n -> out.add(new OutputEntry(
                    n.path("Name").asText(), n.path(valueKey).asText())));
        }
        return out;
    }
}
