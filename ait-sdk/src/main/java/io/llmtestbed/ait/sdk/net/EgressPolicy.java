package io.llmtestbed.ait.sdk.net;

import io.llmtestbed.ait.sdk.runtime.AitException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The egress allow-list: which destinations the project's outbound HTTP may reach. Every call
 * that leaves the process is checked with {@link #check} before a connection is opened (use
 * {@link GuardedHttp}, which does that for each redirect hop, too).
 *
 * <p><b>Entries</b>, separated by commas, spaces or new lines ({@code #} starts a comment):
 * <ul>
 *   <li>an exact host name, e.g. {@code api.openai.com} - the name is allowed whatever it
 *       resolves to;</li>
 *   <li>{@code *.suffix}, e.g. {@code *.internal.example} - every name ending in
 *       {@code .internal.example} (not the bare suffix), also allowed by name;</li>
 *   <li>an IPv4 or IPv6 address or CIDR, e.g. {@code 10.1.0.0/16}, {@code fd12::/16},
 *       {@code 203.0.113.7};</li>
 *   <li>{@code loopback} = 127.0.0.0/8 and ::1; {@code private} = 10.0.0.0/8, 172.16.0.0/12,
 *       192.168.0.0/16 and fc00::/7; {@code link-local} = 169.254.0.0/16 and fe80::/10.</li>
 * </ul>
 *
 * <p><b>Rule</b>: a host is allowed when its name matches a name entry, or when <em>every</em>
 * address it resolves to is in an address entry; a name that resolves to any public address is
 * public. A name that does not resolve is denied (it cannot be shown to be private). Neither
 * the keywords nor a wider range (e.g. {@code 169.254.0.0/16}, {@code 0.0.0.0/0}) cover the
 * cloud instance-metadata addresses 169.254.169.254 and fd00:ec2::254 (they hand out
 * credentials); list such an address exactly (or as {@code /32}, {@code /128}) to allow it.
 *
 * <p><b>Configuration</b> ({@link #current()}): the entries of the environment variable
 * {@value #ALLOW_ENV} plus those of the file named by {@value #FILE_ENV} or, when that is not
 * set, {@code /etc/llm-testbed/egress-allow.txt} if it exists. When neither gives an entry the
 * default {@value #DEFAULT_ENTRIES} applies; when either does, the list is exactly what they
 * give (write {@code loopback,private,...} to keep the defaults). Link-local is not a default
 * because 169.254.0.0/16 is where cloud metadata services live.
 *
 * <p>Immutable and thread-safe.
 */
public final class EgressPolicy {

  /** Environment variable with comma-separated entries. */
  public static final String ALLOW_ENV = "LLM_TESTBED_EGRESS_ALLOW";

  /** Environment variable naming an allow-list file (one or more entries per line). */
  public static final String FILE_ENV = "LLM_TESTBED_EGRESS_FILE";

  /** Allow-list file read when {@value #FILE_ENV} is not set and the file exists. */
  public static final Path DEFAULT_FILE = Path.of("/etc/llm-testbed/egress-allow.txt");

  /** The entries in force when nothing is configured. */
  public static final String DEFAULT_ENTRIES = "loopback,private";

  /** Resolves a host name to all its addresses. Tests pass their own to stay offline. */
  @FunctionalInterface
  public interface Resolver {
    /**
     * @return every address of {@code host}, never empty
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  /** The JVM's resolver ({@link InetAddress#getAllByName}). */
  public static final Resolver SYSTEM_RESOLVER = host -> List.of(InetAddress.getAllByName(host));

  // Declared before the ranges below: Cidr.parse uses them during class initialization.
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
      + "(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");

  private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"),
      Cidr.parse("::1/128"));
  private static final List<Cidr> PRIVATE = List.of(Cidr.parse("10.0.0.0/8"),
      Cidr.parse("172.16.0.0/12"), Cidr.parse("192.168.0.0/16"), Cidr.parse("fc00::/7"));
  private static final List<Cidr> LINK_LOCAL = List.of(Cidr.parse("169.254.0.0/16"),
      Cidr.parse("fe80::/10"));
  private static final List<Cidr> METADATA = List.of(Cidr.parse("169.254.169.254/32"),
      Cidr.parse("fd00:ec2::254/128"));

  private static volatile Cached cached;
  private static volatile EgressPolicy override;

  private final List<String> entries;
  private final String source;
  private final boolean defaults;
  private final List<String> envEntries;
  private final Path file;
  private final Set<String> hosts;
  private final List<String> suffixes;
  private final List<Cidr> ranges;
  private final List<Cidr> keywordRanges;
  private final Resolver resolver;

  private EgressPolicy(List<String> entries, String source, boolean defaults,
      List<String> envEntries, Path file, Resolver resolver) {
    this.entries = List.copyOf(entries);
    this.source = source;
    this.defaults = defaults;
    this.envEntries = List.copyOf(envEntries);
    this.file = file;
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    Set<String> h = new LinkedHashSet<>();
    List<String> s = new ArrayList<>();
    List<Cidr> r = new ArrayList<>();
    List<Cidr> k = new ArrayList<>();
    for (String e : this.entries) {
      switch (e) {
        case "loopback" -> k.addAll(LOOPBACK);
        case "private" -> k.addAll(PRIVATE);
        case "link-local" -> k.addAll(LINK_LOCAL);
        default -> {
          if (e.startsWith("*.")) {
            s.add(e.substring(1));
          } else if (isIpLiteral(e.contains("/") ? e.substring(0, e.indexOf('/')) : e)) {
            r.add(Cidr.parse(e));
          } else {
            h.add(e);
          }
        }
      }
    }
    this.hosts = Set.copyOf(h);
    this.suffixes = List.copyOf(s);
    this.ranges = List.copyOf(r);
    this.keywordRanges = List.copyOf(k);
  }

  /**
   * The policy configured for this process: {@value #ALLOW_ENV}, the allow-list file, or the
   * default (see the class comment). Re-read when the variable or the file changes.
   *
   * @throws AitException E102 when an entry is malformed or the file cannot be read
   */
  public static EgressPolicy current() {
    EgressPolicy o = override;
    if (o != null) {
      return o;
    }
    String env = System.getenv(ALLOW_ENV);
    Path f = configuredFile(System.getenv(FILE_ENV), DEFAULT_FILE);
    String key = env + "|" + f + "|" + fileStamp(f);
    Cached c = cached;
    if (c == null || !c.key.equals(key)) {
      c = new Cached(key, load(System.getenv(), DEFAULT_FILE));
      cached = c;
    }
    return c.policy;
  }

  /**
   * The policy given by an environment and a default file, as {@link #current()} computes it.
   *
   * @param env environment variables ({@value #ALLOW_ENV}, {@value #FILE_ENV})
   * @param defaultFile the file read when {@value #FILE_ENV} is not set (if it exists)
   * @throws AitException E102 when an entry is malformed, or {@value #FILE_ENV} names a file
   *     that cannot be read
   */
  public static EgressPolicy load(Map<String, String> env, Path defaultFile) {
    String allow = env.get(ALLOW_ENV);
    String fileSetting = env.get(FILE_ENV);
    Path f = configuredFile(fileSetting, defaultFile);
    List<String> fromEnv = allow == null ? List.of() : split(allow, ALLOW_ENV);
    List<String> fromFile = List.of();
    boolean explicitFile = fileSetting != null && !fileSetting.isBlank();
    if (explicitFile || Files.isRegularFile(f)) {
      try {
        fromFile = split(Files.readString(f, StandardCharsets.UTF_8), "file " + f);
      } catch (IOException e) {
        throw AitException.invalidInput(FILE_ENV + " names the egress allow-list file " + f
            + ", which cannot be read (" + e + "). Fix: create it with one entry per line "
            + "(host, *.suffix, CIDR, loopback, private) or unset " + FILE_ENV, e);
      }
    }
    if (fromEnv.isEmpty() && fromFile.isEmpty()) {
      return new EgressPolicy(split(DEFAULT_ENTRIES, "default"), "default (" + ALLOW_ENV
          + " not set, no entries in " + f + ")", true, List.of(), f, SYSTEM_RESOLVER);
    }
    Set<String> all = new LinkedHashSet<>(fromEnv);
    all.addAll(fromFile);
    String src = (fromEnv.isEmpty() ? "" : ALLOW_ENV) + (fromEnv.isEmpty() || fromFile.isEmpty()
        ? "" : " + ") + (fromFile.isEmpty() ? "" : f.toString());
    return new EgressPolicy(new ArrayList<>(all), src, false, fromEnv, f, SYSTEM_RESOLVER);
  }

  /** The default policy: {@value #DEFAULT_ENTRIES}. */
  public static EgressPolicy defaults() {
    return new EgressPolicy(split(DEFAULT_ENTRIES, "default"), "default", true, List.of(),
        DEFAULT_FILE, SYSTEM_RESOLVER);
  }

  /**
   * A policy of exactly the given entries (no defaults added), e.g. for tests or an explicit
   * configuration. An empty string allows nothing.
   *
   * @throws AitException E102 when an entry is malformed
   */
  public static EgressPolicy parse(String entries) {
    List<String> list = split(entries, "given entries");
    return new EgressPolicy(list, "given entries", false, list, DEFAULT_FILE, SYSTEM_RESOLVER);
  }

  /** This policy with another resolver (tests resolve names offline with it). */
  public EgressPolicy withResolver(Resolver other) {
    return new EgressPolicy(entries, source, defaults, envEntries, file, other);
  }

  /**
   * Makes {@link #current()} return {@code policy} until the returned scope is closed; for
   * tests that run an AIT in the same JVM. Not for production code: configure the environment.
   */
  public static Scope overrideCurrent(EgressPolicy policy) {
    EgressPolicy previous = override;
    override = Objects.requireNonNull(policy, "policy");
    return () -> override = previous;
  }

  /** Restores the previous {@link #current()} on close. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** The normalized entries in force, e.g. {@code [loopback, private, api.openai.com]}. */
  public List<String> entries() {
    return entries;
  }

  /** Where the entries came from, for messages and provenance. */
  public String source() {
    return source;
  }

  /**
   * Whether a call to {@code target} would be allowed; resolves the host like {@link #check}.
   */
  public boolean allows(URI target) {
    try {
      check(target, "allows", "nothing", 0);
      return true;
    } catch (EgressDeniedException e) {
      return false;
    }
  }

  /**
   * Refuses a call before anything is sent unless {@code target}'s host is allowed.
   *
   * @param target the URI about to be called
   * @param purpose what the call is for, e.g. {@code safe.rate}, {@code mlflow.tracking}
   * @param dataKind what would be sent, e.g. {@code chat request JSON}; named in the error
   * @param bytes body bytes that would be sent, -1 when not known; named in the error
   * @throws EgressDeniedException (E102) when the host is not allowed, naming the host, its
   *     addresses, purpose, data kind and size, and the setting to change
   */
  public void check(URI target, String purpose, String dataKind, long bytes) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(purpose, "purpose");
    String host = normalizeHost(target.getHost());
    if (host == null || host.isEmpty()) {
      throw new EgressDeniedException("egress denied before sending: " + target + " has no host "
          + "that the egress allow-list can check (purpose " + purpose + ", would have sent "
          + describeData(dataKind, bytes) + "). Fix: use a URI of the form "
          + "scheme://host:port/path with a valid host name", null, List.of(), purpose,
          dataKind, bytes);
    }
    boolean literal = isIpLiteral(host);
    if (!literal && allowedByName(host)) {
      return;
    }
    // LIMIT: the name is resolved here and again by the HTTP client when it connects; a DNS
    // answer that changes in between (rebinding) is not caught. Pinning the checked address
    // would need a custom socket layer that java.net.http does not offer.
    List<InetAddress> addresses;
    try {
      addresses = literal ? List.of(InetAddress.getByName(host)) : resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw deny(host, List.of(), "does not resolve, so it cannot be shown to be private",
          purpose, dataKind, bytes);
    }
    List<String> denied = new ArrayList<>();
    for (InetAddress a : addresses) {
      if (!allowedAddress(a)) {
        denied.add(a.getHostAddress());
      }
    }
    if (!denied.isEmpty()) {
      List<String> all = addresses.stream().map(InetAddress::getHostAddress).toList();
      String why = literal ? "is not in an allowed range"
          : "resolves to " + String.join(", ", all) + (denied.size() == all.size() ? "" :
          " of which " + String.join(", ", denied) + " " + (denied.size() == 1 ? "is" : "are")
              + " not allowed") + "; a name is public when any of its addresses is";
      if (addresses.stream().anyMatch(EgressPolicy::isMetadata)) {
        why += " (a cloud instance-metadata address, which hands out credentials: only an"
            + " entry of exactly that address allows it, no keyword or wider range)";
      }
      throw deny(host, all, why, purpose, dataKind, bytes);
    }
  }

  private boolean allowedByName(String host) {
    if (hosts.contains(host)) {
      return true;
    }
    for (String suffix : suffixes) {
      if (host.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  private boolean allowedAddress(InetAddress a) {
    boolean metadata = isMetadata(a);
    for (Cidr c : ranges) {
      // a metadata address is allowed only by its exact entry, never by a range around it
      if (c.contains(a) && (!metadata || c.isSingleAddress())) {
        return true;
      }
    }
    if (metadata) {
      return false;
    }
    for (Cidr c : keywordRanges) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMetadata(InetAddress a) {
    for (Cidr m : METADATA) {
      if (m.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private EgressDeniedException deny(String host, List<String> addresses, String why,
      String purpose, String dataKind, long bytes) {
    List<String> suggested = new ArrayList<>(defaults ? entries : envEntries);
    suggested.add(host);
    String message = "egress denied before sending: host '" + host + "' " + why + ", and the "
        + "egress allow-list " + entries + " (from " + source + ") does not allow it. Nothing was "
        + "sent. Purpose: " + purpose + "; would have sent " + describeData(dataKind, bytes)
        + ". A host is allowed when its name is listed (exact or *.suffix) or every address it "
        + "resolves to is in a listed range. Fix, only if this destination may receive this "
        + "data: " + ALLOW_ENV + "=" + String.join(",", suggested) + " (or a line '" + host
        + "' in " + file + ")";
    return new EgressDeniedException(message, host, addresses, purpose, dataKind, bytes);
  }

  private static String describeData(String dataKind, long bytes) {
    String kind = dataKind == null || dataKind.isBlank() ? "a request" : dataKind;
    return kind + " (" + (bytes < 0 ? "size not known" : bytes + " bytes") + ", content not shown)";
  }

  static String normalizeHost(String host) {
    if (host == null) {
      return null;
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  static boolean isIpLiteral(String s) {
    return IPV4.matcher(s).matches() || s.contains(":") && s.matches("[0-9a-fA-F:.]+");
  }

  private static Path configuredFile(String setting, Path defaultFile) {
    return setting == null || setting.isBlank() ? defaultFile : Path.of(setting.trim());
  }

  private static String fileStamp(Path f) {
    try {
      return Files.isRegularFile(f) ? Files.getLastModifiedTime(f) + "/" + Files.size(f) : "-";
    } catch (IOException e) {
      return "unreadable";
    }
  }

  /** Splits and validates entries; {@code where} names the source in errors. */
  static List<String> split(String text, String where) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\\R")) {
      int hash = line.indexOf('#');
      String content = hash < 0 ? line : line.substring(0, hash);
      for (String raw : content.split("[,\\s]+")) {
        if (!raw.isEmpty()) {
          out.add(normalizeEntry(raw, where));
        }
      }
    }
    return out;
  }

  private static String normalizeEntry(String raw, String where) {
    String e = normalizeHost(raw);
    String rule = "an entry is a host name, *.suffix, an IP address or CIDR, or one of the "
        + "keywords loopback, private, link-local";
    if (e.equals("loopback") || e.equals("private") || e.equals("link-local")) {
      return e;
    }
    String ipPart = e.contains("/") ? e.substring(0, e.indexOf('/')) : e;
    if (isIpLiteral(ipPart)) {
      try {
        return Cidr.parse(e).toString();
      } catch (IllegalArgumentException ex) {
        throw AitException.invalidInput("egress allow-list entry '" + raw + "' in " + where
            + " is not a valid address or CIDR: " + ex.getMessage() + ". Fix: write e.g. "
            + "10.1.0.0/16 or fd12:3456::/48", ex);
      }
    }
    String name = e.startsWith("*.") ? e.substring(2) : e;
    if (!HOST_NAME.matcher(name).matches()) {
      throw AitException.invalidInput("egress allow-list entry '" + raw + "' in " + where
          + " is not valid: " + rule + " (no scheme, port, path or bare '*'). Fix: write e.g. "
          + "api.openai.com, *.corp.example or 10.0.0.0/8");
    }
    return e;
  }

  @Override
  public String toString() {
    return "EgressPolicy" + entries + " from " + source;
  }

  private record Cached(String key, EgressPolicy policy) {
  }

  /** An address range; IPv4-mapped IPv6 addresses are compared as IPv4 (the JVM maps them). */
  record Cidr(byte[] network, int prefix, String text) {

    static Cidr parse(String s) {
      int slash = s.indexOf('/');
      String addr = slash < 0 ? s : s.substring(0, slash);
      InetAddress a;
      try {
        if (!isIpLiteral(addr)) {
          throw new IllegalArgumentException("'" + addr + "' is not an IP address");
        }
        a = InetAddress.getByName(addr);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("'" + addr + "' is not an IP address", e);
      }
      int max = a.getAddress().length * 8;
      int prefix;
      try {
        prefix = slash < 0 ? max : Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("prefix length '" + s.substring(slash + 1)
            + "' is not a number", e);
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("prefix length " + prefix + " is outside 0.." + max);
      }
      byte[] net = mask(a.getAddress(), prefix);
      String text = addressText(net, a instanceof Inet6Address)
          + (prefix == max ? "" : "/" + prefix);
      return new Cidr(net, prefix, text);
    }

    /** Whether the range is one address (prefix /32 for IPv4, /128 for IPv6). */
    boolean isSingleAddress() {
      return prefix == network.length * 8;
    }

    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      return b.length == network.length && java.util.Arrays.equals(mask(b, prefix), network);
    }

    private static byte[] mask(byte[] addr, int prefix) {
      byte[] out = addr.clone();
      for (int i = 0; i < out.length; i++) {
        int bits = Math.max(0, Math.min(8, prefix - i * 8));
        out[i] = (byte) (out[i] & (bits == 0 ? 0 : 0xFF << (8 - bits)));
      }
      return out;
    }

    /** Dotted IPv4, or IPv6 with the longest run of zero groups written as {@code ::}. */
    private static String addressText(byte[] b, boolean v6) {
      if (!v6) {
        return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
      }
      int[] g = new int[8];
      for (int i = 0; i < 8; i++) {
        g[i] = (b[2 * i] & 0xFF) << 8 | b[2 * i + 1] & 0xFF;
      }
      int bestStart = -1;
      int bestLen = 1;
      for (int i = 0; i < 8; i++) {
        int j = i;
        while (j < 8 && g[j] == 0) {
          j++;
        }
        if (j - i > bestLen) {
          bestStart = i;
          bestLen = j - i;
        }
        i = Math.max(i, j);
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        if (i == bestStart) {
          sb.append("::");
          i += bestLen - 1;
          continue;
        }
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
          sb.append(':');
        }
        sb.append(Integer.toHexString(g[i]));
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      return text;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cidr c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
      return text.hashCode();
    }
  }
}
