package io.llmtestbed.aits.safe;

import io.llmtestbed.ait.sdk.llm.LlmSettings;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.aits.safe.search.SearchSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The AIT's parameters, read and checked once, mapped onto {@link SafeSettings},
 * {@link LlmSettings} and {@link SearchSettings}.
 *
 * @param mode auto, safe or human
 * @param llmConfigured whether llm_model is set (SAFE can only run then)
 * @param cacheDir root of the LLM cache ({@code llm/}) and the search cache ({@code search/});
 *     null = no cache
 */
record AitSettings(String mode, String promptColumn, String responseColumn,
    String annotationsColumn, boolean llmConfigured, SafeSettings safe, LlmSettings llm,
    String searchBackend, String searchLanguage, String serperUrl, String serperApiKeyEnv,
    String serperGl, String serperHl, String openSearchUrl, String openSearchIndex, int k,
    int k2, double maxUnratedShare, Path cacheDir, int maxResponses, double confidenceLevel,
    int bootstrapSamples, long seed, boolean writeBack) {

  static final List<String> MODES = List.of("auto", "safe", "human");

  static AitSettings from(AitContext ctx) {
    try {
      String mode = ctx.stringParam("mode").trim().toLowerCase(Locale.ROOT);
      if (!MODES.contains(mode)) {
        throw new IllegalArgumentException("parameter 'mode' is '" + mode + "'; it must be one "
            + "of " + MODES + ". Fix: use auto (human labels when the table has them)");
      }
      String model = ctx.stringParam("llm_model").trim();
      Path cache = blank(ctx.stringParam("cache_dir")) ? null
          : Path.of(ctx.stringParam("cache_dir").trim());
      int concurrency = ctx.intParam("concurrency");
      SafeSettings safe = SafeSettings.builder()
          .temperature(ctx.doubleParam("temperature"))
          .maxTokens(ctx.intParam("max_tokens"))
          .maxSteps(ctx.intParam("max_steps"))
          .earlyStop(ctx.boolParam("early_stop"))
          .firstQueryFromFact(firstQuery(ctx.stringParam("first_query")))
          .batchRevision(ctx.boolParam("batch_revision"))
          .resultsPerQuery(ctx.intParam("results_per_query"))
          .maxParseRetries(ctx.intParam("max_parse_retries"))
          .demonstrations(ctx.intParam("demonstrations"))
          .concurrency(concurrency)
          .build();
      String searchBackend = choice(ctx, "search_backend", SearchSettings.BACKENDS,
          "lucene (the document_collection inventory; nothing leaves the machine)");
      String searchLanguage = choice(ctx, "search_language", SearchSettings.LANGUAGES,
          "auto (English and Japanese analyzers)");
      String serperUrl = url(ctx, "serper_url");
      String openSearchUrl = url(ctx, "opensearch_url");
      String baseUrl = ctx.stringParam("llm_base_url").trim();
      String keyEnv = ctx.stringParam("llm_api_key_env").trim();
      LlmSettings llm = LlmSettings.builder()
          .backend(ctx.stringParam("llm_backend"))
          .baseUrl(baseUrl.isEmpty() ? null : baseUrl)
          .model(model.isEmpty() ? null : model)
          .apiKeyEnv(keyEnv.isEmpty() ? null : keyEnv)
          .timeout(Duration.ofSeconds(ctx.intParam("llm_timeout_seconds")))
          .maxRetries(ctx.intParam("llm_max_retries"))
          .maxConcurrency(concurrency)
          .requestsPerSecond(ctx.doubleParam("requests_per_second"))
          .cacheDir(cache == null ? null : cache.resolve("llm"))
          .build();
      return new AitSettings(mode, column(ctx, "prompt_column"), column(ctx, "response_column"),
          column(ctx, "annotations_column"), !model.isEmpty(), safe, llm,
          searchBackend, searchLanguage, serperUrl,
          ctx.stringParam("serper_api_key_env").trim(), ctx.stringParam("serper_gl").trim(),
          ctx.stringParam("serper_hl").trim(), openSearchUrl,
          ctx.stringParam("opensearch_index").trim(), ctx.intParam("k"), ctx.intParam("k2"),
          ctx.doubleParam("max_unrated_share"), cache, ctx.intParam("max_responses"),
          ctx.doubleParam("confidence_level"), ctx.intParam("bootstrap_samples"),
          ctx.intParam("seed"), ctx.boolParam("write_back"));
    } catch (IllegalArgumentException e) {
      throw AitException.invalidInput(e.getMessage(), e);
    }
  }

  /** The search settings; {@code collection} is the document_collection inventory path. */
  SearchSettings search(Path collection) {
    SearchSettings.Builder b = SearchSettings.builder().backend(searchBackend)
        .language(searchLanguage)
        // SearchCache adds search/ and the on-the-fly index lucene-index/ itself, as in the CLI
        .cacheDir(cacheDir);
    if (collection != null) {
      if (Files.isDirectory(collection)) {
        b.indexDir(collection);
      } else {
        b.collection(collection);
      }
    }
    if (!serperUrl.isEmpty()) {
      b.serperUrl(URI.create(serperUrl));
    }
    if (!serperApiKeyEnv.isEmpty()) {
      b.serperApiKeyEnv(serperApiKeyEnv);
    }
    if (!serperGl.isEmpty()) {
      b.gl(serperGl);
    }
    if (!serperHl.isEmpty()) {
      b.hl(serperHl);
    }
    if (!openSearchUrl.isEmpty()) {
      b.openSearchUrl(URI.create(openSearchUrl));
    }
    if (!openSearchIndex.isEmpty()) {
      b.openSearchIndex(openSearchIndex);
    }
    return b.build();
  }

  private static boolean firstQuery(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("fact") && !v.equals("llm")) {
      throw new IllegalArgumentException("parameter 'first_query' is '" + value + "'; it must be "
          + "fact (search the revised fact itself) or llm (the model writes the first query)");
    }
    return v.equals("fact");
  }

  /** A parameter that must be one of {@code allowed} (case-insensitive). */
  private static String choice(AitContext ctx, String parameter, List<String> allowed,
      String usual) {
    String v = ctx.stringParam(parameter).trim().toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw new IllegalArgumentException("parameter '" + parameter + "' is '"
          + ctx.stringParam(parameter) + "'; it must be one of " + allowed + ". Fix: pass one "
          + "of these, or leave it out for " + usual);
    }
    return v;
  }

  /** An optional http(s) URL parameter; empty stays empty. */
  private static String url(AitContext ctx, String parameter) {
    String v = ctx.stringParam(parameter).trim();
    if (v.isEmpty()) {
      return v;
    }
    URI uri;
    try {
      uri = new URI(v);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("parameter '" + parameter + "' is '" + v + "', which "
          + "is not a URL (" + e.getMessage() + "). Fix: pass an http(s) URL such as "
          + "https://host:port/path, or leave it empty", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException("parameter '" + parameter + "' is '" + v + "'; it must "
          + "be an http or https URL with a host. Fix: pass e.g. https://host:port/path, or "
          + "leave it empty");
    }
    return v;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String column(AitContext ctx, String parameter) {
    String value = ctx.stringParam(parameter);
    if (blank(value)) {
      throw new IllegalArgumentException("parameter '" + parameter + "' is empty; it must name "
          + "a column of the eval table. Fix: pass the column name, or leave it out for the "
          + "default");
    }
    return value.trim();
  }
}
