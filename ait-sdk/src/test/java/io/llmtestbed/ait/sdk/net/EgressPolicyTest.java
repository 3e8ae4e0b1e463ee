package io.llmtestbed.ait.sdk.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.runtime.AitException;
import io.llmtestbed.ait.sdk.runtime.ErrorCode;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EgressPolicyTest {

  private static final EgressPolicy.Resolver NO_DNS = host -> {
    throw new AssertionError("must not resolve " + host);
  };

  private static EgressPolicy.Resolver fixed(Map<String, List<String>> table) {
    return host -> {
      List<String> addresses = table.get(host);
      if (addresses == null) {
        throw new UnknownHostException(host);
      }
      List<InetAddress> out = new java.util.ArrayList<>();
      for (String a : addresses) {
        out.add(InetAddress.getByName(a));
      }
      return out;
    };
  }

  private static EgressDeniedException denied(EgressPolicy policy, String url) {
    try {
      policy.check(URI.create(url), "safe.rate", "chat request JSON", 1234);
    } catch (EgressDeniedException e) {
      return e;
    }
    throw new AssertionError(url + " was allowed by " + policy);
  }

  @Test
  void should_allow_loopback_and_private_ranges_when_defaults() {
    EgressPolicy p = EgressPolicy.defaults().withResolver(NO_DNS);
    for (String url : List.of("http://127.0.0.1:5055/api", "http://10.1.2.3/", "http://172.16.0.1",
        "http://172.31.255.254", "https://192.168.1.10:8443/v1", "http://[::1]:8080/",
        "http://[fd12:3456::1]/")) {
      assertThat(p.allows(URI.create(url))).as(url).isTrue();
    }
  }

  @Test
  void should_deny_public_link_local_and_metadata_addresses_when_defaults() {
    EgressPolicy p = EgressPolicy.defaults().withResolver(NO_DNS);
    for (String url : List.of("http://8.8.8.8/", "http://172.32.0.1/", "http://169.254.1.1/",
        "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
        "http://[2001:4860:4860::8888]/", "http://[::ffff:8.8.8.8]/", "http://0.0.0.0:80/")) {
      assertThat(p.allows(URI.create(url))).as(url).isFalse();
    }
  }

  @Test
  void should_name_host_purpose_data_and_fix_when_literal_public_address_denied() {
    EgressDeniedException e = denied(EgressPolicy.defaults().withResolver(NO_DNS),
        "https://93.184.216.34/search?q=x");

    assertThat(e.code()).isEqualTo(ErrorCode.E102);
    assertThat(e.host()).isEqualTo("93.184.216.34");
    assertThat(e.bytes()).isEqualTo(1234);
    assertThat(e.getMessage())
        .startsWith("egress denied before sending: host '93.184.216.34' is not in an allowed "
            + "range, and the egress allow-list [loopback, private] (from default) does not "
            + "allow it. Nothing was sent.")
        .contains("Purpose: safe.rate; would have sent chat request JSON (1234 bytes, content "
            + "not shown)")
        .contains("Fix, only if this destination may receive this data: "
            + "LLM_TESTBED_EGRESS_ALLOW=loopback,private,93.184.216.34 (or a line "
            + "'93.184.216.34' in /etc/llm-testbed/egress-allow.txt)");
  }

  @Test
  void should_treat_name_as_public_when_any_resolved_address_is_public() {
    EgressPolicy p = EgressPolicy.defaults().withResolver(fixed(Map.of(
        "search.example.test", List.of("10.0.0.5", "93.184.216.34"))));

    EgressDeniedException e = denied(p, "https://search.example.test/query");

    assertThat(e.addresses()).containsExactly("10.0.0.5", "93.184.216.34");
    assertThat(e.getMessage()).contains("host 'search.example.test' resolves to 10.0.0.5, "
        + "93.184.216.34 of which 93.184.216.34 is not allowed; a name is public when any of "
        + "its addresses is")
        .contains("LLM_TESTBED_EGRESS_ALLOW=loopback,private,search.example.test");
  }

  @Test
  void should_allow_name_when_every_resolved_address_is_private() {
    EgressPolicy p = EgressPolicy.defaults().withResolver(fixed(Map.of(
        "mlflow.corp.test", List.of("10.0.0.5", "fd00:1::5"))));

    assertThatCode(() -> p.check(URI.create("http://mlflow.corp.test:5000/api"),
        "mlflow.tracking", "tracking request", 10)).doesNotThrowAnyException();
  }

  @Test
  void should_allow_listed_name_without_resolving_it() {
    EgressPolicy p = EgressPolicy.parse("loopback, api.openai.com").withResolver(NO_DNS);

    assertThat(p.allows(URI.create("https://API.OpenAI.com./v1/chat/completions"))).isTrue();
  }

  @Test
  void should_match_wildcard_below_suffix_only_when_star_dot_entry() {
    EgressPolicy p = EgressPolicy.parse("*.corp.example").withResolver(fixed(Map.of(
        "corp.example", List.of("93.184.216.34"), "evilcorp.example", List.of("93.184.216.35"))));

    assertThat(p.allows(URI.create("https://a.b.corp.example/"))).isTrue();
    assertThat(p.allows(URI.create("https://corp.example/"))).isFalse();
    assertThat(p.allows(URI.create("https://evilcorp.example/"))).isFalse();
  }

  @Test
  void should_deny_name_that_does_not_resolve() {
    EgressPolicy p = EgressPolicy.defaults().withResolver(fixed(Map.of()));

    EgressDeniedException e = denied(p, "https://google.serper.dev/search");

    assertThat(e.addresses()).isEmpty();
    assertThat(e.getMessage()).contains("host 'google.serper.dev' does not resolve, so it cannot "
        + "be shown to be private");
  }

  @Test
  void should_deny_everything_outside_explicit_list_when_entries_given() {
    EgressPolicy p = EgressPolicy.parse("127.0.0.1").withResolver(NO_DNS);

    assertThat(p.allows(URI.create("http://127.0.0.1:9/"))).isTrue();
    EgressDeniedException e = denied(p, "http://127.0.0.2:9/");
    assertThat(e.getMessage()).contains("allow-list [127.0.0.1] (from given entries)")
        .contains("LLM_TESTBED_EGRESS_ALLOW=127.0.0.1,127.0.0.2");
  }

  @Test
  void should_match_ipv4_and_ipv6_cidrs_when_listed() {
    EgressPolicy p = EgressPolicy.parse("203.0.113.0/24, 2001:db8::/32").withResolver(NO_DNS);

    assertThat(p.allows(URI.create("http://203.0.113.77/"))).isTrue();
    assertThat(p.allows(URI.create("http://203.0.114.1/"))).isFalse();
    assertThat(p.allows(URI.create("http://[2001:db8:ffff::1]/"))).isTrue();
    assertThat(p.allows(URI.create("http://[2001:db9::1]/"))).isFalse();
    assertThat(p.allows(URI.create("http://127.0.0.1/"))).isFalse();
  }

  @Test
  void should_allow_metadata_address_only_when_listed_exactly() {
    EgressPolicy keyword = EgressPolicy.parse("link-local").withResolver(NO_DNS);
    EgressPolicy exact = EgressPolicy.parse("169.254.169.254").withResolver(NO_DNS);

    assertThat(keyword.allows(URI.create("http://169.254.10.1/"))).isTrue();
    assertThat(keyword.allows(URI.create("http://169.254.169.254/"))).isFalse();
    assertThat(exact.allows(URI.create("http://169.254.169.254/"))).isTrue();
  }

  @Test
  void should_keep_metadata_addresses_denied_when_only_a_wider_range_lists_them() {
    EgressPolicy ranges = EgressPolicy.parse("169.254.0.0/16,fd00::/8,0.0.0.0/0")
        .withResolver(NO_DNS);
    EgressPolicy exact = EgressPolicy.parse("169.254.169.254/32,fd00:ec2::254/128")
        .withResolver(NO_DNS);

    assertThat(ranges.allows(URI.create("http://169.254.10.1/"))).isTrue();
    assertThat(ranges.allows(URI.create("http://8.8.8.8/"))).isTrue();
    assertThat(ranges.allows(URI.create("http://169.254.169.254/latest/meta-data/")))
        .as("a range is not the exact address").isFalse();
    assertThat(ranges.allows(URI.create("http://[fd00:ec2::254]/"))).isFalse();
    assertThat(denied(ranges, "http://169.254.169.254/").getMessage())
        .contains("host '169.254.169.254'").contains("instance-metadata")
        .contains("LLM_TESTBED_EGRESS_ALLOW=");
    assertThat(exact.allows(URI.create("http://169.254.169.254/"))).isTrue();
    assertThat(exact.allows(URI.create("http://[fd00:ec2::254]/"))).isTrue();
  }

  @Test
  void should_reject_malformed_entry_naming_it_and_the_rule() {
    assertThatThrownBy(() -> EgressPolicy.parse("loopback, https://api.openai.com"))
        .isInstanceOf(AitException.class)
        .hasMessage("egress allow-list entry 'https://api.openai.com' in given entries is not "
            + "valid: an entry is a host name, *.suffix, an IP address or CIDR, or one of the "
            + "keywords loopback, private, link-local (no scheme, port, path or bare '*'). Fix: "
            + "write e.g. api.openai.com, *.corp.example or 10.0.0.0/8");
    assertThatThrownBy(() -> EgressPolicy.parse("10.0.0.0/33"))
        .hasMessageContaining("entry '10.0.0.0/33' in given entries is not a valid address or "
            + "CIDR: prefix length 33 is outside 0..32");
    assertThatThrownBy(() -> EgressPolicy.parse("*")).hasMessageContaining("entry '*'");
  }

  @Test
  void should_use_defaults_when_neither_variable_nor_file_configured(@TempDir Path dir) {
    EgressPolicy p = EgressPolicy.load(Map.of(), dir.resolve("absent.txt"));

    assertThat(p.entries()).containsExactly("loopback", "private");
    assertThat(p.source()).startsWith("default");
  }

  @Test
  void should_join_variable_and_file_entries_when_both_configured(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("egress-allow.txt");
    Files.writeString(file, "# search backend\nopensearch.corp.test  # internal\n\n10.9.0.0/16\n");

    EgressPolicy p = EgressPolicy.load(Map.of(EgressPolicy.ALLOW_ENV, "loopback,api.openai.com",
        EgressPolicy.FILE_ENV, file.toString()), dir.resolve("unused.txt"));

    assertThat(p.entries()).containsExactly("loopback", "api.openai.com", "opensearch.corp.test",
        "10.9.0.0/16");
    assertThat(p.source()).isEqualTo(EgressPolicy.ALLOW_ENV + " + " + file);
    assertThat(p.withResolver(NO_DNS).allows(URI.create("http://192.168.1.1/"))).isFalse();
  }

  @Test
  void should_read_default_file_when_variable_names_none(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("egress-allow.txt");
    Files.writeString(file, "private\n");

    EgressPolicy p = EgressPolicy.load(Map.of(), file).withResolver(NO_DNS);

    assertThat(p.entries()).containsExactly("private");
    assertThat(p.allows(URI.create("http://127.0.0.1/"))).isFalse();
    assertThat(denied(p, "http://8.8.8.8/").getMessage())
        .contains("LLM_TESTBED_EGRESS_ALLOW=8.8.8.8 (or a line '8.8.8.8' in " + file + ")");
  }

  @Test
  void should_fail_naming_file_when_configured_file_is_missing(@TempDir Path dir) {
    Path missing = dir.resolve("missing.txt");

    assertThatThrownBy(() -> EgressPolicy.load(Map.of(EgressPolicy.FILE_ENV, missing.toString()),
        dir.resolve("unused.txt")))
        .isInstanceOf(AitException.class)
        .hasMessageStartingWith("LLM_TESTBED_EGRESS_FILE names the egress allow-list file "
            + missing + ", which cannot be read")
        .hasMessageContaining("Fix: create it with one entry per line");
  }

  @Test
  void should_return_override_from_current_until_scope_closed() {
    EgressPolicy narrow = EgressPolicy.parse("127.0.0.1");
    try (EgressPolicy.Scope scope = EgressPolicy.overrideCurrent(narrow)) {
      assertThat(EgressPolicy.current()).isSameAs(narrow);
    }
    assertThat(EgressPolicy.current()).isNotSameAs(narrow);
  }

  @Test
  void should_deny_uri_without_host() {
    assertThatThrownBy(() -> EgressPolicy.defaults().check(URI.create("file:///etc/passwd"),
        "mlflow.tracking", "tracking request", 0))
        .isInstanceOf(EgressDeniedException.class)
        .hasMessageStartingWith("egress denied before sending: file:///etc/passwd has no host");
  }
}
