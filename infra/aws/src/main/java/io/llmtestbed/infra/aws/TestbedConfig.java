package io.llmtestbed.infra.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every deploy-time choice of the testbed, read once from CDK context ({@code cdk.json} or
 * {@code cdk deploy -c key=value}). One place per option: stacks read this record, never the
 * context directly.
 *
 * <p>Context values given on the command line arrive as strings, those in {@code cdk.json} as
 * JSON values; both are accepted. A missing key takes the default named in {@link #KEYS}.
 * Invalid values fail synthesis with a message naming the key, the rule, the value and the fix.
 *
 * @param stackPrefix prefix of every stack name and resource name, e.g. {@code Testbed}
 * @param region AWS region the stacks are synthesized for (account stays deploy-time)
 * @param vpcCidr IPv4 CIDR of the VPC (a /16 to /24)
 * @param natEnabled whether to add public subnets, an internet gateway and one NAT gateway
 * @param mlflowVersion the pinned MLflow release installed on the host: always
 *     {@code MLFLOW_VERSION} of {@code infra/mlflow-server.env} (the local stack runs the same)
 * @param mlflowInstanceType EC2 instance type of each MLflow host
 * @param mlflowHostCount number of MLflow hosts; more than one requires the ALB
 * @param dbInstanceClass RDS instance class without the {@code db.} prefix
 * @param dbMultiAz whether RDS runs a synchronous standby in the second AZ
 * @param dbBackupRetentionDays automated backup retention, 1 to 35 days
 * @param albEnabled whether an internal HTTPS ALB fronts the MLflow hosts
 * @param albCertificateArn ACM certificate for the ALB listener; required when the ALB is on
 * @param allowedCidr client network allowed to reach the ALB (and vLLM); null when none
 * @param mlflowHostname DNS name clients use for the ALB (added to MLflow's allowed hosts);
 *     null when clients use the ALB's own DNS name
 * @param gpuEnabled whether the vLLM GPU host is created
 * @param gpuInstanceType EC2 instance type of the vLLM host
 * @param vllmVersion pinned vLLM release
 * @param vllmModel model id, also its key prefix under {@code models/} in the model bucket
 * @param hostGeneration a number written into every host's user data: raising it replaces the
 *     hosts on the next deploy (the guide's "replace a host" step), nothing else changes
 */
public record TestbedConfig(
        String stackPrefix,
        String region,
        String vpcCidr,
        boolean natEnabled,
        String mlflowVersion,
        String mlflowInstanceType,
        int mlflowHostCount,
        String dbInstanceClass,
        boolean dbMultiAz,
        int dbBackupRetentionDays,
        boolean albEnabled,
        String albCertificateArn,
        String allowedCidr,
        String mlflowHostname,
        boolean gpuEnabled,
        String gpuInstanceType,
        String vllmVersion,
        String vllmModel,
        int hostGeneration) {

    /**
     * The lowest MLflow release this app installs: 3.11.0 fixes the newest advisory in the
     * guide's hardening list (CVE-2026-4137, world-writable temporary directories).
     */
    public static final String MIN_MLFLOW_VERSION = MlflowServerConf.MIN_VERSION;

    /**
     * The MLflow release pinned across the project (local stack, Python side, this app), read
     * from {@code infra/mlflow-server.env} when this class loads.
     */
    public static final String MLFLOW_VERSION = MlflowServerConf.load().version();

    /** Context keys with their defaults; {@code null} means "not set". */
    public static final Map<String, String> KEYS = defaults();

    private static final Pattern CIDR = Pattern.compile(
            "^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})$");
    private static final Pattern VERSION = Pattern.compile("^\\d+\\.\\d+\\.\\d+$");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("^[a-z][a-z0-9-]*\\.[a-z0-9]+$");
    private static final Pattern ACM_ARN = Pattern.compile(
            "^arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+$");
    private static final Pattern MODEL_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/-]*$");
    private static final Pattern PREFIX = Pattern.compile("^[A-Z][A-Za-z0-9]{1,19}$");

    /** Validates the record; see the class comment for the message form. */
    public TestbedConfig {
        List<String> errors = new ArrayList<>();
        check(errors, PREFIX.matcher(String.valueOf(stackPrefix)).matches(), "stackPrefix",
                "must start with an upper-case letter and have 2-20 letters or digits",
                stackPrefix, "-c stackPrefix=Testbed");
        checkCidr(errors, "vpcCidr", vpcCidr, 16, 24);
        // One release for both stacks: the context may repeat the shared pin, never change it.
        check(errors, MLFLOW_VERSION.equals(mlflowVersion), "mlflowVersion",
                "must equal MLFLOW_VERSION in " + MlflowServerConf.FILE + " (" + MLFLOW_VERSION
                        + "), so the local and AWS stacks run one release",
                mlflowVersion, "drop -c mlflowVersion, or change MLFLOW_VERSION in "
                        + MlflowServerConf.FILE + " (README.ja.md: MLflow upgrade)");
        checkInstanceType(errors, "mlflowInstanceType", mlflowInstanceType);
        checkInstanceType(errors, "dbInstanceClass", dbInstanceClass);
        checkInstanceType(errors, "gpuInstanceType", gpuInstanceType);
        check(errors, mlflowHostCount >= 1 && mlflowHostCount <= 4, "mlflowHostCount",
                "must be between 1 and 4", String.valueOf(mlflowHostCount), "-c mlflowHostCount=1");
        check(errors, mlflowHostCount == 1 || albEnabled, "mlflowHostCount",
                "above 1 needs the load balancer to spread clients over the hosts",
                String.valueOf(mlflowHostCount), "add -c albEnabled=true or use 1 host");
        check(errors, dbBackupRetentionDays >= 1 && dbBackupRetentionDays <= 35,
                "dbBackupRetentionDays", "must be 1 to 35 (0 would switch backups off)",
                String.valueOf(dbBackupRetentionDays), "-c dbBackupRetentionDays=7");
        if (albEnabled) {
            check(errors, albCertificateArn != null && ACM_ARN.matcher(albCertificateArn).matches(),
                    "albCertificateArn", "must be an ACM certificate ARN when albEnabled=true",
                    String.valueOf(albCertificateArn),
                    "-c albCertificateArn=arn:aws:acm:<region>:<account>:certificate/<id>");
            check(errors, allowedCidr != null, "allowedCidr",
                    "must name the client network when albEnabled=true", "null",
                    "-c allowedCidr=10.0.0.0/8 (your VPN or Direct Connect range)");
        }
        if (allowedCidr != null) {
            checkCidr(errors, "allowedCidr", allowedCidr, 8, 32);
        }
        check(errors, MODEL_ID.matcher(String.valueOf(vllmModel)).matches() && !String.valueOf(vllmModel).contains(".."),
                "vllmModel", "must be a model id such as Qwen/Qwen2.5-7B-Instruct", vllmModel,
                "-c vllmModel=<org>/<name>");
        check(errors, VERSION.matcher(String.valueOf(vllmVersion)).matches(), "vllmVersion",
                "must be a release x.y.z", vllmVersion, "-c vllmVersion=" + KEYS.get("vllmVersion"));
        check(errors, hostGeneration >= 1, "hostGeneration", "must be 1 or more",
                String.valueOf(hostGeneration), "-c hostGeneration=2 (one more than before)");
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Invalid CDK context for the testbed:\n  "
                    + String.join("\n  ", errors));
        }
    }

    /** The defaults: the same as an empty context. */
    public static TestbedConfig defaultConfig() {
        return fromContext(key -> null);
    }

    /**
     * Reads the configuration from a context lookup such as {@code app.getNode()::tryGetContext}.
     *
     * @param context returns the raw value of a key, or null when the key is absent
     */
    public static TestbedConfig fromContext(Function<String, Object> context) {
        Function<String, String> get = key -> {
            Object raw = context.apply(key);
            String value = raw == null ? KEYS.get(key) : String.valueOf(raw).trim();
            return value == null || value.isEmpty() ? null : value;
        };
        return new TestbedConfig(
                get.apply("stackPrefix"),
                get.apply("region"),
                get.apply("vpcCidr"),
                bool(get, "natEnabled"),
                get.apply("mlflowVersion"),
                get.apply("mlflowInstanceType"),
                integer(get, "mlflowHostCount"),
                stripDbPrefix(get.apply("dbInstanceClass")),
                bool(get, "dbMultiAz"),
                integer(get, "dbBackupRetentionDays"),
                bool(get, "albEnabled"),
                get.apply("albCertificateArn"),
                get.apply("allowedCidr"),
                get.apply("mlflowHostname"),
                bool(get, "gpuEnabled"),
                get.apply("gpuInstanceType"),
                get.apply("vllmVersion"),
                get.apply("vllmModel"),
                integer(get, "hostGeneration"));
    }

    /** Name of a stack, e.g. {@code Testbed-Network}. */
    public String stackName(String role) {
        return stackPrefix + "-" + role;
    }

    /** Lower-case prefix for resource names (log groups, secrets, aliases). */
    public String namePrefix() {
        return stackPrefix.toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new java.util.LinkedHashMap<>();
        d.put("stackPrefix", "Testbed");
        // Tokyo: the survey in README.md prices every instance type there.
        d.put("region", "ap-northeast-1");
        d.put("vpcCidr", "10.40.0.0/16");
        // No egress by default: the testbed reaches AWS only through VPC endpoints.
        d.put("natEnabled", "false");
        d.put("mlflowVersion", MLFLOW_VERSION);
        // m7i.large (2 vCPU, 8 GiB, not burstable): the server runs 4 uvicorn workers of about
        // 0.5-1 GiB each while logging evaluation tables and traces; a t3 would run out of CPU
        // credits during long evaluations, 4 GiB leaves no room for the page cache. README: survey.
        d.put("mlflowInstanceType", "m7i.large");
        d.put("mlflowHostCount", "1");
        // db.t4g.medium (2 vCPU, 4 GiB): MLflow's metadata load is small (rows of params, metrics,
        // tags); burstable is fine because the load is bursty. README: survey and when to move up.
        d.put("dbInstanceClass", "t4g.medium");
        d.put("dbMultiAz", "false");
        d.put("dbBackupRetentionDays", "7");
        d.put("albEnabled", "false");
        d.put("albCertificateArn", null);
        d.put("allowedCidr", null);
        d.put("mlflowHostname", null);
        d.put("gpuEnabled", "false");
        // g6.xlarge (1 x NVIDIA L4 24 GB, 4 vCPU, 16 GiB): serves a 7-8B model in bf16 with room
        // for the KV cache; the cheapest current GPU that does. README: survey (g5, g6e, p4d).
        d.put("gpuInstanceType", "g6.xlarge");
        d.put("vllmVersion", "0.34.0");
        d.put("vllmModel", "Qwen/Qwen2.5-7B-Instruct");
        // Raise to replace every host on the next deploy (README.ja.md 13.3).
        d.put("hostGeneration", "1");
        return java.util.Collections.unmodifiableMap(d);
    }

    private static boolean bool(Function<String, String> get, String key) {
        String v = Objects.requireNonNull(get.apply(key), key);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("Invalid CDK context for the testbed: " + key
                    + " must be true or false, found '" + v + "'; fix: -c " + key + "=true");
        }
        return Boolean.parseBoolean(v);
    }

    private static int integer(Function<String, String> get, String key) {
        String v = Objects.requireNonNull(get.apply(key), key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid CDK context for the testbed: " + key
                    + " must be a whole number, found '" + v + "'; fix: -c " + key + "="
                    + KEYS.get(key), e);
        }
    }

    private static String stripDbPrefix(String dbClass) {
        return dbClass != null && dbClass.startsWith("db.") ? dbClass.substring(3) : dbClass;
    }

    private static void check(List<String> errors, boolean ok, String key, String rule,
            String found, String fix) {
        if (!ok) {
            errors.add(key + " " + rule + ", found '" + found + "'; fix: " + fix);
        }
    }

    private static void checkInstanceType(List<String> errors, String key, String value) {
        check(errors, value != null && INSTANCE_TYPE.matcher(value).matches(), key,
                "must be an instance type like m7i.large", String.valueOf(value),
                "-c " + key + "=" + KEYS.get(key));
    }

    private static void checkCidr(List<String> errors, String key, String cidr, int minPrefix,
            int maxPrefix) {
        var m = cidr == null ? null : CIDR.matcher(cidr);
        boolean ok = m != null && m.matches();
        if (ok) {
            for (int i = 1; i <= 4; i++) {
                ok &= Integer.parseInt(m.group(i)) <= 255;
            }
            int prefix = Integer.parseInt(m.group(5));
            ok &= prefix >= minPrefix && prefix <= maxPrefix;
        }
        check(errors, ok, key, "must be an IPv4 CIDR with a prefix /" + minPrefix + " to /"
                + maxPrefix + " (0.0.0.0/0 is never allowed)", String.valueOf(cidr),
                "-c " + key + "=10.40.0.0/16");
    }

    /** Compares dotted numeric versions of the form x.y.z. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
