package io.llmtestbed.aits.safe.search;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything {@link SearchBackends#create(SearchSettings)} needs; one place per option. Build
 * with {@link #builder()}; unset options take the defaults documented on each builder method.
 * Secrets are never held here, only the names of the environment variables that carry them.
 *
 * @param backend {@code lucene} (default; a local index, nothing leaves the machine),
 *     {@code serper} (Google through serper.dev, the paper's setup) or {@code opensearch}
 * @param indexDir lucene: a directory built by the {@code index} command; null when
 *     {@code collection} is given instead
 * @param collection lucene: a JSONL collection ({@code title}, {@code text}, optional
 *     {@code url}/{@code id}); an index is built from it on the fly and kept under
 *     {@code cacheDir} by digest. Ignored when {@code indexDir} is set
 * @param language lucene on-the-fly builds: {@code en}, {@code ja} or {@code auto} (both
 *     analyzers); a prebuilt index uses the language in its manifest
 * @param serperUrl serper endpoint
 * @param serperApiKeyEnv name of the environment variable holding the Serper API key
 * @param gl serper country code, e.g. {@code us} or {@code jp}
 * @param hl serper interface language, e.g. {@code en} or {@code ja}
 * @param openSearchUrl opensearch base URL, e.g. {@code https://search.internal:9200}
 * @param openSearchIndex opensearch index name whose documents have {@code title}/{@code text}
 * @param openSearchUserEnv name of the environment variable with the basic-auth user; the
 *     request is sent without auth when the variable is unset
 * @param openSearchPasswordEnv name of the environment variable with the basic-auth password
 * @param timeout per request (web and cluster backends)
 * @param maxRetries retries after the first attempt for retryable failures (429, 5xx, timeouts,
 *     connection errors); 0 = one attempt only
 * @param cacheDir search-result cache and on-the-fly index directory; null = no cache (an
 *     on-the-fly index is then built in memory)
 */
public record SearchSettings(
    String backend,
    Path indexDir,
    Path collection,
    String language,
    URI serperUrl,
    String serperApiKeyEnv,
    String gl,
    String hl,
    URI openSearchUrl,
    String openSearchIndex,
    String openSearchUserEnv,
    String openSearchPasswordEnv,
    Duration timeout,
    int maxRetries,
    Path cacheDir) {

  /** The backends {@link SearchBackends} knows. */
  public static final List<String> BACKENDS = List.of("lucene", "serper", "opensearch");

  /** The languages of the Lucene backend. */
  public static final List<String> LANGUAGES = List.of("en", "ja", "auto");

  public static final URI DEFAULT_SERPER_URL = URI.create("https://google.serper.dev/search");

  public SearchSettings {
    backend = Objects.requireNonNull(backend, "backend").strip().toLowerCase(Locale.ROOT);
    language = Objects.requireNonNullElse(language, "auto").strip().toLowerCase(Locale.ROOT);
    Objects.requireNonNull(timeout, "timeout");
    if (!BACKENDS.contains(backend)) {
      throw new IllegalArgumentException("search backend must be one of " + BACKENDS
          + ", got '" + backend + "'");
    }
    if (!LANGUAGES.contains(language)) {
      throw new IllegalArgumentException("search language must be one of " + LANGUAGES
          + ", got '" + language + "'");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("search timeout must be positive, got " + timeout);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("search maxRetries must be >= 0, got " + maxRetries);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .backend(backend)
        .indexDir(indexDir)
        .collection(collection)
        .language(language)
        .serperUrl(serperUrl)
        .serperApiKeyEnv(serperApiKeyEnv)
        .gl(gl)
        .hl(hl)
        .openSearchUrl(openSearchUrl)
        .openSearchIndex(openSearchIndex)
        .openSearchUserEnv(openSearchUserEnv)
        .openSearchPasswordEnv(openSearchPasswordEnv)
        .timeout(timeout)
        .maxRetries(maxRetries)
        .cacheDir(cacheDir);
  }

  /** Builder with the defaults named on each method. */
  public static final class Builder {
    private String backend = "lucene";
    private Path indexDir;
    private Path collection;
    private String language = "auto";
    private URI serperUrl = DEFAULT_SERPER_URL;
    private String serperApiKeyEnv = "SERPER_API_KEY";
    private String gl = "us";
    private String hl = "en";
    private URI openSearchUrl;
    private String openSearchIndex;
    private String openSearchUserEnv = "OPENSEARCH_USER";
    private String openSearchPasswordEnv = "OPENSEARCH_PASSWORD";
    private Duration timeout = Duration.ofSeconds(30);
    private int maxRetries = 4;
    private Path cacheDir;

    private Builder() {}

    /** Default {@code lucene}. */
    public Builder backend(String backend) {
      this.backend = backend;
      return this;
    }

    /** No default. */
    public Builder indexDir(Path indexDir) {
      this.indexDir = indexDir;
      return this;
    }

    /** No default. */
    public Builder collection(Path collection) {
      this.collection = collection;
      return this;
    }

    /** Default {@code auto}. */
    public Builder language(String language) {
      this.language = language;
      return this;
    }

    /** Default {@code https://google.serper.dev/search}. */
    public Builder serperUrl(URI serperUrl) {
      this.serperUrl = serperUrl;
      return this;
    }

    /** Default {@code SERPER_API_KEY}. */
    public Builder serperApiKeyEnv(String serperApiKeyEnv) {
      this.serperApiKeyEnv = serperApiKeyEnv;
      return this;
    }

    /** Default {@code us}. */
    public Builder gl(String gl) {
      this.gl = gl;
      return this;
    }

    /** Default {@code en}. */
    public Builder hl(String hl) {
      this.hl = hl;
      return this;
    }

    /** No default. */
    public Builder openSearchUrl(URI openSearchUrl) {
      this.openSearchUrl = openSearchUrl;
      return this;
    }

    /** No default. */
    public Builder openSearchIndex(String openSearchIndex) {
      this.openSearchIndex = openSearchIndex;
      return this;
    }

    /** Default {@code OPENSEARCH_USER}. */
    public Builder openSearchUserEnv(String openSearchUserEnv) {
      this.openSearchUserEnv = openSearchUserEnv;
      return this;
    }

    /** Default {@code OPENSEARCH_PASSWORD}. */
    public Builder openSearchPasswordEnv(String openSearchPasswordEnv) {
      this.openSearchPasswordEnv = openSearchPasswordEnv;
      return this;
    }

    /** Default 30 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Default 4. */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /** Default null (no cache). */
    public Builder cacheDir(Path cacheDir) {
      this.cacheDir = cacheDir;
      return this;
    }

    public SearchSettings build() {
      return new SearchSettings(backend, indexDir, collection, language, serperUrl,
          serperApiKeyEnv, gl, hl, openSearchUrl, openSearchIndex, openSearchUserEnv,
          openSearchPasswordEnv, timeout, maxRetries, cacheDir);
    }
  }
}
