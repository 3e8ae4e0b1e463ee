package io.llmtestbed.aits.safe.search;

import java.util.Objects;
import java.util.function.UnaryOperator;

/** Creates {@link SearchClient}s from {@link SearchSettings}. */
public final class SearchBackends {

  private SearchBackends() {}

  /**
   * Creates the configured backend, wrapped with the cache (when {@link SearchSettings#cacheDir()}
   * is set) and accounting. Secrets are read from the process environment.
   *
   * @throws SearchException of kind CONFIGURATION or INDEX when the settings cannot work (missing
   *     API key, missing or stale index); the message names the setting and the fix
   */
  public static SearchClient create(SearchSettings settings) {
    return create(settings, System::getenv);
  }

  /**
   * As {@link #create(SearchSettings)}, reading environment variables through {@code env}
   * (tests, or a caller that keeps secrets elsewhere). {@code env} returns null for unset names.
   */
  public static SearchClient create(SearchSettings settings, UnaryOperator<String> env) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(env, "env");
    SearchAccounting accounting = new SearchAccounting();
    SearchBackend backend = backend(settings, env, accounting);
    SearchCache cache = settings.cacheDir() == null ? null : new SearchCache(settings.cacheDir());
    return new SearchClient(backend, cache, accounting);
  }

  private static SearchBackend backend(SearchSettings settings, UnaryOperator<String> env,
      SearchAccounting accounting) {
    // Backends land in the next commits; this commit fixes the API only.
    throw new SearchException(SearchException.Kind.CONFIGURATION,
        "search backend '" + settings.backend() + "' is not built yet");
  }
}
