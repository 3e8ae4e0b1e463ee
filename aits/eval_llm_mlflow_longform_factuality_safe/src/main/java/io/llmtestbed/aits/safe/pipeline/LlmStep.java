package io.llmtestbed.aits.safe.pipeline;

import io.llmtestbed.ait.sdk.llm.ChatMessage;
import io.llmtestbed.ait.sdk.llm.ChatRequest;
import io.llmtestbed.ait.sdk.llm.ChatResponse;
import io.llmtestbed.ait.sdk.llm.LlmClient;
import io.llmtestbed.ait.sdk.llm.LlmException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One LLM step with repair: sends the prompt, parses the answer, and when the answer cannot be
 * read asks again in the same conversation (the bad answer as the assistant turn, then a user
 * turn naming what was wrong), up to {@code maxParseRetries} times. Because the repair request
 * differs from the first one, a cached bad answer is never returned again as the repair.
 *
 * <p>An {@link LlmException} (thrown by the SDK client after its own retries for 429, 5xx,
 * timeouts) ends the step as a failure with its kind; an egress refusal is not caught and ends
 * the run. Thread-safe.
 */
final class LlmStep {
  private final LlmClient client;
  private final Double temperature;
  private final Integer maxTokens;
  private final int maxParseRetries;

  LlmStep(LlmClient client, Double temperature, Integer maxTokens, int maxParseRetries) {
    this.client = client;
    this.temperature = temperature;
    this.maxTokens = maxTokens;
    this.maxParseRetries = maxParseRetries;
  }

  /**
   * The outcome of a step.
   *
   * @param value the parsed answer, or null on failure
   * @param failure why there is no value, or null
   * @param answer the last raw answer, or null when none came
   * @param requests LLM requests made (cache hits included)
   * @param cacheHits requests answered from the cache
   */
  record Outcome<T>(T value, String failure, String answer, int requests, int cacheHits) {
    boolean ok() {
      return failure == null;
    }
  }

  <T> Outcome<T> ask(String purpose, String prompt, Function<String, Answers.Parsed<T>> parser) {
    List<ChatMessage> messages = new ArrayList<>(List.of(ChatMessage.user(prompt)));
    int requests = 0;
    int hits = 0;
    String answer = null;
    String problem = null;
    for (int attempt = 0; attempt <= maxParseRetries; attempt++) {
      ChatResponse response;
      try {
        response = client.chat(ChatRequest.builder().messages(messages).temperature(temperature)
            .maxTokens(maxTokens).purpose(purpose).build());
      } catch (LlmException e) {
        requests++;
        return new Outcome<>(null, purpose + ": LLM error " + e.kind() + " after " + e.attempts()
            + " attempt(s): " + e.getMessage(), answer, requests, hits);
      }
      requests++;
      hits += response.fromCache() ? 1 : 0;
      answer = response.text();
      Answers.Parsed<T> parsed = parser.apply(answer);
      if (parsed.ok()) {
        return new Outcome<>(parsed.value(), null, answer, requests, hits);
      }
      problem = parsed.problem();
      messages.add(ChatMessage.assistant(answer));
      messages.add(ChatMessage.user("Your answer could not be read: " + problem
          + ". Answer the same task again, in the required format."));
    }
    return new Outcome<>(null, purpose + ": malformed answer after " + requests
        + " request(s): " + problem, answer, requests, hits);
  }
}
