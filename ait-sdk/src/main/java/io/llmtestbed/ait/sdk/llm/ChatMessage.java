package io.llmtestbed.ait.sdk.llm;

import java.util.Objects;

/**
 * One message of a chat conversation, in the OpenAI chat shape.
 *
 * @param role {@code system}, {@code user} or {@code assistant}; never null or blank
 * @param content the message text; never null (may be empty)
 */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (role.isBlank()) {
            throw new IllegalArgumentException(
                    "ChatMessage role must not be blank; use system, user or assistant");
        }
    }

    /** A {@code system} message. */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    /** A {@code user} message. */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** An {@code assistant} message (e.g. a few-shot demonstration's answer). */
    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
