package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The model-loading configuration in {@code infra/models/} parses, is consistent with itself,
 * and is what the GPU host's user data, its IAM policy and the mirror script actually use.
 */
class ModelConfigTest {

    private static final Path DIR = Path.of("..", "models");

    private static ModelLoading fromDisk() throws IOException {
        return ModelLoading.parse(Files.readString(DIR.resolve("model-loading.env")),
                Files.readString(DIR.resolve("models.json")),
                Files.readString(DIR.resolve("sync-model.sh")));
    }

    @Test
    void should_parse_the_repository_files_and_match_the_classpath_copy() throws IOException {
        ModelLoading disk = fromDisk();
        assertThat(ModelLoading.load()).isEqualTo(disk);
        assertThat(disk.modelDir()).isEqualTo("/opt/models");
        assertThat(disk.modelsPrefix()).isEqualTo(DataStack.MODELS_PREFIX);
        assertThat(disk.env()).containsAllEntriesOf(ModelLoading.OFFLINE);
        assertThat(disk.hfHome()).startsWith(disk.modelDir() + "/");
    }

    @Test
    void should_embed_the_env_file_and_sync_script_verbatim_in_gpu_user_data() throws IOException {
        ModelLoading m = fromDisk();
        String script = Cfn.userData(Synth.of(Map.of("gpuEnabled", "true")).llm()).get(0);
        assertThat(script)
                .contains("cat > /etc/vllm/model-loading.env <<'ENV'\n" + m.envText().strip()
                        + "\nENV\n")
                .contains("cat > /opt/vllm/bin/sync-model.sh <<'SYNC'\n" + m.syncScript().strip()
                        + "\nSYNC\n")
                .contains("EnvironmentFile=/etc/vllm/model-loading.env")
                .contains("install -d -o vllm -g vllm -m 0750 /var/lib/vllm /var/log/vllm "
                        + m.modelDir() + " " + m.hfHome() + " " + m.env().get("TIKTOKEN_CACHE_DIR"))
                .contains("exec /opt/vllm/venv/bin/vllm serve \"${TESTBED_MODEL_DIR}/"
                        + "${TESTBED_MODEL_ID}\"");
        // The default model is one the catalogue describes.
        assertThat(m.modelIds()).contains(TestbedConfig.defaultConfig().vllmModel());
    }

    @Test
    void should_grant_read_on_the_same_prefix_the_layout_names() throws IOException {
        ModelLoading m = fromDisk();
        var policies = Cfn.resources(Synth.of(Map.of("gpuEnabled", "true")).llm(),
                "AWS::IAM::Policy").values();
        String all = policies.stream().map(p -> Cfn.text(Cfn.props(p))).reduce("", String::concat);
        assertThat(all).contains("/" + m.modelsPrefix() + "/*");
        assertThat(m.catalogue().path("layout").path("s3Uri").asText())
                .isEqualTo("s3://{bucket}/" + m.modelsPrefix() + "/{model_id}/");
    }

    @Test
    void should_give_pyfunc_model_configs_only_keys_the_pyfunc_model_accepts() throws IOException {
        String py = Files.readString(Path.of("..", "mlflow", "src", "llm_testbed", "pyfunc_llm.py"));
        Matcher block = Pattern.compile("_CONFIG_KEYS = \\((.*?)\\)", Pattern.DOTALL).matcher(py);
        assertThat(block.find()).as("_CONFIG_KEYS in pyfunc_llm.py").isTrue();
        List<String> accepted = new ArrayList<>();
        Matcher key = Pattern.compile("\"([a-z_]+)\"").matcher(block.group(1));
        while (key.find()) {
            accepted.add(key.group(1));
        }
        JsonNode catalogue = new ObjectMapper().readTree(DIR.resolve("models.json").toFile());
        for (JsonNode model : catalogue.path("models")) {
            List<String> keys = new ArrayList<>();
            model.path("pyfuncModelConfig").fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as(model.path("id").asText()).contains("base_url", "model")
                    .isSubsetOf(accepted);
            assertThat(model.path("pyfuncModelConfig").path("model").asText())
                    .isEqualTo(model.path("id").asText());
            assertThat(model.path("pyfuncModelConfig").path("base_url").asText())
                    .endsWith(":" + NetworkStack.VLLM_PORT + "/v1");
        }
    }

    @Test
    void should_use_the_shared_prefix_and_patterns_in_the_mirror_script() throws IOException {
        String mirror = Files.readString(Path.of("scripts", "mirror-hf-model.sh"));
        assertThat(mirror).contains("models/model-loading.env").contains("models/models.json")
                .contains("s3://${bucket}/${prefix}/${model}/")
                .doesNotContain("/models/${model}");
    }

    @Test
    void should_name_the_file_and_fix_when_the_layout_disagrees_with_the_env_file()
            throws IOException {
        String json = Files.readString(DIR.resolve("models.json"))
                .replace("\"localDir\": \"/opt/models/{model_id}/\"",
                        "\"localDir\": \"/data/models/{model_id}/\"");
        assertThatThrownBy(() -> ModelLoading.parse(Files.readString(DIR.resolve(
                "model-loading.env")), json, ""))
                .hasMessageContaining("models.json layout.localDir must be"
                        + " '/opt/models/{model_id}/', found '/data/models/{model_id}/'")
                .hasMessageContaining("fix: make models.json follow model-loading.env");
        String online = Files.readString(DIR.resolve("model-loading.env"))
                .replace("HF_HUB_OFFLINE=1", "HF_HUB_OFFLINE=0");
        assertThatThrownBy(() -> ModelLoading.parse(online, Files.readString(DIR.resolve(
                "models.json")), ""))
                .hasMessageContaining("model-loading.env must set HF_HUB_OFFLINE=1 (the VPC has"
                        + " no route to Hugging Face), found '0'");
    }
}
