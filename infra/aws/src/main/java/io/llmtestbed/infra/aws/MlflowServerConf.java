package io.llmtestbed.infra.aws;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MLflow server settings shared with the local stack, read from
 * {@code infra/mlflow-server.env} (the file documents each key). The local stack's
 * {@code stack.sh} reads the same file; neither side keeps a copy of a value.
 *
 * @param version the MLflow release, x.y.z, at least {@link #MIN_VERSION}
 * @param flagsTemplate the {@code mlflow server} options with {@code {slot}} placeholders
 * @param artifactsDestination the artifact destination with a {@code {bucket}} slot
 * @param backendScheme SQLAlchemy scheme of the backend store URI
 * @param allowedHosts the Host headers every server accepts (the ALB adds its own name)
 * @param enableJobExecution value of {@code MLFLOW_SERVER_ENABLE_JOB_EXECUTION}
 * @param workersAws uvicorn workers on each AWS host
 * @param appNameAws the {@code --app-name} on AWS (basic-auth)
 */
public record MlflowServerConf(String version, String flagsTemplate, String artifactsDestination,
        String backendScheme, List<String> allowedHosts, String enableJobExecution,
        int workersAws, String appNameAws) {

    /** Path of the file inside the repository, for messages. */
    public static final String FILE = "infra/mlflow-server.env";

    /**
     * The lowest MLflow release accepted: 3.11.0 fixes the newest advisory in the guide's
     * hardening list (CVE-2026-4137, world-writable temporary directories).
     */
    public static final String MIN_VERSION = "3.11.0";

    /** Slots the AWS hosts fill: each becomes a variable of the service environment. */
    static final Map<String, String> AWS_SLOTS = Map.of(
            "artifacts_destination", "\"$MLFLOW_ARTIFACTS_DESTINATION\"",
            "host", "\"$TESTBED_MLFLOW_BIND\"",
            "port", "\"$TESTBED_MLFLOW_PORT\"",
            "workers", "\"$TESTBED_MLFLOW_WORKERS\"",
            "allowed_hosts", "\"$MLFLOW_SERVER_ALLOWED_HOSTS\"");

    private static final Pattern SLOT = Pattern.compile("\\{([a-z_]+)}");
    private static final Pattern VERSION = Pattern.compile("^\\d+\\.\\d+\\.\\d+$");

    /** Validates; messages name the file, the key, the rule, the value and the fix. */
    public MlflowServerConf {
        List<String> errors = new ArrayList<>();
        if (version == null || !VERSION.matcher(version).matches()
                || TestbedConfig.compareVersions(version, MIN_VERSION) < 0) {
            errors.add("MLFLOW_VERSION must be a release x.y.z at least " + MIN_VERSION
                    + " (older releases have published vulnerabilities, see the guide's"
                    + " hardening list), found '" + version + "'");
        }
        if (flagsTemplate == null || !flagsTemplate.contains("--serve-artifacts")) {
            errors.add("MLFLOW_SERVER_FLAGS must contain --serve-artifacts (clients must not"
                    + " need S3 credentials), found '" + flagsTemplate + "'");
        } else {
            Matcher m = SLOT.matcher(flagsTemplate);
            while (m.find()) {
                if (!AWS_SLOTS.containsKey(m.group(1))) {
                    errors.add("MLFLOW_SERVER_FLAGS has slot {" + m.group(1) + "} that the AWS"
                            + " hosts do not fill; use " + AWS_SLOTS.keySet());
                }
            }
        }
        if (artifactsDestination == null || !artifactsDestination.startsWith("s3://")
                || !artifactsDestination.contains("{bucket}")) {
            errors.add("MLFLOW_ARTIFACTS_DESTINATION must be s3://{bucket}/..., found '"
                    + artifactsDestination + "'");
        }
        if (workersAws < 1 || workersAws > 32) {
            errors.add("MLFLOW_WORKERS_AWS must be 1 to 32, found " + workersAws);
        }
        if (!"true".equals(enableJobExecution) && !"false".equals(enableJobExecution)) {
            errors.add("MLFLOW_SERVER_ENABLE_JOB_EXECUTION must be true or false, found '"
                    + enableJobExecution + "'");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Invalid " + FILE + ":\n  "
                    + String.join("\n  ", errors) + "\nfix: correct the line(s) in " + FILE
                    + " (git diff shows what changed)");
        }
        allowedHosts = List.copyOf(allowedHosts);
    }

    /** The repository's file, as copied onto the classpath by the build. */
    public static MlflowServerConf load() {
        return parse(SharedFiles.text("mlflow-server.env"));
    }

    /**
     * Parses the text of {@code infra/mlflow-server.env}.
     *
     * @throws IllegalArgumentException when a key is missing or a value breaks its rule
     */
    public static MlflowServerConf parse(String text) {
        Map<String, String> v = SharedFiles.parseEnv(text, FILE);
        List<String> missing = new ArrayList<>();
        for (String key : List.of("MLFLOW_VERSION", "MLFLOW_SERVER_FLAGS",
                "MLFLOW_ARTIFACTS_DESTINATION", "MLFLOW_BACKEND_SCHEME", "MLFLOW_ALLOWED_HOSTS",
                "MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "MLFLOW_WORKERS_AWS",
                "MLFLOW_APP_NAME_AWS")) {
            if (v.getOrDefault(key, "").isBlank()) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(FILE + " lacks " + missing + "; fix: restore"
                    + " the file from git (every key is documented there)");
        }
        int workers;
        try {
            workers = Integer.parseInt(v.get("MLFLOW_WORKERS_AWS").strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(FILE + ": MLFLOW_WORKERS_AWS must be a whole"
                    + " number, found '" + v.get("MLFLOW_WORKERS_AWS") + "'; fix: e.g. 4", e);
        }
        return new MlflowServerConf(v.get("MLFLOW_VERSION").strip(),
                v.get("MLFLOW_SERVER_FLAGS").strip(), v.get("MLFLOW_ARTIFACTS_DESTINATION").strip(),
                v.get("MLFLOW_BACKEND_SCHEME").strip(),
                Arrays.stream(v.get("MLFLOW_ALLOWED_HOSTS").split(",")).map(String::strip)
                        .filter(s -> !s.isEmpty()).toList(),
                v.get("MLFLOW_SERVER_ENABLE_JOB_EXECUTION").strip(), workers,
                v.get("MLFLOW_APP_NAME_AWS").strip());
    }

    /**
     * The options of {@code mlflow server} on an AWS host: the shared template with each slot
     * replaced by its service-environment variable, then {@code --app-name}.
     */
    public String awsServerFlags() {
        Matcher m = SLOT.matcher(flagsTemplate);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(AWS_SLOTS.get(m.group(1))));
        }
        m.appendTail(out);
        return out + " --app-name " + appNameAws;
    }

    /** The artifact destination for {@code bucket} (a name or a CDK token). */
    public String artifactsDestination(String bucket) {
        return artifactsDestination.replace("{bucket}", bucket);
    }
}
