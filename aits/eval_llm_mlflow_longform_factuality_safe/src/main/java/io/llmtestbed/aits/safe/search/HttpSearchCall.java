package io.llmtestbed.aits.safe.search;

import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP search request through {@link GuardedHttp} (egress check, redirect checks, audit)
 * with retries and exponential backoff for 408, 429 (honouring Retry-After), 5xx, timeouts and
 * connection failures. An {@code EgressDeniedException} is not caught: it propagates unwrapped
 * and nothing is retried.
 */
final class HttpSearchCall {

  private static final Logger LOG = LoggerFactory.getLogger(HttpSearchCall.class);

  /** Purpose recorded in the egress audit for every search request. */
  static final String PURPOSE = "safe.search";

  /** Data kind named in an egress refusal. */
  static final String DATA_KIND = "search query";

  /** Longest wait between attempts, whatever Retry-After says. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Waits between attempts; tests pass one that does not sleep. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final GuardedHttp http;
  private final int maxRetries;
  private final Duration baseBackoff;
  private final Sleeper sleeper;
  private final SearchAccounting accounting;

  HttpSearchCall(GuardedHttp http, int maxRetries, Duration baseBackoff, Sleeper sleeper,
      SearchAccounting accounting) {
    this.http = http;
    this.maxRetries = maxRetries;
    this.baseBackoff = baseBackoff;
    this.sleeper = sleeper;
    this.accounting = accounting;
  }

  /**
   * Sends the request until a 2xx answer or a failure that is not retried.
   *
   * @param what names the backend in messages, e.g. {@code Serper search}
   * @return the 2xx body
   */
  String send(HttpRequest request, String what) {
    SearchException last = null;
    for (int attempt = 1; attempt <= maxRetries + 1; attempt++) {
      if (attempt > 1) {
        accounting.retried();
        pause(backoff(attempt - 1, last), what);
      }
      try {
        HttpResponse<String> response = http.send(request,
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), PURPOSE, DATA_KIND);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return response.body();
        }
        last = statusFailure(what, request, response, attempt);
      } catch (HttpTimeoutException e) {
        last = new SearchException(SearchException.Kind.TIMEOUT, what + " to "
            + request.uri() + " got no answer within " + request.timeout().orElse(null)
            + " (attempt " + attempt + "): raise the search timeout or check the server", e,
            attempt, -1);
      } catch (ConnectException e) {
        last = new SearchException(SearchException.Kind.CONNECTION, what + " cannot connect "
            + "to " + request.uri() + " (attempt " + attempt + ", " + e + "): check the URL and "
            + "that the server is running", e, attempt, -1);
      } catch (IOException e) {
        last = new SearchException(SearchException.Kind.CONNECTION, what + " to "
            + request.uri() + " failed (attempt " + attempt + ", " + e + ")", e, attempt, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SearchException(SearchException.Kind.CONNECTION, what + " was interrupted",
            e, attempt, -1);
      }
      if (!last.retryable()) {
        throw last;
      }
      LOG.debug("{} attempt {} failed: {}", what, attempt, last.getMessage());
    }
    throw new SearchException(last.kind(), last.getMessage() + "; gave up after "
        + (maxRetries + 1) + " attempts (setting maxRetries=" + maxRetries + ")", last,
        maxRetries + 1, last.httpStatus());
  }

  private SearchException statusFailure(String what, HttpRequest request,
      HttpResponse<String> response, int attempt) {
    int status = response.statusCode();
    String body = excerpt(response.body());
    SearchException.Kind kind;
    String hint;
    if (status == 429) {
      kind = SearchException.Kind.RATE_LIMITED;
      hint = "the service is rate-limiting; lower the concurrency or wait";
    } else if (status == 408) {
      kind = SearchException.Kind.TIMEOUT;
      hint = "the server timed out";
    } else if (status >= 500) {
      kind = SearchException.Kind.SERVER_ERROR;
      hint = "the server failed";
    } else if (status == 401 || status == 403) {
      kind = SearchException.Kind.CLIENT_ERROR;
      hint = "the credentials were rejected; check the API key or user/password variables";
    } else {
      kind = SearchException.Kind.CLIENT_ERROR;
      hint = "the request was rejected; check the URL, index name and settings";
    }
    return new RetryAfterException(kind, what + " to " + request.uri() + " answered HTTP "
        + status + " (attempt " + attempt + "): " + hint + (body.isEmpty() ? "" : "; body: "
        + body), attempt, status, retryAfter(response));
  }

  private Duration backoff(int retry, SearchException last) {
    if (last instanceof RetryAfterException r && r.retryAfter != null) {
      return r.retryAfter.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : r.retryAfter;
    }
    long base = baseBackoff.toMillis() << Math.min(retry - 1, 10);
    long jitter = base == 0 ? 0 : ThreadLocalRandom.current().nextLong(base / 2 + 1);
    return Duration.ofMillis(Math.min(base + jitter, MAX_BACKOFF.toMillis()));
  }

  private void pause(Duration d, String what) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SearchException(SearchException.Kind.CONNECTION, what + " was interrupted "
          + "while waiting to retry", e);
    }
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(GuardedHttp::parseRetryAfter)
        .orElse(null);
  }

  private static String excerpt(String body) {
    if (body == null) {
      return "";
    }
    String oneLine = body.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
  }

  /** A status failure remembering the server's Retry-After for the next wait. */
  private static final class RetryAfterException extends SearchException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    RetryAfterException(Kind kind, String message, int attempts, int status,
        Duration retryAfter) {
      super(kind, message, null, attempts, status);
      this.retryAfter = retryAfter;
    }
  }
}
