package io.llmtestbed.infra.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The model-loading configuration kept in {@code infra/models/}: the environment of processes
 * that load Hugging Face files ({@code model-loading.env}), the model catalogue and path layout
 * ({@code models.json}) and the sync script ({@code sync-model.sh}). The GPU host's user data
 * embeds the first and the last verbatim; {@link #validate()} keeps the three consistent.
 *
 * @param envText the text of {@code model-loading.env}
 * @param env its parsed values
 * @param catalogue the parsed {@code models.json}
 * @param syncScript the text of {@code sync-model.sh}
 */
public record ModelLoading(String envText, Map<String, String> env, JsonNode catalogue,
        String syncScript) {

    /** Keys {@code model-loading.env} must set, with the value offline operation needs. */
    static final Map<String, String> OFFLINE = Map.of(
            "HF_HUB_OFFLINE", "1", "TRANSFORMERS_OFFLINE", "1", "HF_DATASETS_OFFLINE", "1",
            "HF_EVALUATE_OFFLINE", "1");

    /** Validates on construction; see {@link #validate()}. */
    public ModelLoading {
        env = Map.copyOf(env);
        validate(env, catalogue);
    }

    /** The repository's files, as copied onto the classpath by the build. */
    public static ModelLoading load() {
        return parse(SharedFiles.text("models/model-loading.env"),
                SharedFiles.text("models/models.json"), SharedFiles.text("models/sync-model.sh"));
    }

    /**
     * Parses the three files.
     *
     * @throws IllegalArgumentException when a file does not parse or they disagree on a path
     */
    public static ModelLoading parse(String envText, String modelsJson, String syncScript) {
        JsonNode catalogue;
        try {
            catalogue = new ObjectMapper().readTree(modelsJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("infra/models/models.json is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse("") + "; fix the file (python3 -m json.tool shows where)",
                    e);
        }
        return new ModelLoading(envText, SharedFiles.parseEnv(envText,
                "infra/models/model-loading.env"), catalogue, syncScript);
    }

    private static void validate(Map<String, String> env, JsonNode catalogue) {
        List<String> errors = new ArrayList<>();
        for (String key : List.of("TESTBED_MODEL_DIR", "TESTBED_MODELS_PREFIX", "HF_HOME",
                "TIKTOKEN_CACHE_DIR")) {
            if (env.getOrDefault(key, "").isBlank()) {
                errors.add("model-loading.env must set " + key);
            }
        }
        OFFLINE.forEach((k, v) -> {
            if (!v.equals(env.get(k))) {
                errors.add("model-loading.env must set " + k + "=" + v + " (the VPC has no route"
                        + " to Hugging Face), found '" + env.get(k) + "'");
            }
        });
        JsonNode layout = catalogue.path("layout");
        String dir = env.get("TESTBED_MODEL_DIR");
        String prefix = env.get("TESTBED_MODELS_PREFIX");
        expect(errors, "layout.s3Uri", layout.path("s3Uri").asText(),
                "s3://{bucket}/" + prefix + "/{model_id}/");
        expect(errors, "layout.localDir", layout.path("localDir").asText(),
                dir + "/{model_id}/");
        expect(errors, "layout.hfHome", layout.path("hfHome").asText(), env.get("HF_HOME"));
        expect(errors, "layout.syncCommand", layout.path("syncCommand").asText(),
                "aws s3 sync s3://{bucket}/" + prefix + "/{model_id}/ " + dir
                        + "/{model_id}/ --only-show-errors");
        if (!catalogue.path("models").isArray() || catalogue.path("models").isEmpty()) {
            errors.add("models.json must list at least one model under \"models\"");
        }
        // LIMIT: only mirrored weights ("source": "s3"); a host downloading from Hugging Face
        // directly (possible with natEnabled=true) is not implemented.
        for (JsonNode m : catalogue.path("models")) {
            if (!"s3".equals(m.path("source").asText())) {
                errors.add("models.json model " + m.path("id").asText() + " has source '"
                        + m.path("source").asText() + "'; only \"s3\" (mirrored weights) runs"
                        + " in the VPC");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Inconsistent infra/models configuration:\n  "
                    + String.join("\n  ", errors) + "\nfix: make models.json follow"
                    + " model-loading.env (the env file is what the hosts use)");
        }
    }

    private static void expect(List<String> errors, String key, String found, String want) {
        if (!want.equals(found)) {
            errors.add("models.json " + key + " must be '" + want + "', found '" + found + "'");
        }
    }

    /** Root of synced weights on the instance volume, e.g. {@code /opt/models}. */
    public String modelDir() {
        return env.get("TESTBED_MODEL_DIR");
    }

    /** Key prefix of weights in the model bucket, e.g. {@code models}. */
    public String modelsPrefix() {
        return env.get("TESTBED_MODELS_PREFIX");
    }

    /** The Hugging Face cache directory on the instance volume. */
    public String hfHome() {
        return env.get("HF_HOME");
    }

    /** Model ids listed in {@code models.json}. */
    public List<String> modelIds() {
        List<String> ids = new ArrayList<>();
        catalogue.path("models").forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

}
