package io.llmtestbed.ait.sdk.llm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One chat request. Immutable; made with {@link #builder()}.
 *
 * <p>Generation settings left null are not sent, so the endpoint's default applies. A temperature
 * of {@code 0.0} is sent as {@code 0.0}: nothing replaces it.
 */
public final class ChatRequest {

    private final String model;
    private final List<ChatMessage> messages;
    private final Double temperature;
    private final Integer maxTokens;
    private final Long seed;
    private final List<String> stop;
    private final String purpose;

    private ChatRequest(Builder b) {
        this.model = b.model;
        this.messages = List.copyOf(b.messages);
        this.temperature = b.temperature;
        this.maxTokens = b.maxTokens;
        this.seed = b.seed;
        this.stop = b.stop == null ? null : List.copyOf(b.stop);
        this.purpose = b.purpose;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder().model(model).messages(messages).temperature(temperature)
                .maxTokens(maxTokens).seed(seed).purpose(purpose);
        b.stop = stop;
        return b;
    }

    /** The model to ask; null = the client's {@link LlmSettings#model()}. */
    public String model() {
        return model;
    }

    /** The conversation, at least one message. */
    public List<ChatMessage> messages() {
        return messages;
    }

    /** Sampling temperature; null = the endpoint's default. */
    public Double temperature() {
        return temperature;
    }

    /** Upper bound of answer tokens; null = the endpoint's default. */
    public Integer maxTokens() {
        return maxTokens;
    }

    /** Sampling seed for endpoints that support one; null = none sent. */
    public Long seed() {
        return seed;
    }

    /** Stop sequences; null = none sent. */
    public List<String> stop() {
        return stop;
    }

    /**
     * What the call is for, e.g. {@code safe.split}, {@code safe.rate}, {@code robustness.query}:
     * the key of {@link LlmAccounting#byPurpose()} and the purpose in the egress audit log.
     */
    public String purpose() {
        return purpose;
    }

    /**
     * The generation settings that are set, in a fixed order ({@code temperature},
     * {@code maxTokens}, {@code seed}, {@code stop}); for provenance records.
     */
    public Map<String, Object> generationSettings() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (temperature != null) {
            m.put("temperature", temperature);
        }
        if (maxTokens != null) {
            m.put("maxTokens", maxTokens);
        }
        if (seed != null) {
            m.put("seed", seed);
        }
        if (stop != null) {
            m.put("stop", stop);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The text of the last user message ({@code ""} when there is none). */
    public String lastUserContent() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i).content();
            }
        }
        return "";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatRequest r && Objects.equals(model, r.model)
                && messages.equals(r.messages) && Objects.equals(temperature, r.temperature)
                && Objects.equals(maxTokens, r.maxTokens) && Objects.equals(seed, r.seed)
                && Objects.equals(stop, r.stop) && purpose.equals(r.purpose);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, messages, temperature, maxTokens, seed, stop, purpose);
    }

    /** Settings and sizes only; message contents are left out so logs never carry prompts. */
    @Override
    public String toString() {
        return "ChatRequest[purpose=" + purpose + ", model=" + model + ", messages="
                + messages.size() + ", temperature=" + temperature + ", maxTokens=" + maxTokens
                + ", seed=" + seed + ", stop=" + (stop == null ? null : stop.size()) + "]";
    }

    /** Builds a {@link ChatRequest}; {@code purpose} and one message at least are required. */
    public static final class Builder {

        private String model;
        private final List<ChatMessage> messages = new ArrayList<>();
        private Double temperature;
        private Integer maxTokens;
        private Long seed;
        private List<String> stop;
        private String purpose;

        private Builder() {
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Replaces the messages. */
        public Builder messages(List<ChatMessage> messages) {
            Objects.requireNonNull(messages, "messages");
            this.messages.clear();
            messages.forEach(this::message);
            return this;
        }

        /** Appends one message. */
        public Builder message(ChatMessage message) {
            this.messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder stop(List<String> stop) {
            if (stop != null) {
                stop.forEach(s -> Objects.requireNonNull(s, "stop sequence"));
            }
            this.stop = stop == null ? null : List.copyOf(stop);
            return this;
        }

        public Builder purpose(String purpose) {
            this.purpose = purpose;
            return this;
        }

        /**
         * @throws IllegalArgumentException when purpose is missing, no message was given, or a
         *     setting is out of range; the message names the setting, the value and the fix
         */
        public ChatRequest build() {
            if (purpose == null || purpose.isBlank()) {
                throw new IllegalArgumentException("ChatRequest purpose is required (got "
                        + (purpose == null ? "null" : "'" + purpose + "'")
                        + "); set .purpose(\"safe.rate\") or similar: it keys the accounting"
                        + " and the egress audit log");
            }
            if (messages.isEmpty()) {
                throw new IllegalArgumentException("ChatRequest for purpose '" + purpose
                        + "' has no messages; add one with .message(ChatMessage.user(...))");
            }
            if (temperature != null && (temperature.isNaN() || temperature < 0)) {
                throw new IllegalArgumentException("ChatRequest temperature must be >= 0 or"
                        + " null (endpoint default), got " + temperature);
            }
            if (maxTokens != null && maxTokens < 1) {
                throw new IllegalArgumentException("ChatRequest maxTokens must be >= 1 or null"
                        + " (endpoint default), got " + maxTokens);
            }
            return new ChatRequest(this);
        }
    }
}
