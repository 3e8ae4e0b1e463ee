package io.llmtestbed.ait.sdk.net;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The way the project's Java code makes HTTP calls: a {@link HttpClient} that never follows
 * redirects itself, wrapped so that every request - and every redirect hop, followed here up to
 * {@link #MAX_REDIRECTS} times - is checked against the {@link EgressPolicy} before a connection
 * is opened, and recorded in an {@link EgressAudit} with its body sizes and status.
 *
 * <p>Redirects: 307 and 308 repeat the method and body; 301, 302 and 303 continue with GET
 * (HEAD stays HEAD) and no body. {@code Authorization}, {@code Proxy-Authorization} and
 * {@code Cookie} headers are dropped when a redirect leaves the original scheme, host and port.
 *
 * <p>Audit: one entry per exchange, written when its response body has been read completely,
 * failed, or its stream was closed - so close streamed bodies ({@code ofInputStream}). Bytes
 * are body bytes; headers are not counted. Thread-safe; share one instance.
 */
public final class GuardedHttp {

  /** Redirect hops followed before the call fails. */
  public static final int MAX_REDIRECTS = 5;

  /** Connect timeout of {@link #create()}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  private static final List<String> CREDENTIAL_HEADERS = List.of("authorization",
      "proxy-authorization", "cookie");

  private final HttpClient client;
  private final EgressPolicy policy;
  private final EgressAudit audit;
  private final int maxRedirects;

  private GuardedHttp(Builder b) {
    HttpClient.Builder hb = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(b.connectTimeout)
        .version(b.version);
    this.client = hb.build();
    this.policy = b.policy;
    this.audit = b.audit;
    this.maxRedirects = b.maxRedirects;
  }

  /**
   * A client checking against {@link EgressPolicy#current()} at each call and recording into
   * {@link EgressAudit#global()}, with a 10 s connect timeout and HTTP/1.1.
   */
  public static GuardedHttp create() {
    return builder().build();
  }

  /** Builder for clients with another policy, audit, timeout or HTTP version. */
  public static Builder builder() {
    return new Builder();
  }

  /** The policy calls are checked against (the current one when none was fixed). */
  public EgressPolicy policy() {
    return policy != null ? policy : EgressPolicy.current();
  }

  /** The audit calls are recorded into. */
  public EgressAudit audit() {
    return audit;
  }

  /**
   * Checks, sends and audits {@code request}, following redirects through the same checks.
   *
   * @param purpose what the call is for, e.g. {@code safe.search}; recorded in the audit
   * @param dataKind what the body is, e.g. {@code search query JSON}; named when denied
   * @return the final (non-redirect) response
   * @throws EgressDeniedException before connecting when the request's host or a redirect
   *     target is not allowed (recorded as a denied entry)
   * @throws IOException on transport errors, a redirect without a usable http(s) Location, or
   *     more than {@link #MAX_REDIRECTS} redirects
   */
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler, String purpose,
      String dataKind) throws IOException, InterruptedException {
    // LIMIT: no sendAsync; callers needing parallel calls use threads (the LLM client does).
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(purpose, "purpose");
    EgressPolicy p = policy();
    HttpRequest current = request;
    for (int hop = 0; ; hop++) {
      check(p, current, purpose, dataKind);
      boolean mayFollow = hop < maxRedirects;
      HttpResponse<T> response = exchange(current, handler, purpose);
      if (!isRedirect(response.statusCode(), response.headers())) {
        return response;
      }
      if (!mayFollow) {
        throw new IOException("too many redirects: " + request.method() + " " + request.uri()
            + " was redirected more than " + maxRedirects + " times (last to "
            + location(response.headers()) + "). Fix: call the final address directly");
      }
      current = follow(current, response);
    }
  }

  private void check(EgressPolicy p, HttpRequest request, String purpose, String dataKind) {
    long bytes = request.bodyPublisher().map(HttpRequest.BodyPublisher::contentLength)
        .orElse(0L);
    try {
      p.check(request.uri(), purpose, dataKind, bytes);
    } catch (EgressDeniedException e) {
      audit.recordDenied(Instant.now(), e);
      throw e;
    }
  }

  /** One exchange, audited when its body ends; a followable redirect's body is discarded. */
  private <T> HttpResponse<T> exchange(HttpRequest request, BodyHandler<T> handler,
      String purpose) throws IOException, InterruptedException {
    Instant start = Instant.now();
    String host = EgressPolicy.normalizeHost(request.uri().getHost());
    AtomicLong sent = new AtomicLong();
    AtomicLong received = new AtomicLong();
    AtomicBoolean recorded = new AtomicBoolean();
    // Set by the client's thread when headers arrive; read when the body ends or the call fails.
    AtomicInteger status = new AtomicInteger(EgressAudit.NO_RESPONSE);
    Runnable finish = () -> {
      if (recorded.compareAndSet(false, true)) {
        audit.record(start, host, purpose, sent.get(), received.get(), status.get());
      }
    };
    HttpRequest counted = withCountingBody(request, sent);
    BodyHandler<T> counting = info -> {
      status.set(info.statusCode());
      BodySubscriber<T> inner = isRedirect(info.statusCode(), info.headers())
          ? BodySubscribers.replacing(null) : handler.apply(info);
      return new CountingSubscriber<>(inner, received, finish);
    };
    try {
      return client.send(counted, counting);
    } catch (IOException | RuntimeException | InterruptedException e) {
      finish.run();
      throw e;
    }
  }

  private static HttpRequest withCountingBody(HttpRequest request, AtomicLong sent) {
    Optional<HttpRequest.BodyPublisher> body = request.bodyPublisher();
    if (body.isEmpty()) {
      return request;
    }
    return HttpRequest.newBuilder(request, (n, v) -> true)
        .method(request.method(), new CountingPublisher(body.get(), sent))
        .build();
  }

  private static boolean isRedirect(int status, HttpHeaders headers) {
    return REDIRECTS.contains(status) && headers.firstValue("Location").isPresent();
  }

  private static String location(HttpHeaders headers) {
    return headers.firstValue("Location").orElse("(none)");
  }

  private static HttpRequest follow(HttpRequest from, HttpResponse<?> response)
      throws IOException {
    String location = location(response.headers());
    URI next;
    try {
      next = from.uri().resolve(location.trim());
    } catch (IllegalArgumentException e) {
      throw new IOException(from.uri() + " redirected (HTTP " + response.statusCode() + ") to '"
          + location + "', which is not a valid URI", e);
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IOException(from.uri() + " redirected (HTTP " + response.statusCode() + ") to '"
          + location + "'; only http and https redirects are followed");
    }
    boolean sameOrigin = Objects.equals(from.uri().getScheme(), next.getScheme())
        && Objects.equals(from.uri().getHost(), next.getHost())
        && from.uri().getPort() == next.getPort();
    HttpRequest.Builder b = HttpRequest.newBuilder(from,
        (name, value) -> sameOrigin || !CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT)))
        .uri(next);
    int status = response.statusCode();
    if (status == 301 || status == 302 || status == 303) {
      if (from.method().equals("HEAD")) {
        b.method("HEAD", HttpRequest.BodyPublishers.noBody());
      } else {
        b.GET();
      }
    }
    return b.build();
  }

  /**
   * An HTTP {@code Retry-After} value as delta-seconds or an HTTP date (a date in the past is
   * zero); empty when it is negative or unreadable, so the caller falls back to its backoff.
   * The one parser every retrying client of the project uses.
   */
  public static Optional<Duration> parseRetryAfter(String value) {
    String v = value.strip();
    try {
      long secs = Long.parseLong(v);
      return secs < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(secs));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  /** Builder of {@link GuardedHttp}. */
  public static final class Builder {

    private EgressPolicy policy;
    private EgressAudit audit = EgressAudit.global();
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private HttpClient.Version version = HttpClient.Version.HTTP_1_1;
    private int maxRedirects = MAX_REDIRECTS;

    private Builder() {
    }

    /** A fixed policy; null (the default) = {@link EgressPolicy#current()} at each call. */
    public Builder policy(EgressPolicy policy) {
      this.policy = policy;
      return this;
    }

    /** Where calls are recorded; default {@link EgressAudit#global()}. */
    public Builder audit(EgressAudit audit) {
      this.audit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /** Connect timeout; default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /** HTTP version; default HTTP/1.1 (no h2c upgrade attempts on plain-HTTP servers). */
    public Builder version(HttpClient.Version version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /** Redirect hops to follow, 0..{@value GuardedHttp#MAX_REDIRECTS}; default the maximum. */
    public Builder maxRedirects(int maxRedirects) {
      if (maxRedirects < 0 || maxRedirects > MAX_REDIRECTS) {
        throw new IllegalArgumentException("maxRedirects must be within 0.." + MAX_REDIRECTS
            + "; got " + maxRedirects);
      }
      this.maxRedirects = maxRedirects;
      return this;
    }

    public GuardedHttp build() {
      return new GuardedHttp(this);
    }
  }

  /** Counts the request body bytes as the client pulls them. */
  private static final class CountingPublisher implements HttpRequest.BodyPublisher {

    private final HttpRequest.BodyPublisher delegate;
    private final AtomicLong count;

    CountingPublisher(HttpRequest.BodyPublisher delegate, AtomicLong count) {
      this.delegate = delegate;
      this.count = count;
    }

    @Override
    public long contentLength() {
      return delegate.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      delegate.subscribe(new Flow.Subscriber<ByteBuffer>() {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
          subscriber.onSubscribe(subscription);
        }

        @Override
        public void onNext(ByteBuffer item) {
          count.addAndGet(item.remaining());
          subscriber.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
          subscriber.onError(throwable);
        }

        @Override
        public void onComplete() {
          subscriber.onComplete();
        }
      });
    }
  }

  /** Counts response body bytes and reports the end of the body once. */
  private static final class CountingSubscriber<T> implements BodySubscriber<T> {

    private final BodySubscriber<T> delegate;
    private final AtomicLong count;
    private final Runnable done;

    CountingSubscriber(BodySubscriber<T> delegate, AtomicLong count, Runnable done) {
      this.delegate = delegate;
      this.count = count;
      this.done = done;
    }

    @Override
    public CompletionStage<T> getBody() {
      return delegate.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      delegate.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          subscription.request(n);
        }

        @Override
        public void cancel() {
          done.run();
          subscription.cancel();
        }
      });
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        count.addAndGet(b.remaining());
      }
      delegate.onNext(items);
    }

    @Override
    public void onError(Throwable throwable) {
      done.run();
      delegate.onError(throwable);
    }

    @Override
    public void onComplete() {
      done.run();
      delegate.onComplete();
    }
  }
}
