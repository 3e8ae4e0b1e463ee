package io.llmtestbed.ait.sdk.llm;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Settings checks shared by the SDK's HTTP backends. */
final class Backends {

    private Backends() {
    }

    static String requireBaseUrl(LlmSettings s, String example) {
        if (s.baseUrl() == null || s.baseUrl().isBlank()) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "LlmSettings baseUrl is"
                    + " required for backend " + s.backend() + " (got "
                    + (s.baseUrl() == null ? "null" : "'" + s.baseUrl() + "'") + "). Fix: set"
                    + " baseUrl, e.g. " + example, null, 0, -1, null);
        }
        return s.baseUrl().strip();
    }

    static URI uri(LlmSettings s, String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || !("http".equals(uri.getScheme())
                    || "https".equals(uri.getScheme()))) {
                throw new URISyntaxException(url, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "LlmSettings baseUrl '"
                    + s.baseUrl() + "' for backend " + s.backend() + " is not a usable http(s)"
                    + " URL (" + e.getMessage() + "). Fix: e.g. http://127.0.0.1:8000/v1", e, 0,
                    -1, null);
        }
    }

    /** The key from the variable named by apiKeyEnv; empty when apiKeyEnv is not set. */
    static Optional<String> apiKey(LlmSettings s, UnaryOperator<String> env) {
        if (s.apiKeyEnv() == null || s.apiKeyEnv().isBlank()) {
            return Optional.empty();
        }
        String key = env.apply(s.apiKeyEnv());
        if (key == null || key.isBlank()) {
            throw new LlmException(LlmException.Kind.CONFIGURATION, "LlmSettings apiKeyEnv names"
                    + " the environment variable " + s.apiKeyEnv() + ", which is "
                    + (key == null ? "not set" : "empty") + ". Fix: export " + s.apiKeyEnv()
                    + "=<key>, or leave apiKeyEnv unset for an endpoint without keys", null, 0,
                    -1, null);
        }
        return Optional.of(key.strip());
    }
}
