package com.englog.observability.healthcheck.internal;

import java.io.IOException;
import java.io.Reader;
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
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Not public API. The health-check configuration: a YAML file with shared endpoints and checks and
 * per-environment profiles (variables, Prometheus, Slack), resolved for one profile.
 */
public record Config(String profile, Prometheus prometheus, List<Endpoint> endpoints, List<MetricCheck> checks,
    Slack slack, double dependencyObjective, boolean slaPassOnNoData) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(10);
  public static final double DEFAULT_DEPENDENCY_OBJECTIVE = 0.99;
  public static final Set<String> OPERATORS = Set.of("<", "<=", ">", ">=", "==", "!=");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Set<String> TOP_KEYS = Set.of("defaultProfile", "profiles", "prometheus", "endpoints",
      "checks", "slack", "sla");
  private static final Set<String> PROFILE_KEYS = Set.of("variables", "prometheus", "endpoints", "checks",
      "slack", "sla");

  public Config {
    endpoints = List.copyOf(endpoints);
    checks = List.copyOf(checks);
  }

  /** Prometheus's base URL, query timeout, and where its bearer token comes from (optional). */
  public record Prometheus(URI url, Duration timeout, String bearerTokenFile, String bearerTokenEnv) {}

  /** One endpoint probe. */
  public record Endpoint(String name, URI url, int expectedStatus, Duration timeout, boolean critical) {}

  /** One PromQL check. */
  public record MetricCheck(String name, String query, String operator, double threshold, String unit,
      boolean passOnNoData, Duration timeout, boolean critical) {}

  /** Where the Slack webhook URL comes from, and when to post. */
  public record Slack(String webhookUrlFile, String webhookUrlEnv, boolean onlyOnFailure) {}

  /** Reads {@code file} and resolves {@code profile} (null: the default profile). */
  public static Config load(Path file, String profile) throws ConfigException {
    Object root;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration " + file + ": " + e.getMessage());
    } catch (YAMLException e) {
      throw new ConfigException("configuration " + file + " is not valid YAML: " + e.getMessage());
    }
    return resolve(map(root, "the configuration file"), profile);
  }

  static Config resolve(Map<String, Object> root, String requestedProfile) throws ConfigException {
    unknownKeys(root, TOP_KEYS, "the top level");
    Map<String, Object> profiles = map(root.get("profiles"), "profiles");
    String profile = requestedProfile;
    if (profile == null) {
      profile = root.containsKey("defaultProfile") ? text(root.get("defaultProfile"), "defaultProfile")
          : profiles.size() == 1 ? profiles.keySet().iterator().next() : null;
    }
    Map<String, Object> p = Map.of();
    if (profile != null) {
      if (!profiles.containsKey(profile)) {
        throw new ConfigException("no profile \"" + profile + "\" in the configuration; profiles: "
            + profiles.keySet());
      }
      p = map(profiles.get(profile), "profiles." + profile);
      unknownKeys(p, PROFILE_KEYS, "profiles." + profile);
    } else if (!profiles.isEmpty()) {
      throw new ConfigException("choose a profile with --profile; profiles: " + profiles.keySet());
    }
    String where = profile == null ? "" : "profiles." + profile + ".";
    Map<String, String> variables = new LinkedHashMap<>();
    map(p.get("variables"), where + "variables").forEach((k, v) -> variables.put(k, String.valueOf(v)));

    Map<String, Object> prom = section(root, p, "prometheus", where,
        Set.of("url", "timeout", "bearerTokenFile", "bearerTokenEnv"));
    Prometheus prometheus = prom.isEmpty() ? null : new Prometheus(
        uri(substitute(text(prom.get("url"), "prometheus.url"), variables, "prometheus.url"), "prometheus.url"),
        durationOr(prom, "timeout", "prometheus", DEFAULT_QUERY_TIMEOUT),
        optionalText(prom.get("bearerTokenFile"), "prometheus.bearerTokenFile"),
        optionalText(prom.get("bearerTokenEnv"), "prometheus.bearerTokenEnv"));

    List<Endpoint> endpoints = new ArrayList<>();
    List<Object> endpointList = concatenated(root, p, "endpoints", where);
    for (int i = 0; i < endpointList.size(); i++) {
      String at = "endpoints[" + i + "]";
      Map<String, Object> e = map(endpointList.get(i), at);
      unknownKeys(e, Set.of("name", "url", "expectedStatus", "timeout", "critical"), at);
      int status = e.containsKey("expectedStatus") ? integer(e.get("expectedStatus"), at + ".expectedStatus") : 200;
      if (status < 100 || status > 599) {
        throw new ConfigException(at + ".expectedStatus must be between 100 and 599, was " + status);
      }
      endpoints.add(new Endpoint(text(e.get("name"), at + ".name"),
          uri(substitute(text(e.get("url"), at + ".url"), variables, at + ".url"), at + ".url"), status,
          durationOr(e, "timeout", at, DEFAULT_TIMEOUT), bool(e.getOrDefault("critical", true), at + ".critical")));
    }

    List<MetricCheck> checks = new ArrayList<>();
    List<Object> checkList = concatenated(root, p, "checks", where);
    for (int i = 0; i < checkList.size(); i++) {
      String at = "checks[" + i + "]";
      Map<String, Object> c = map(checkList.get(i), at);
      unknownKeys(c, Set.of("name", "query", "operator", "threshold", "unit", "onNoData", "timeout", "critical"), at);
      String op = text(c.get("operator"), at + ".operator");
      op = op.equals("lt") ? "<" : op.equals("gt") ? ">" : op;
      if (!OPERATORS.contains(op)) {
        throw new ConfigException(at + ".operator must be one of <, <=, >, >=, ==, != (or lt, gt), was \""
            + op + "\"");
      }
      boolean passOnNoData = passOnNoData(c, at);
      checks.add(new MetricCheck(text(c.get("name"), at + ".name"),
          substitute(text(c.get("query"), at + ".query"), variables, at + ".query"), op,
          number(c.get("threshold"), at + ".threshold"),
          c.containsKey("unit") ? text(c.get("unit"), at + ".unit") : "",
          passOnNoData, durationOr(c, "timeout", at, DEFAULT_QUERY_TIMEOUT),
          bool(c.getOrDefault("critical", true), at + ".critical")));
    }
    if (!checks.isEmpty() && prometheus == null) {
      throw new ConfigException("checks need prometheus.url");
    }

    Map<String, Object> slackMap = section(root, p, "slack", where,
        Set.of("webhookUrlFile", "webhookUrlEnv", "notify", "webhookUrl"));
    Slack slack = null;
    if (!slackMap.isEmpty()) {
      if (slackMap.containsKey("webhookUrl")) {
        throw new ConfigException("slack.webhookUrl is not allowed: the webhook URL is a secret; use "
            + "slack.webhookUrlFile or slack.webhookUrlEnv");
      }
      String notify = oneOf(slackMap.getOrDefault("notify", "always"), "slack.notify", "always", "failure");
      slack = new Slack(optionalText(slackMap.get("webhookUrlFile"), "slack.webhookUrlFile"),
          optionalText(slackMap.get("webhookUrlEnv"), "slack.webhookUrlEnv"), notify.equals("failure"));
      if (slack.webhookUrlFile() == null && slack.webhookUrlEnv() == null) {
        throw new ConfigException("slack needs webhookUrlFile or webhookUrlEnv");
      }
    }

    Map<String, Object> sla = section(root, p, "sla", where, Set.of("dependencyObjective", "onNoData"));
    double dependencyObjective = DEFAULT_DEPENDENCY_OBJECTIVE;
    if (sla.containsKey("dependencyObjective")) {
      dependencyObjective = number(sla.get("dependencyObjective"), "sla.dependencyObjective");
      if (!(dependencyObjective > 0 && dependencyObjective <= 1)) {
        throw new ConfigException("sla.dependencyObjective must be in (0, 1], was " + dependencyObjective);
      }
    }
    return new Config(profile == null ? "default" : profile, prometheus, endpoints, checks, slack,
        dependencyObjective, passOnNoData(sla, "sla"));
  }

  /** A section of the top level, overridden key by key by the profile's section of that name. */
  private static Map<String, Object> section(Map<String, Object> root, Map<String, Object> profile, String key,
      String where, Set<String> knownKeys) throws ConfigException {
    Map<String, Object> merged = new LinkedHashMap<>(map(root.get(key), key));
    merged.putAll(map(profile.get(key), where + key));
    unknownKeys(merged, knownKeys, key);
    return merged;
  }

  /** A list of the top level followed by the profile's list of that name. */
  private static List<Object> concatenated(Map<String, Object> root, Map<String, Object> profile, String key,
      String where) throws ConfigException {
    List<Object> all = new ArrayList<>(list(root.get(key), key));
    all.addAll(list(profile.get(key), where + key));
    return all;
  }

  // ---- typed access with messages that name the field ----------------------------------------

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String at) throws ConfigException {
    if (o == null) {
      return Map.of();
    }
    if (!(o instanceof Map)) {
      throw new ConfigException(at + " must be a mapping");
    }
    for (Object k : ((Map<Object, Object>) o).keySet()) {
      if (!(k instanceof String)) {
        throw new ConfigException(at + " has a non-text key: " + k);
      }
    }
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o, String at) throws ConfigException {
    if (o == null) {
      return List.of();
    }
    if (!(o instanceof List)) {
      throw new ConfigException(at + " must be a list");
    }
    return (List<Object>) o;
  }

  private static String text(Object o, String at) throws ConfigException {
    if (o == null) {
      throw new ConfigException(at + " is required");
    }
    if (o instanceof Map || o instanceof List) {
      throw new ConfigException(at + " must be text");
    }
    String s = o.toString().strip();
    if (s.isEmpty()) {
      throw new ConfigException(at + " must not be empty");
    }
    return s;
  }

  private static String optionalText(Object o, String at) throws ConfigException {
    return o == null ? null : text(o, at);
  }

  private static int integer(Object o, String at) throws ConfigException {
    if (!(o instanceof Integer)) {
      throw new ConfigException(at + " must be a whole number, was " + o);
    }
    return (Integer) o;
  }

  private static double number(Object o, String at) throws ConfigException {
    if (!(o instanceof Number)) {
      throw new ConfigException(at + " must be a number, was " + (o == null ? "missing" : "\"" + o + "\""));
    }
    double d = ((Number) o).doubleValue();
    if (!Double.isFinite(d)) {
      throw new ConfigException(at + " must be finite, was " + o);
    }
    return d;
  }

  private static boolean bool(Object o, String at) throws ConfigException {
    if (!(o instanceof Boolean)) {
      throw new ConfigException(at + " must be true or false, was " + o);
    }
    return (Boolean) o;
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

  private static String oneOf(Object o, String at, String... allowed) throws ConfigException {
    String s = text(o, at);
    if (!List.of(allowed).contains(s)) {
      throw new ConfigException(at + " must be " + String.join(" or ", allowed) + ", was \"" + s + "\"");
    }
    return s;
  }

  /** {@code onNoData} of a check or of the SLA report: fail (the default) or pass. */
  private static boolean passOnNoData(Map<String, Object> m, String at) throws ConfigException {
    return oneOf(m.getOrDefault("onNoData", "fail"), at + ".onNoData", "fail", "pass").equals("pass");
  }

  private static Duration durationOr(Map<String, Object> m, String key, String at, Duration otherwise)
      throws ConfigException {
    return m.containsKey(key) ? duration(m.get(key), at + "." + key) : otherwise;
  }

  /** "500ms", "5s", "2m", "1h". */
  public static Duration duration(Object o, String at) throws ConfigException {
    String s = o == null ? "" : o.toString().strip().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw new ConfigException(at + " must be a duration like 500ms, 5s, 2m or 1h, was \"" + o + "\"");
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
      throw new ConfigException(at + " must be between 1 ms and 1 h, was \"" + o + "\"");
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

  private static void unknownKeys(Map<String, Object> map, Set<String> known, String at) throws ConfigException {
    for (String k : map.keySet()) {
      if (!known.contains(k)) {
        throw new ConfigException("unknown key \"" + k + "\" in " + at + "; known keys: " + new java.util.TreeSet<>(known));
      }
    }
  }
}
