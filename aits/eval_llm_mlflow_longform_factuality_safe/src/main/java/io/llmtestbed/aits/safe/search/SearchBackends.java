package io.llmtestbed.aits.safe.search;

import io.llmtestbed.ait.sdk.net.GuardedHttp;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** Creates {@link SearchClient}s from {@link SearchSettings}. */
public final class SearchBackends {

  /** First wait before a retry; doubled per retry with jitter, capped at 30 s. */
  static final Duration BASE_BACKOFF = Duration.ofMillis(500);

  private SearchBackends() {}

  /**
   * Creates the configured backend, wrapped with the cache (when {@link SearchSettings#cacheDir()}
   * is set) and accounting. Secrets are read from the process environment; HTTP goes through
   * {@link GuardedHttp#create()} (the process's egress allow-list and the global audit).
   *
   * @throws SearchException of kind CONFIGURATION or INDEX when the settings cannot work (missing
   *     API key, missing or stale index); the message names the setting and the fix
   */
  public static SearchClient create(SearchSettings settings) {
    return create(settings, System::getenv, GuardedHttp.create());
  }

  /**
   * As {@link #create(SearchSettings)}, reading environment variables through {@code env}
   * (which returns null for unset names) and sending HTTP through {@code http} (a fixed policy
   * or audit, for tests or an AIT's own audit).
   */
  public static SearchClient create(SearchSettings settings, UnaryOperator<String> env,
      GuardedHttp http) {
    return create(settings, env, http, BASE_BACKOFF, d -> Thread.sleep(d.toMillis()));
  }

  static SearchClient create(SearchSettings settings, UnaryOperator<String> env,
      GuardedHttp http, Duration baseBackoff, HttpSearchCall.Sleeper sleeper) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(http, "http");
    SearchAccounting accounting = new SearchAccounting();
    HttpSearchCall call = new HttpSearchCall(http, settings.maxRetries(), baseBackoff, sleeper,
        accounting);
    SearchBackend backend = switch (settings.backend()) {
      case "lucene" -> LuceneSearchBackend.open(settings);
      case "serper" -> SerperSearchBackend.create(settings,
          variable(env, settings.serperApiKeyEnv(), "serperApiKeyEnv"), call);
      case "opensearch" -> OpenSearchBackend.create(settings,
          variable(env, settings.openSearchUserEnv(), "openSearchUserEnv"),
          variable(env, settings.openSearchPasswordEnv(), "openSearchPasswordEnv"), call);
      default -> throw new SearchException(SearchException.Kind.CONFIGURATION, "unknown search "
          + "backend '" + settings.backend() + "'; known: " + SearchSettings.BACKENDS);
    };
    SearchCache cache = settings.cacheDir() == null ? null : new SearchCache(settings.cacheDir());
    return new SearchClient(backend, cache, accounting);
  }

  private static String variable(UnaryOperator<String> env, String name, String setting) {
    if (name == null || name.isBlank()) {
      throw new SearchException(SearchException.Kind.CONFIGURATION, "setting " + setting
          + " must name an environment variable, got '" + name + "'");
    }
    return env.apply(name.strip());
  }
}
