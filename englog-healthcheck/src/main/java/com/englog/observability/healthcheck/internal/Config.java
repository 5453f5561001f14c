package com.englog.observability.healthcheck.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not public API. The health-check configuration: a YAML file with shared endpoints and checks and
 * per-environment profiles (variables, Prometheus, Slack), resolved for one profile. {@link ConfigFile}
 * binds the file; this class picks the profile, merges its sections over the shared ones, substitutes
 * variables and applies defaults, naming the path of whatever it rejects.
 */
public record Config(String profile, Prometheus prometheus, List<Endpoint> endpoints, List<MetricCheck> checks,
    Slack slack, double dependencyObjective, boolean slaPassOnNoData) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(10);
  public static final double DEFAULT_DEPENDENCY_OBJECTIVE = 0.99;
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  public Config {
    endpoints = List.copyOf(endpoints);
    checks = List.copyOf(checks);
  }

  /** Prometheus's base URL, query timeout, and where its bearer token comes from (optional). */
  public record Prometheus(URI url, Duration timeout, String bearerTokenFile, String bearerTokenEnv) {}

  /** One endpoint probe. */
  public record Endpoint(String name, URI url, int expectedStatus, Duration timeout, boolean critical) {}

  /** One PromQL check. */
  public record MetricCheck(String name, String query, Operator operator, double threshold, String unit,
      boolean passOnNoData, Duration timeout, boolean critical) {}

  /** Where the Slack webhook URL comes from, and when to post. */
  public record Slack(String webhookUrlFile, String webhookUrlEnv, boolean onlyOnFailure) {}

  /** How a PromQL check compares each returned value with its threshold. */
  public enum Operator {
    LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    /** {@code <}, {@code <=}, {@code >}, {@code >=}, {@code ==} or {@code !=}; MVP-024's {@code lt} and {@code gt} too. */
    @JsonCreator
    static Operator of(String text) {
      for (Operator o : values()) {
        if (o.symbol.equals(text) || o == LT && text.equals("lt") || o == GT && text.equals("gt")) {
          return o;
        }
      }
      throw new InvalidValue("must be one of <, <=, >, >=, ==, != (or lt, gt), was \"" + text + "\"");
    }

    /** As written in the configuration and the report. */
    public String symbol() {
      return symbol;
    }

    /** Whether {@code value operator threshold} holds. */
    public boolean holds(double value, double threshold) {
      switch (this) {
        case LT: return value < threshold;
        case LE: return value <= threshold;
        case GT: return value > threshold;
        case GE: return value >= threshold;
        case EQ: return value == threshold;
        default: return value != threshold;
      }
    }
  }

  /** {@code onNoData} of a check or of the SLA report. */
  public enum OnNoData {
    FAIL, PASS;

    @JsonCreator
    static OnNoData of(String text) {
      return oneOf(OnNoData.class, text);
    }
  }

  /** {@code slack.notify}: post after every run, or only after one that failed. */
  public enum Notify {
    ALWAYS, FAILURE;

    @JsonCreator
    static Notify of(String text) {
      return oneOf(Notify.class, text);
    }
  }

  /** A value the configuration does not allow; the message says what is allowed and the caller adds where. */
  static final class InvalidValue extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    InvalidValue(String message) {
      super(message);
    }
  }

  /** Reads {@code file} and resolves {@code profile} (null: the default profile). */
  public static Config load(Path file, String profile) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration " + file + ": " + e.getMessage());
    }
    return resolve(ConfigFile.read(text, file.toString()), profile);
  }

  static Config resolve(ConfigFile.Root root, String requestedProfile) throws ConfigException {
    Map<String, ConfigFile.Profile> profiles = root.profiles() == null ? Map.of() : root.profiles();
    String profile = requestedProfile;
    if (profile == null) {
      profile = root.defaultProfile() != null ? text(root.defaultProfile(), "defaultProfile")
          : profiles.size() == 1 ? profiles.keySet().iterator().next() : null;
    }
    ConfigFile.Profile p = new ConfigFile.Profile(null, null, null, null, null, null);
    if (profile != null) {
      if (!profiles.containsKey(profile)) {
        throw new ConfigException("no profile \"" + profile + "\" in the configuration; profiles: "
            + profiles.keySet());
      }
      if (profiles.get(profile) != null) {
        p = profiles.get(profile);
      }
    } else if (!profiles.isEmpty()) {
      throw new ConfigException("choose a profile with --profile; profiles: " + profiles.keySet());
    }
    String where = profile == null ? "" : "profiles." + profile + ".";
    Map<String, String> variables = new LinkedHashMap<>();
    if (p.variables() != null) {
      for (Map.Entry<String, String> v : p.variables().entrySet()) {
        variables.put(v.getKey(), v.getValue() == null ? "" : v.getValue());
      }
    }

    Prometheus prometheus = prometheus(root.prometheus(), p.prometheus(), where, variables);

    List<Endpoint> endpoints = new ArrayList<>();
    endpoints(root.endpoints(), "endpoints", variables, endpoints);
    endpoints(p.endpoints(), where + "endpoints", variables, endpoints);

    List<MetricCheck> checks = new ArrayList<>();
    checks(root.checks(), "checks", variables, checks);
    checks(p.checks(), where + "checks", variables, checks);
    if (!checks.isEmpty() && prometheus == null) {
      throw new ConfigException("checks need prometheus.url");
    }

    Slack slack = slack(root.slack(), p.slack(), where);

    ConfigFile.SlaSection shared = root.sla() == null ? new ConfigFile.SlaSection(null, null) : root.sla();
    ConfigFile.SlaSection own = p.sla() == null ? new ConfigFile.SlaSection(null, null) : p.sla();
    Double objective = first(own.dependencyObjective(), shared.dependencyObjective());
    double dependencyObjective = objective == null ? DEFAULT_DEPENDENCY_OBJECTIVE : objective;
    if (!(dependencyObjective > 0 && dependencyObjective <= 1)) {
      throw new ConfigException(at(own.dependencyObjective(), where, "sla.dependencyObjective")
          + " must be in (0, 1], was " + dependencyObjective);
    }
    return new Config(profile == null ? "default" : profile, prometheus, endpoints, checks, slack,
        dependencyObjective, first(own.onNoData(), shared.onNoData()) == OnNoData.PASS);
  }

  private static Prometheus prometheus(ConfigFile.PrometheusSection shared, ConfigFile.PrometheusSection own,
      String where, Map<String, String> variables) throws ConfigException {
    ConfigFile.PrometheusSection none = new ConfigFile.PrometheusSection(null, null, null, null);
    shared = shared == null ? none : shared;
    own = own == null ? none : own;
    if (shared.equals(none) && own.equals(none)) {
      return null;
    }
    String url = at(own.url(), where, "prometheus.url");
    Duration timeout = first(own.timeout(), shared.timeout());
    return new Prometheus(uri(substitute(text(first(own.url(), shared.url()), url), variables, url), url),
        timeout == null ? DEFAULT_QUERY_TIMEOUT : timeout,
        optionalText(first(own.bearerTokenFile(), shared.bearerTokenFile()),
            at(own.bearerTokenFile(), where, "prometheus.bearerTokenFile")),
        optionalText(first(own.bearerTokenEnv(), shared.bearerTokenEnv()),
            at(own.bearerTokenEnv(), where, "prometheus.bearerTokenEnv")));
  }

  private static void endpoints(List<ConfigFile.EndpointEntry> entries, String list, Map<String, String> variables,
      List<Endpoint> into) throws ConfigException {
    for (int i = 0; entries != null && i < entries.size(); i++) {
      String at = list + "[" + i + "]";
      ConfigFile.EndpointEntry e = entry(entries.get(i), at);
      int status = e.expectedStatus() == null ? 200 : e.expectedStatus();
      if (status < 100 || status > 599) {
        throw new ConfigException(at + ".expectedStatus must be between 100 and 599, was " + status);
      }
      into.add(new Endpoint(text(e.name(), at + ".name"),
          uri(substitute(text(e.url(), at + ".url"), variables, at + ".url"), at + ".url"), status,
          e.timeout() == null ? DEFAULT_TIMEOUT : e.timeout(), e.critical() == null || e.critical()));
    }
  }

  private static void checks(List<ConfigFile.CheckEntry> entries, String list, Map<String, String> variables,
      List<MetricCheck> into) throws ConfigException {
    for (int i = 0; entries != null && i < entries.size(); i++) {
      String at = list + "[" + i + "]";
      ConfigFile.CheckEntry c = entry(entries.get(i), at);
      if (c.operator() == null) {
        throw new ConfigException(at + ".operator is required: one of <, <=, >, >=, ==, != (or lt, gt)");
      }
      if (c.threshold() == null) {
        throw new ConfigException(at + ".threshold is required: a number");
      }
      if (!Double.isFinite(c.threshold())) {
        throw new ConfigException(at + ".threshold must be finite, was " + c.threshold());
      }
      into.add(new MetricCheck(text(c.name(), at + ".name"),
          substitute(text(c.query(), at + ".query"), variables, at + ".query"), c.operator(), c.threshold(),
          c.unit() == null ? "" : text(c.unit(), at + ".unit"), c.onNoData() == OnNoData.PASS,
          c.timeout() == null ? DEFAULT_QUERY_TIMEOUT : c.timeout(), c.critical() == null || c.critical()));
    }
  }

  private static Slack slack(ConfigFile.SlackSection shared, ConfigFile.SlackSection own, String where)
      throws ConfigException {
    ConfigFile.SlackSection none = new ConfigFile.SlackSection(null, null, null);
    shared = shared == null ? none : shared;
    own = own == null ? none : own;
    if (shared.equals(none) && own.equals(none)) {
      return null;
    }
    Slack slack = new Slack(optionalText(first(own.webhookUrlFile(), shared.webhookUrlFile()),
            at(own.webhookUrlFile(), where, "slack.webhookUrlFile")),
        optionalText(first(own.webhookUrlEnv(), shared.webhookUrlEnv()), at(own.webhookUrlEnv(), where, "slack.webhookUrlEnv")),
        first(own.when(), shared.when()) == Notify.FAILURE);
    if (slack.webhookUrlFile() == null && slack.webhookUrlEnv() == null) {
      throw new ConfigException("slack needs webhookUrlFile or webhookUrlEnv");
    }
    return slack;
  }

  // ---- values, with messages that name the path ----------------------------------------------

  private static <T> T entry(T entry, String at) throws ConfigException {
    if (entry == null) {
      throw new ConfigException(at + " must be a mapping");
    }
    return entry;
  }

  /** The profile's value where it has one, else the shared one. */
  private static <T> T first(T own, T shared) {
    return own != null ? own : shared;
  }

  /** The path of a merged value: in the profile when the profile sets it, else at the top level. */
  private static String at(Object own, String where, String key) {
    return own != null ? where + key : key;
  }

  private static String text(String s, String at) throws ConfigException {
    if (s == null) {
      throw new ConfigException(at + " is required");
    }
    if (s.isBlank()) {
      throw new ConfigException(at + " must not be empty");
    }
    return s.strip();
  }

  private static String optionalText(String s, String at) throws ConfigException {
    return s == null ? null : text(s, at);
  }

  private static URI uri(String s, String at) throws ConfigException {
    try {
      URI u = URI.create(s);
      if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
        throw new ConfigException(at + " must be an http(s) URL with a host, was \"" + s + "\"");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at + " is not a valid URL: " + e.getMessage());
    }
  }

  /** The lower-case name of one of {@code type}'s constants. */
  private static <E extends Enum<E>> E oneOf(Class<E> type, String text) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      String name = e.name().toLowerCase(Locale.ROOT);
      if (name.equals(text)) {
        return e;
      }
      names.add(name);
    }
    throw new InvalidValue("must be " + String.join(" or ", names) + ", was \"" + text + "\"");
  }

  /** "500ms", "5s", "2m", "1h", between 1 ms and 1 h. */
  static Duration duration(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw new InvalidValue("must be a duration like 500ms, 5s, 2m or 1h, was \"" + text + "\"");
    }
    long n = Long.parseLong(m.group(1));
    Duration d;
    switch (m.group(2)) {
      case "ms": d = Duration.ofMillis(n); break;
      case "s": d = Duration.ofSeconds(n); break;
      case "m": d = Duration.ofMinutes(n); break;
      default: d = Duration.ofHours(n);
    }
    if (d.isZero() || d.compareTo(Duration.ofHours(1)) > 0) {
      throw new InvalidValue("must be between 1 ms and 1 h, was \"" + text + "\"");
    }
    return d;
  }

  private static String substitute(String s, Map<String, String> variables, String at) throws ConfigException {
    Matcher m = VARIABLE.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      if (value == null) {
        throw new ConfigException(at + " uses ${" + m.group(1) + "}, which the profile does not define "
            + "(variables: " + variables.keySet() + ")");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
