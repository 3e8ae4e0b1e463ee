package io.llmtestbed.ait.sdk.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReferenceTest {

  @TempDir
  Path dir;

  private List<MlflowRunSource> resolve(Path p) {
    return RunReference.resolve(p, TrackingCredentials.NONE, null);
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static MlflowRunException.Kind kind(Throwable e) {
    return ((MlflowRunException) e).kind();
  }

  @Test
  void should_open_exported_run_when_inventory_is_its_directory() throws IOException {
    Path run = ExportedRunFixtures.exportedRun(dir.resolve("r"), ExportedRunFixtures.RUN_ID,
        "gpt-4o");

    List<MlflowRunSource> runs = resolve(run);

    assertThat(runs).singleElement().isInstanceOf(ExportedRunDirectory.class)
        .extracting(r -> r.run().runName()).isEqualTo("gpt-4o");
    assertThat(resolve(run.resolve("run.json"))).singleElement()
        .extracting(r -> r.run().runId()).isEqualTo(ExportedRunFixtures.RUN_ID);
  }

  @Test
  void should_open_each_exported_run_when_directory_holds_several() throws IOException {
    ExportedRunFixtures.exportedRun(dir.resolve("b-run"), "b".repeat(32), "model-b");
    ExportedRunFixtures.exportedRun(dir.resolve("a-run"), "a".repeat(32), "model-a");
    Files.createDirectories(dir.resolve("not-a-run"));

    assertThat(resolve(dir)).extracting(r -> r.run().runName())
        .containsExactly("model-a", "model-b");
  }

  @Test
  void should_wrap_bare_table_when_inventory_is_eval_results_table() throws IOException {
    Path table = file("eval_results_table.json",
        "{\"columns\":[\"inputs\",\"outputs\"],\"data\":[[\"質問\",\"答え\"]]}");

    MlflowRunSource run = resolve(table).get(0);

    assertThat(run).isInstanceOf(TableFileRunSource.class);
    assertThat(run.run().runId()).isEqualTo("eval_results_table");
    try (EvalTable t = run.evalTable()) {
      assertThat(t.rows().map(r -> r.string("outputs")).toList()).containsExactly("答え");
    }
    assertThat(resolve(dir)).singleElement().isInstanceOf(TableFileRunSource.class);
  }

  @Test
  void should_name_file_and_accepted_forms_when_path_does_not_exist() {
    Path missing = dir.resolve("runs.json");

    assertThatThrownBy(() -> resolve(missing))
        .hasMessage(missing + " does not exist. Fix: point the evaluation_runs inventory at a "
            + "run-reference JSON, an exported run directory or an eval_results_table.json");
  }

  @Test
  void should_name_the_missing_fields_when_reference_names_no_runs() throws IOException {
    Path ref = file("ref.json", "{\"tracking_uri\":\"http://127.0.0.1:5055\",\"runs\":[\"x\"]}");

    assertThatThrownBy(() -> resolve(ref))
        .satisfies(e -> assertThat(kind(e)).isEqualTo(MlflowRunException.Kind.INVALID_REFERENCE))
        .hasMessage("run reference " + ref + " names no runs: field 'run_ids' or "
            + "'experiment_name' is required; fields present: [tracking_uri, runs]. Fix: add "
            + "\"run_ids\": [\"<32-char run id>\"] or \"experiment_name\": \"<name>\"");
  }

  @Test
  void should_ask_for_tracking_uri_when_neither_file_nor_environment_has_one() throws IOException {
    Path ref = file("ref.json", "{\"run_ids\":[\"abc\"]}");

    assertThatThrownBy(() -> resolve(ref))
        .hasMessage("run reference " + ref + " has no field 'tracking_uri' and "
            + "MLFLOW_TRACKING_URI is not set. Fix: add \"tracking_uri\": \"http://host:5055\"");
  }

  @Test
  void should_name_the_field_when_run_ids_is_not_a_list_of_strings() throws IOException {
    Path ref = file("ref.json", "{\"tracking_uri\":\"http://h:1\",\"run_ids\":[\"a\", 5]}");

    assertThatThrownBy(() -> resolve(ref))
        .hasMessage("run reference " + ref + ": field 'run_ids' must hold non-empty strings, "
            + "found element 5. Fix: write \"run_ids\": [\"...\"]");
  }

  @Test
  void should_refuse_empty_run_ids_and_mixed_selection() throws IOException {
    Path empty = file("empty.json", "{\"tracking_uri\":\"http://h:1\",\"run_ids\":[]}");
    Path both = file("both.json", "{\"tracking_uri\":\"http://h:1\",\"run_ids\":[\"a\"],"
        + "\"experiment_name\":\"e\"}");
    Path names = file("names.json", "{\"tracking_uri\":\"http://h:1\",\"run_names\":[\"a\"]}");

    assertThatThrownBy(() -> resolve(empty)).hasMessage("run reference " + empty
        + ": field 'run_ids' is empty. Fix: list at least one run id");
    assertThatThrownBy(() -> resolve(both)).hasMessage("run reference " + both + " sets both "
        + "'run_ids' and 'experiment_name'. Fix: keep one of them (run_ids names runs exactly)");
    assertThatThrownBy(() -> resolve(names)).hasMessage("run reference " + names + ": field "
        + "'run_names' needs 'experiment_name' (run names are unique only within an experiment)");
  }

  @Test
  void should_name_the_field_when_tracking_uri_is_not_http() throws IOException {
    Path ref = file("ref.json", "{\"tracking_uri\":\"file:///tmp/mlruns\",\"run_ids\":[\"a\"]}");

    assertThatThrownBy(() -> resolve(ref))
        .hasMessage("run reference " + ref + ", field 'tracking_uri': tracking URI must be an "
            + "http(s) URI of an MLflow tracking server, e.g. http://127.0.0.1:5055; got "
            + "'file:///tmp/mlruns'. Local 'file:' stores cannot be read from Java: start a "
            + "server on them or export the run");
  }

  @Test
  void should_report_position_when_reference_is_not_json() throws IOException {
    Path ref = file("ref.json", "[\"not\", \"an object\"]");
    Path broken = file("broken.json", "{\"tracking_uri\": ");

    assertThatThrownBy(() -> resolve(ref))
        .hasMessageStartingWith(ref + " is not a JSON object (starts with START_ARRAY at line 1, "
            + "column 1)");
    assertThatThrownBy(() -> resolve(broken))
        .hasMessageStartingWith(broken + " is not valid JSON at line 1, column 18: Unexpected "
            + "end-of-input");
  }

  @Test
  void should_give_parse_problem_without_jackson_source_note_when_reference_breaks_later()
      throws IOException {
    Path broken = file("later.json", "{\"run_ids\": [\"a\" \"b\"]}");

    assertThatThrownBy(() -> resolve(broken))
        .hasMessageStartingWith("run reference " + broken + " is not valid JSON: Unexpected "
            + "character")
        .hasMessageContaining(" at line 1, column 18. Fix: ")
        .message().doesNotContain("REDACTED").doesNotContain("StreamReadFeature")
        .doesNotContain("[Source");
  }

  @Test
  void should_name_the_file_once_when_bare_table_is_malformed() throws IOException {
    Path table = file("e_cols.json", "{\"columns\":[\"inputs\"],\"data\":[[\"x\" 1]]}");

    MlflowRunSource run = resolve(table).get(0);

    try (EvalTable t = run.evalTable()) {
      assertThatThrownBy(() -> t.rows().toList())
          .hasMessageStartingWith("eval table " + table + " is not valid JSON at line 1, ")
          .message().doesNotContain("table table").doesNotContain(":eval_results_table.json")
          .doesNotContain("REDACTED");
    }
  }

  @Test
  void should_list_directory_content_when_directory_is_not_a_run() throws IOException {
    file("a.json", "{}");
    file("b.json", "{}");

    assertThatThrownBy(() -> resolve(dir))
        .hasMessage("directory " + dir + " is neither an exported run (no run.json) nor holds "
            + "exported runs or exactly one .json file; it has: [a.json, b.json]. Fix: export "
            + "the run with 'export-run --out " + dir + "' or give the JSON file itself");
  }

  @Test
  void should_say_start_the_stack_when_tracking_server_port_is_closed() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path ref = file("ref.json", "{\"tracking_uri\":\"http://127.0.0.1:" + port + "\","
        + "\"run_ids\":[\"" + ExportedRunFixtures.RUN_ID + "\"]}");

    assertThatThrownBy(() -> resolve(ref))
        .satisfies(e -> assertThat(kind(e)).isEqualTo(MlflowRunException.Kind.SERVER_UNREACHABLE))
        .hasMessageStartingWith("cannot reach the MLflow tracking server at http://127.0.0.1:"
            + port + " to read run " + ExportedRunFixtures.RUN_ID + " (")
        .hasMessageEndingWith("Fix: start the stack (infra/local/stack.sh start) or check "
            + "MLFLOW_TRACKING_URI / the inventory's tracking_uri");
  }
}
