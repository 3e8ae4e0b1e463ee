package io.llmtestbed.ait.sdk.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecorderTest {

    @TempDir
    Path dir;

    @Test
    void should_give_same_inputs_digest_when_platform_lists_inputs_in_another_order()
            throws Exception {
        Path runs = Files.writeString(dir.resolve("runs.json"), "{\"run_ids\": [\"a\"]}");
        Path docs = Files.writeString(dir.resolve("docs.jsonl"), "");
        Map<String, List<Path>> inventories = new LinkedHashMap<>();
        inventories.put("evaluation_runs", List.of(runs));
        inventories.put("document_collection", List.of(docs));
        Map<String, List<Path>> reversed = new LinkedHashMap<>();
        reversed.put("document_collection", List.of(docs));
        reversed.put("evaluation_runs", List.of(runs));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("mode", "human");
        params.put("k", "64");
        Map<String, String> paramsReversed = new LinkedHashMap<>();
        paramsReversed.put("k", "64");
        paramsReversed.put("mode", "human");

        RunRecorder one = recorder(inventories, params);
        RunRecorder two = recorder(reversed, paramsReversed);
        RunRecorder changed = recorder(inventories, Map.of("mode", "safe", "k", "64"));

        assertThat(two.inputsDigest()).as("same inputs listed in another order")
                .isEqualTo(one.inputsDigest());
        assertThat(changed.inputsDigest()).as("one parameter value changed")
                .isNotEqualTo(one.inputsDigest());
    }

    private static RunRecorder recorder(Map<String, List<Path>> inventories,
            Map<String, String> params) {
        RunRecorder r = new RunRecorder(new Provenance(), OffsetDateTime.now());
        r.inventories(inventories);
        r.parameters(params, List.of());
        return r;
    }

    @Test
    void should_mask_secret_values_but_keep_names_of_environment_variables() {
        assertThat(RunRecorder.isSecret("api_key")).isTrue();
        assertThat(RunRecorder.isSecret("opensearch_password")).isTrue();
        assertThat(RunRecorder.isSecret("llm_api_key_env")).as("names an env var, not a secret")
                .isFalse();
        assertThat(RunRecorder.isSecret("temperature")).isFalse();
        assertThat(RunRecorder.isSecret("max_tokens")).as("a count, not a token").isFalse();
        assertThat(RunRecorder.isSecret("access_token")).isTrue();
    }
}
