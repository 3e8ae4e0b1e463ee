package io.llmtestbed.ait.sdk.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.runtime.Ait;
import io.llmtestbed.ait.sdk.runtime.AitMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Runs an AIT in-process through {@link AitMain#execute}, in the platform layout under a
 * temporary root, and reads the {@code ait.output.json} it wrote.
 *
 * <pre>{@code
 * AitHarness.Result r = AitHarness.run(new MyAit(), tempDir,
 *     Map.of("evaluation_runs", table.toString()), Map.of("write_back", "false"));
 * assertThat(r.errorCode()).isNull();
 * }</pre>
 *
 * <p>The layout is job 1 of run 1: the input is {@code <root>/mnt/ip/job_args/1/1}, the output
 * {@code <root>/mnt/ip/job_result/1/1}. Each call runs the given {@link Ait} instance once.
 */
public final class AitHarness {
  /** The mapper the harness reads and writes JSON with; tests may use it for their files. */
  public static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What one run of the AIT produced.
   *
   * @param exitStatus what {@link AitMain#execute} returned
   * @param stderr the one-line summary it printed for a person
   * @param output the parsed {@code ait.output.json}
   * @param outputDir the job's output directory
   */
  public record Result(int exitStatus, String stderr, JsonNode output, Path outputDir) {
    /** The error code ({@code E102}, …), or null when the run succeeded. */
    public String errorCode() {
      return output.path("ExecuteInfo").path("Error").path("Code").asText(null);
    }

    /** The error detail, or null when the run succeeded. */
    public String errorDetail() {
      return output.path("ExecuteInfo").path("Error").path("Detail").asText(null);
    }

    /** A measure's value text, or null when the output has no measure of that name. */
    public String measure(String name) {
      for (JsonNode m : output.path("Result").path("Measures")) {
        if (name.equals(m.path("Name").asText())) {
          return m.path("Value").asText();
        }
      }
      return null;
    }

    /**
     * A sequence measure's values.
     *
     * @throws AssertionError when the measure is absent, showing the output
     */
    public double[] sequence(String name) {
      String text = measure(name);
      if (text == null) {
        throw new AssertionError("measure " + name + " absent; output: " + output);
      }
      return Arrays.stream(text.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    /**
     * The paths the output lists under {@code section} ({@code Resources} or
     * {@code Downloads}) with this name, in output order; empty when none.
     */
    public List<Path> files(String section, String name) {
      return StreamSupport.stream(output.path("Result").path(section).spliterator(), false)
          .filter(n -> name.equals(n.path("Name").asText()))
          .map(n -> Path.of(n.path("Path").asText())).toList();
    }

    /**
     * The first file with this name anywhere under the output directory.
     *
     * @throws AssertionError when there is none
     */
    public Path file(String fileName) throws IOException {
      try (Stream<Path> s = Files.walk(outputDir)) {
        return s.filter(p -> p.getFileName().toString().equals(fileName)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + fileName + " under " + outputDir));
      }
    }

    /** The job's {@code ait.log}. */
    public String log() throws IOException {
      return Files.readString(outputDir.resolve("downloads/Log/ait.log"));
    }
  }

  private AitHarness() {
  }

  /**
   * Writes {@code ait.input.json} under {@code root} and runs the AIT on it.
   *
   * @param inventories inventory name to value (a path), in the order to write them
   * @param params method parameter name to value; absent ones take the manifest's default
   * @throws AssertionError when the AIT wrote no {@code ait.output.json}
   */
  public static Result run(Ait ait, Path root, Map<String, String> inventories,
      Map<String, String> params) throws IOException {
    Path inputDir = root.resolve("mnt/ip/job_args/1/1");
    Files.createDirectories(inputDir);
    ObjectNode in = JSON.createObjectNode();
    in.put("testbed_mount_volume_path", root.resolve("mnt").toString());
    in.put("run_id", 1);
    in.put("job_id", 1);
    ArrayNode inv = in.putArray("Inventories");
    inventories.forEach((k, v) -> inv.addObject().put("Name", k).put("Value", v));
    ArrayNode ps = in.putArray("MethodParams");
    params.forEach((k, v) -> ps.addObject().put("Name", k).put("Value", v));
    Files.writeString(inputDir.resolve("ait.input.json"), JSON.writeValueAsString(in));
    return runIn(ait, root, inputDir);
  }

  /**
   * Runs the AIT on an input directory that already holds (or lacks) {@code ait.input.json}.
   *
   * @throws AssertionError when the AIT wrote no {@code ait.output.json}, showing its stderr
   */
  public static Result runIn(Ait ait, Path root, Path inputDir) throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = AitMain.execute(ait, new String[] {inputDir.toString()}, ps);
    }
    Path outputDir = root.resolve("mnt/ip/job_result/1/1");
    Path file = outputDir.resolve("ait.output.json");
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("no ait.output.json at " + file + "; stderr: " + err);
    }
    return new Result(status, err.toString(StandardCharsets.UTF_8), JSON.readTree(file.toFile()),
        outputDir);
  }

  /**
   * Writes a table in pandas split layout ({@code {"columns": [...], "data": [[...]]}}), as
   * {@code eval_results_table.json} is; parent directories are created.
   *
   * @return {@code file}
   */
  public static Path table(Path file, List<String> columns, List<List<Object>> rows)
      throws IOException {
    ObjectNode t = JSON.createObjectNode();
    t.set("columns", JSON.valueToTree(columns));
    t.set("data", JSON.valueToTree(rows));
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writeValueAsString(t));
    return file;
  }
}
