package io.llmtestbed.aits.safe.search;

import java.net.URI;
import java.util.Locale;

/** Checks shared by the HTTP backends. */
final class HttpBackends {

  private HttpBackends() {}

  static void requireHttpUrl(URI url, String setting, String backend) {
    String scheme = url == null || url.getScheme() == null ? ""
        : url.getScheme().toLowerCase(Locale.ROOT);
    if (url == null || !(scheme.equals("http") || scheme.equals("https"))
        || url.getHost() == null) {
      throw new SearchException(SearchException.Kind.CONFIGURATION, "the " + backend
          + " search backend needs an http(s) URL with a host in setting " + setting + ", got '"
          + url + "'");
    }
  }
}
