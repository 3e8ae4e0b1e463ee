package io.llmtestbed.ait.sdk.llm;

/**
 * A chat model behind one endpoint. Implementations are thread-safe: many threads may call
 * {@link #chat} at once (a client made by {@link LlmClients#create} bounds how many reach the
 * endpoint together).
 */
public interface LlmClient extends AutoCloseable {

    /**
     * Sends one request and returns the first choice's answer.
     *
     * @throws LlmException when the endpoint cannot give an answer (after the retries a client
     *     from {@link LlmClients#create} makes)
     * @throws io.llmtestbed.ait.sdk.net.EgressDeniedException when the egress policy forbids the
     *     endpoint; never wrapped, never retried
     */
    ChatResponse chat(ChatRequest request);

    /**
     * The backend, endpoint and model, e.g. {@code openai http://10.0.0.5:8000/v1 model=qwen2.5};
     * never a key or other secret. Used in provenance records.
     */
    String describe();

    /** Counters of this client's calls; live, thread-safe. */
    LlmAccounting accounting();

    /** Releases the client's threads and connections; the default does nothing. */
    @Override
    default void close() {
    }
}
