package io.llmtestbed.ait.sdk.llm;

import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side of the SDK's backends: one {@link HttpClient} (HTTP/1.1, no redirects), a POST
 * of JSON that maps every transport failure to an {@link LlmException} of the right kind, and
 * status codes to kinds. Egress refusals pass through unwrapped.
 */
final class LlmHttp {

    /** What the egress policy and audit log call the data LLM backends send. */
    static final String DATA_KIND = "llm prompt";

    private static final int EXCERPT = 300;

    private final GuardedHttp http;
    private final Duration timeout;
    private final String describe;

    /**
     * @param guarded the egress-checked client to send through; null = one checking
     *     {@link io.llmtestbed.ait.sdk.net.EgressPolicy#current()} with a connect timeout of
     *     the smaller of {@code timeout} and 10 s
     */
    LlmHttp(Duration timeout, String describe, GuardedHttp guarded) {
        this.timeout = timeout;
        this.describe = describe;
        Duration connect = timeout.compareTo(GuardedHttp.DEFAULT_CONNECT_TIMEOUT) < 0 ? timeout
                : GuardedHttp.DEFAULT_CONNECT_TIMEOUT;
        this.http = guarded != null ? guarded : GuardedHttp.builder().connectTimeout(connect)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * POSTs {@code body} as JSON and returns the 2xx response's body.
     *
     * @throws LlmException TIMEOUT, CONNECTION, RATE_LIMITED (with Retry-After), SERVER_ERROR or
     *     CLIENT_ERROR; the message names the endpoint, the purpose and the fix
     */
    byte[] postJson(URI uri, byte[] body, Map<String, String> headers, String purpose) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        HttpResponse<byte[]> response = send(b.build(), purpose);
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response.body();
        }
        throw statusError(uri, purpose, status, response.body(),
                response.headers().firstValue("Retry-After"));
    }

    /**
     * The one place a backend's request leaves the process: through {@link GuardedHttp}, which
     * checks the egress policy (an {@code EgressDeniedException} propagates unwrapped) and
     * records the call in the egress audit.
     */
    private HttpResponse<byte[]> send(HttpRequest request, String purpose) {
        try {
            return http.send(request, deadlineHandler(System.nanoTime() + timeout.toNanos()),
                    purpose, DATA_KIND);
        } catch (HttpConnectTimeoutException e) {
            throw new LlmException(LlmException.Kind.CONNECTION, where(request.uri(), purpose)
                    + ": cannot connect within " + seconds(timeout) + " (" + e.getMessage()
                    + "). Fix: check that the server runs and that baseUrl is right", e);
        } catch (HttpTimeoutException e) {
            throw new LlmException(LlmException.Kind.TIMEOUT, where(request.uri(), purpose)
                    + ": no answer within " + seconds(timeout) + " (setting timeout). Fix: raise"
                    + " LlmSettings.timeout or check that the server is not overloaded", e);
        } catch (ConnectException e) {
            throw new LlmException(LlmException.Kind.CONNECTION, where(request.uri(), purpose)
                    + ": cannot connect (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "). Fix: check that the server runs and that baseUrl is right", e);
        } catch (IOException e) {
            if (causedBy(e, TimeoutException.class)) {
                throw new LlmException(LlmException.Kind.TIMEOUT, where(request.uri(), purpose)
                        + ": the answer's body did not arrive within " + seconds(timeout)
                        + " (setting timeout). Fix: raise LlmSettings.timeout or check that the"
                        + " server is not overloaded", e);
            }
            throw new LlmException(LlmException.Kind.CONNECTION, where(request.uri(), purpose)
                    + ": connection failed (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "). Fix: check the server and the network", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(LlmException.Kind.CONNECTION, where(request.uri(), purpose)
                    + ": interrupted while waiting for the answer", e);
        }
    }

    /**
     * Reads the body as bytes, failing with a {@link TimeoutException} cause once
     * {@code deadlineNanos} passes: the request timeout of java.net.http only covers the wait
     * for the response headers, not a body that stalls.
     */
    private static HttpResponse.BodyHandler<byte[]> deadlineHandler(long deadlineNanos) {
        return info -> new DeadlineSubscriber(HttpResponse.BodySubscribers.ofByteArray(),
                Math.max(1, deadlineNanos - System.nanoTime()));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** A body subscriber whose body fails after a time limit and then cancels the stream. */
    private static final class DeadlineSubscriber implements HttpResponse.BodySubscriber<byte[]> {

        private final HttpResponse.BodySubscriber<byte[]> delegate;
        private final CompletableFuture<byte[]> body;
        private volatile Flow.Subscription subscription;

        DeadlineSubscriber(HttpResponse.BodySubscriber<byte[]> delegate, long limitNanos) {
            this.delegate = delegate;
            this.body = delegate.getBody().toCompletableFuture().copy()
                    .orTimeout(limitNanos, TimeUnit.NANOSECONDS);
            body.whenComplete((b, e) -> {
                Flow.Subscription s = subscription;
                if (e != null && s != null) {
                    s.cancel();
                }
            });
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            delegate.onSubscribe(s);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            delegate.onNext(items);
        }

        @Override
        public void onError(Throwable t) {
            delegate.onError(t);
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }
    }

    private LlmException statusError(URI uri, String purpose, int status, byte[] body,
            Optional<String> retryAfterHeader) {
        String prefix = where(uri, purpose) + ": HTTP " + status;
        String excerpt = excerpt(body);
        if (status == 429) {
            Duration retryAfter = retryAfterHeader.flatMap(GuardedHttp::parseRetryAfter).orElse(null);
            return new LlmException(LlmException.Kind.RATE_LIMITED, prefix + " (rate limited"
                    + (retryAfter == null ? "" : ", Retry-After " + seconds(retryAfter)) + ")"
                    + excerpt + ". Fix: lower maxConcurrency or requestsPerSecond", null, 1,
                    status, retryAfter);
        }
        if (status == 408) {
            return new LlmException(LlmException.Kind.TIMEOUT, prefix + " (request timeout)"
                    + excerpt, null, 1, status, null);
        }
        if (status >= 500) {
            return new LlmException(LlmException.Kind.SERVER_ERROR, prefix + " (server error)"
                    + excerpt + ". Fix: check the server's log", null, 1, status, null);
        }
        String fix = switch (status) {
            case 401, 403 -> "Fix: set the API key in the environment variable named by"
                    + " apiKeyEnv, and check that it is valid for this endpoint";
            case 404 -> "Fix: check baseUrl (for openai the URL /chat/completions is appended"
                    + " to, e.g. http://host:8000/v1; for mlflow the server root) and the model";
            default -> "Fix: check the model name and the generation settings";
        };
        return new LlmException(LlmException.Kind.CLIENT_ERROR, prefix + " (request refused)"
                + excerpt + ". " + fix, null, 1, status, null);
    }

    /** {@code openai http://h/v1 model=m, POST http://h/v1/chat/completions, purpose 'p'}. */
    String where(URI uri, String purpose) {
        return describe + ", POST " + uri + ", purpose '" + purpose + "'";
    }

    /** The body's start (error bodies name the cause; prompts are not echoed at this length). */
    static String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String s = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return ": " + (s.length() > EXCERPT ? s.substring(0, EXCERPT) + "…" : s);
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
