package io.llmtestbed.ait.llm.bedrock;

import io.llmtestbed.ait.sdk.llm.ChatMessage;
import io.llmtestbed.ait.sdk.llm.ChatRequest;
import io.llmtestbed.ait.sdk.llm.ChatResponse;
import io.llmtestbed.ait.sdk.llm.LlmAccounting;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmException;
import io.llmtestbed.ait.sdk.llm.LlmException.Kind;
import io.llmtestbed.ait.sdk.llm.LlmSettings;
import io.llmtestbed.ait.sdk.llm.Usage;
import io.llmtestbed.ait.sdk.net.EgressAudit;
import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import io.llmtestbed.ait.sdk.net.EgressPolicy;
import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Amazon Bedrock through the Converse API (AWS SDK for Java v2, {@code bedrockruntime}).
 *
 * <p>Settings: {@link LlmSettings#model()} is the model or inference-profile id (a request's
 * own model wins); {@link LlmSettings#baseUrl()}, when set, is the endpoint override (e.g. a VPC
 * interface endpoint {@code https://vpce-...bedrock-runtime.us-east-1.vpce.amazonaws.com});
 * option {@code region} (else the AWS default chain: {@code AWS_REGION}, the profile);
 * option {@code profile} (credentials and region of that profile in {@code ~/.aws}; else the
 * default credential chain: system properties, environment, profile, container, instance).
 * Keys are never settings.
 *
 * <p>Mapping: system messages become the Converse {@code system} blocks, user and assistant
 * messages the {@code messages} (consecutive messages of one role are merged into one message
 * of several text blocks, as Converse wants roles to alternate); {@code temperature} is sent
 * exactly as given (0.0 included), {@code maxTokens} and {@code stop} as {@code maxTokens} and
 * {@code stopSequences}. Converse has no seed: a request's {@code seed} is not sent.
 *
 * <p>The SDK's own retries are off: {@link io.llmtestbed.ait.sdk.llm.LlmClients} retries. Every
 * HTTP attempt is checked by the {@link EgressPolicy} first and recorded in the
 * {@link EgressAudit}; a refusal propagates as {@link EgressDeniedException}. Thread-safe.
 */
public final class BedrockClient implements LlmClient {

    private final BedrockRuntimeClient client;
    private final String model;
    private final String region;
    private final String endpoint;
    private final String profile;
    private final LlmAccounting accounting = new LlmAccounting();

    /**
     * A client with the default credential chain (or the profile's), {@link EgressPolicy#current()}
     * and {@link EgressAudit#global()}.
     *
     * @throws LlmException CONFIGURATION when the endpoint override is not a URL or no region is
     *     configured
     */
    public BedrockClient(LlmSettings settings) {
        this(settings, null, EgressPolicy::current, EgressAudit.global());
    }

    /** As {@link #BedrockClient(LlmSettings)}, with given credentials (tests) and audit. */
    BedrockClient(LlmSettings settings, AwsCredentialsProvider credentials,
            java.util.function.Supplier<EgressPolicy> policy, EgressAudit audit) {
        this.model = settings.model();
        this.profile = blankToNull(settings.option("profile", null));
        Region r = region(settings, profile);
        this.region = r.id();
        URI override = endpoint(settings.baseUrl());
        this.endpoint = override == null ? "regional" : override.toString();
        BedrockRuntimeClientBuilder b = BedrockRuntimeClient.builder().region(r)
                .credentialsProvider(credentials != null ? credentials : credentials(profile))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(min(settings.timeout(), Duration.ofSeconds(10)))
                        .socketTimeout(settings.timeout()))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(settings.timeout())
                        .addExecutionInterceptor(new EgressInterceptor(policy, audit)));
        if (override != null) {
            b.endpointOverride(override);
        }
        this.client = b.build();
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        long start = System.nanoTime();
        String modelId = request.model() != null ? request.model() : model;
        if (modelId == null || modelId.isBlank()) {
            throw new LlmException(Kind.CONFIGURATION, "the bedrock backend needs a model id:"
                    + " set LlmSettings model (or the request's model), e.g."
                    + " anthropic.claude-3-haiku-20240307-v1:0 or an inference profile id such"
                    + " as us.anthropic.claude-3-5-haiku-20241022-v1:0", null, 0, -1, null);
        }
        ConverseRequest converse = converseRequest(request, modelId);
        try {
            ConverseResponse response = client.converse(converse);
            ChatResponse r = map(response, modelId, start);
            accounting.recordCall(request.purpose(), r.usage(), 1);
            return r;
        } catch (RuntimeException e) {
            EgressDeniedException denied = egressDenied(e);
            if (denied != null) {
                throw denied;
            }
            LlmException mapped = e instanceof LlmException le ? le : classify(e, modelId,
                    request.purpose());
            accounting.recordFailure(request.purpose(), mapped.attempts());
            throw mapped;
        }
    }

    /** The Converse request for {@code r}; package-private for tests. */
    static ConverseRequest converseRequest(ChatRequest r, String modelId) {
        List<SystemContentBlock> system = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        ConversationRole lastRole = null;
        List<ContentBlock> blocks = new ArrayList<>();
        for (ChatMessage m : r.messages()) {
            if (m.role().equals("system")) {
                system.add(SystemContentBlock.fromText(m.content()));
                continue;
            }
            ConversationRole role = role(m.role());
            if (lastRole != null && role != lastRole) {
                messages.add(Message.builder().role(lastRole).content(blocks).build());
                blocks = new ArrayList<>();
            }
            blocks.add(ContentBlock.fromText(m.content()));
            lastRole = role;
        }
        if (lastRole != null) {
            messages.add(Message.builder().role(lastRole).content(blocks).build());
        }
        InferenceConfiguration.Builder config = InferenceConfiguration.builder();
        if (r.temperature() != null) {
            config.temperature(r.temperature().floatValue());
        }
        if (r.maxTokens() != null) {
            config.maxTokens(r.maxTokens());
        }
        if (r.stop() != null && !r.stop().isEmpty()) {
            config.stopSequences(r.stop());
        }
        // LIMIT: Converse has no seed parameter, so a request's seed is not sent; answers at a
        // temperature above 0 are not reproducible on Bedrock.
        ConverseRequest.Builder b = ConverseRequest.builder().modelId(modelId).messages(messages)
                .inferenceConfig(config.build())
                .overrideConfiguration(AwsRequestOverrideConfiguration.builder()
                        .putExecutionAttribute(EgressInterceptor.PURPOSE, r.purpose()).build());
        if (!system.isEmpty()) {
            b.system(system);
        }
        return b.build();
    }

    private static ConversationRole role(String role) {
        return switch (role) {
            case "user" -> ConversationRole.USER;
            case "assistant" -> ConversationRole.ASSISTANT;
            default -> throw new LlmException(Kind.CLIENT_ERROR, "the bedrock backend takes"
                    + " messages of role system, user or assistant, got role '" + role + "'",
                    null, 0, -1, null);
        };
    }

    private ChatResponse map(ConverseResponse response, String modelId, long start) {
        if (response.output() == null || response.output().message() == null) {
            throw new LlmException(Kind.MALFORMED_RESPONSE, "Bedrock Converse answer for model "
                    + modelId + " at " + endpoint + " has no output message (stopReason "
                    + response.stopReasonAsString() + ")", null, 1, 200, null);
        }
        String text = response.output().message().content().stream()
                .map(ContentBlock::text).filter(t -> t != null)
                .collect(Collectors.joining());
        TokenUsage u = response.usage();
        Usage usage = u == null ? Usage.ZERO : new Usage(nonNull(u.inputTokens()),
                nonNull(u.outputTokens()));
        return new ChatResponse(text, modelId, usage, finishReason(response.stopReasonAsString()),
                false, Duration.ofNanos(System.nanoTime() - start), 1);
    }

    /** Converse stop reasons in the OpenAI words the rest of the project uses. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "end_turn", "stop_sequence" -> "stop";
            case "max_tokens" -> "length";
            case "content_filtered", "guardrail_intervened" -> "content_filter";
            case "tool_use" -> "tool_calls";
            default -> stopReason;
        };
    }

    private LlmException classify(RuntimeException e, String modelId, String purpose) {
        String where = "Bedrock Converse (model " + modelId + ", region " + region + ", endpoint "
                + endpoint + ", purpose '" + purpose + "')";
        if (e instanceof AwsServiceException s) {
            int status = s.statusCode();
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            String msg = s.awsErrorDetails() == null ? e.getMessage()
                    : s.awsErrorDetails().errorMessage();
            Duration retryAfter = retryAfter(s).orElse(null);
            Kind kind = serviceKind(status, code);
            String fix = switch (kind) {
                case RATE_LIMITED -> " Fix: lower maxConcurrency or requestsPerSecond, or ask for"
                        + " a higher Bedrock quota";
                case CLIENT_ERROR -> status == 403 ? " Fix: grant bedrock:InvokeModel on this"
                        + " model to the credentials in use and enable model access in the"
                        + " Bedrock console" : " Fix: check the model id and the request"
                        + " settings";
                default -> "";
            };
            return new LlmException(kind, where + " failed with HTTP " + status + " " + code
                    + ": " + msg + "." + fix, e, 1, status, retryAfter);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || hasCause(e, SocketTimeoutException.class)
                || hasCause(e, InterruptedIOException.class)) {
            return new LlmException(Kind.TIMEOUT, where + " gave no answer within the timeout: "
                    + e.getMessage() + ". Fix: raise LlmSettings timeout or lower maxTokens", e,
                    1, -1, null);
        }
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (e instanceof SdkClientException && text.contains("credentials")) {
            return new LlmException(Kind.CONFIGURATION, where + ": no AWS credentials: "
                    + e.getMessage() + ". Fix: run with an instance/task role, set"
                    + " AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or set"
                    + " option profile to a profile in ~/.aws/credentials", e, 0, -1, null);
        }
        if (e instanceof SdkClientException && text.contains("unmarshall")) {
            return new LlmException(Kind.MALFORMED_RESPONSE, where + " answered with a body"
                    + " that is not Converse JSON: " + e.getMessage(), e, 1, 200, null);
        }
        if (e instanceof SdkException && hasCause(e, IOException.class)) {
            return new LlmException(Kind.CONNECTION, where + " could not be reached: "
                    + e.getMessage() + ". Fix: check the endpoint, DNS and the VPC endpoint's"
                    + " security group", e, 1, -1, null);
        }
        return new LlmException(Kind.CLIENT_ERROR, where + " failed: " + e, e, 1, -1, null);
    }

    /** HTTP status (and Bedrock error code) to kind; package-private for tests. */
    static Kind serviceKind(int status, String code) {
        if (status == 429 || "ThrottlingException".equals(code)) {
            return Kind.RATE_LIMITED;
        }
        if (status == 408 || "ModelTimeoutException".equals(code)) {
            return Kind.TIMEOUT;
        }
        if (status >= 500 || "ServiceUnavailableException".equals(code)
                || "InternalServerException".equals(code)) {
            return Kind.SERVER_ERROR;
        }
        return Kind.CLIENT_ERROR;
    }

    private static Optional<Duration> retryAfter(AwsServiceException s) {
        if (s.awsErrorDetails() == null || s.awsErrorDetails().sdkHttpResponse() == null) {
            return Optional.empty();
        }
        return s.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After")
                .flatMap(GuardedHttp::parseRetryAfter);
    }

    /** The EgressDeniedException in {@code e}'s cause chain (the SDK may wrap it), or null. */
    static EgressDeniedException egressDenied(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EgressDeniedException d) {
                return d;
            }
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof EgressDeniedException d) {
                    return d;
                }
            }
        }
        return null;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code bedrock region=<r> endpoint=<override or "regional"> model=<id>} and the profile's
     * name when one is set; never keys.
     */
    @Override
    public String describe() {
        return "bedrock region=" + region + " endpoint=" + endpoint + " model=" + model
                + (profile == null ? "" : " profile=" + profile);
    }

    @Override
    public LlmAccounting accounting() {
        return accounting;
    }

    @Override
    public void close() {
        client.close();
    }

    private static Region region(LlmSettings s, String profile) {
        String configured = blankToNull(s.option("region", null));
        if (configured != null) {
            return Region.of(configured.trim());
        }
        try {
            if (profile != null) {
                Region r = new AwsProfileRegionProvider(ProfileFile::defaultProfileFile, profile)
                        .getRegion();
                if (r != null) {
                    return r;
                }
            }
            // LIMIT: the AWS SDK's own region and credential lookups (instance metadata, profile
            // files) do not pass the egress policy; they carry no prompt data.
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException e) {
            throw new LlmException(Kind.CONFIGURATION, "the bedrock backend has no AWS region:"
                    + " option region is not set and the AWS default chain found none ("
                    + e.getMessage() + "). Fix: set option region, e.g. us-east-1, or"
                    + " AWS_REGION", e, 0, -1, null);
        }
    }

    private static AwsCredentialsProvider credentials(String profile) {
        // LIMIT: SSO profiles, role assumption and web identity need the AWS SDK modules sso/sts,
        // which this module does not bring; static keys, environment, instance and container
        // roles work.
        return profile == null ? DefaultCredentialsProvider.builder().build()
                : ProfileCredentialsProvider.create(profile);
    }

    private static URI endpoint(String baseUrl) {
        String v = blankToNull(baseUrl);
        if (v == null) {
            return null;
        }
        try {
            URI u = new URI(v.trim());
            if (u.getScheme() == null || u.getHost() == null
                    || !(u.getScheme().equals("https") || u.getScheme().equals("http"))) {
                throw new URISyntaxException(v, "needs http(s)://host");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new LlmException(Kind.CONFIGURATION, "the bedrock endpoint override (baseUrl)"
                    + " '" + v + "' is not an http(s) URL with a host. Fix: leave baseUrl empty"
                    + " for the public regional endpoint, or give the VPC endpoint's DNS name,"
                    + " e.g. https://vpce-0abc-123.bedrock-runtime.us-east-1.vpce.amazonaws.com",
                    e, 0, -1, null);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    private static long nonNull(Integer i) {
        return i == null ? 0 : i;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
