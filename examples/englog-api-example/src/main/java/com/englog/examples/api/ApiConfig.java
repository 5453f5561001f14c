package com.englog.examples.api;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything the API reads from its environment, read once at start. Every variable is optional; the
 * defaults run the service alone on a laptop (H2 in memory, in-process cache, HTTP hand-off to a worker
 * on port 8081). {@link #describe()} is what the service prints at start, secrets masked.
 */
public final class ApiConfig {

  /** Service name: {@code service.name} of the spans and the {@code service} field of the log lines. */
  public static final String SERVICE_NAME = "englog-api";

  private static final Pattern URL_SECRET = Pattern.compile("(?i)(password|secret|token)=[^&;]*");

  private final String bind;
  private final int port;
  private final Optional<Path> metricsTokenFile;
  private final Optional<URI> redisUrl;
  private final Optional<Path> redisPasswordFile;
  private final URI aiUrl;
  private final URI workerUrl;
  private final Duration drain;
  private final Optional<String> jdbcUrl;
  private final String jdbcUser;
  private final Optional<Path> jdbcPasswordFile;
  private final Optional<Path> userTokensFile;
  private final Map<String, String> tracingProperties;

  private ApiConfig(Map<String, String> env) {
    this.bind = env.getOrDefault("ENGLOG_EXAMPLE_BIND", "127.0.0.1");
    this.port = intValue(env, "ENGLOG_EXAMPLE_PORT", 8080);
    this.metricsTokenFile = path(env, "ENGLOG_EXAMPLE_METRICS_TOKEN_FILE");
    this.redisUrl = optional(env, "ENGLOG_EXAMPLE_REDIS_URL").map(URI::create);
    this.redisPasswordFile = path(env, "ENGLOG_EXAMPLE_REDIS_PASSWORD_FILE");
    this.aiUrl = URI.create(env.getOrDefault("ENGLOG_EXAMPLE_AI_URL", "http://127.0.0.1:8090"));
    this.workerUrl = URI.create(env.getOrDefault("ENGLOG_EXAMPLE_WORKER_URL", "http://127.0.0.1:8081"));
    this.drain = Duration.ofSeconds(intValue(env, "ENGLOG_EXAMPLE_DRAIN_SECONDS", 10));
    this.jdbcUrl = optional(env, "ENGLOG_EXAMPLE_JDBC_URL");
    this.jdbcUser = env.getOrDefault("ENGLOG_EXAMPLE_JDBC_USER", "englog");
    this.jdbcPasswordFile = path(env, "ENGLOG_EXAMPLE_JDBC_PASSWORD_FILE");
    this.userTokensFile = path(env, "ENGLOG_EXAMPLE_USER_TOKENS_FILE");
    this.tracingProperties = tracingProperties(env);
    if (redisUrl.isPresent() && !"redis".equals(redisUrl.get().getScheme())) {
      throw new IllegalArgumentException("ENGLOG_EXAMPLE_REDIS_URL must look like redis://host:port, was "
          + redisUrl.get());
    }
  }

  /** Reads the configuration from environment variables (pass {@code System.getenv()}). */
  public static ApiConfig fromEnvironment(Map<String, String> env) {
    return new ApiConfig(env);
  }

  public String bind() {
    return bind;
  }

  /** The listen port; 0 picks a free one (tests). */
  public int port() {
    return port;
  }

  public Optional<Path> metricsTokenFile() {
    return metricsTokenFile;
  }

  public Optional<URI> redisUrl() {
    return redisUrl;
  }

  public Optional<Path> redisPasswordFile() {
    return redisPasswordFile;
  }

  public URI aiUrl() {
    return aiUrl;
  }

  public URI workerUrl() {
    return workerUrl;
  }

  /** How long in-flight requests get to finish at shutdown. */
  public Duration drain() {
    return drain;
  }

  /** PostgreSQL JDBC URL; empty means H2 in memory. */
  public Optional<String> jdbcUrl() {
    return jdbcUrl;
  }

  public String jdbcUser() {
    return jdbcUser;
  }

  public Optional<Path> jdbcPasswordFile() {
    return jdbcPasswordFile;
  }

  public Optional<Path> userTokensFile() {
    return userTokensFile;
  }

  /**
   * OpenTelemetry settings for {@code Tracing.builder().property(…)}: the OTLP endpoint when one is
   * configured, else {@code otel.traces.exporter=none}. Spans are then still recorded (trace ids in every
   * log line and exemplar, context passed to the services we call) but sent nowhere, instead of failing
   * every few seconds against a collector that is not there. {@code OTEL_*} variables still win.
   */
  public Map<String, String> tracingProperties() {
    return tracingProperties;
  }

  /** {@link #tracingProperties()} for any service of the example, from its environment. */
  public static Map<String, String> tracingProperties(Map<String, String> env) {
    Optional<String> traces = optional(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if (traces.isPresent()) {
      return Map.of("otel.exporter.otlp.traces.endpoint", traces.get());
    }
    Optional<String> base = optional(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
    if (base.isPresent()) {
      return Map.of("otel.exporter.otlp.endpoint", base.get());
    }
    return Map.of("otel.traces.exporter", "none");
  }

  /**
   * The effective configuration, one entry per setting, for the start-up log: file paths rather than
   * their contents, and passwords or tokens inside URLs masked.
   */
  public Map<String, String> describe() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("bind", bind);
    d.put("port", Integer.toString(port));
    d.put("metrics_token_file", metricsTokenFile.map(Path::toString).orElse("(generated at start)"));
    d.put("storage", jdbcUrl.map(ApiConfig::mask).orElse("H2 in memory (PostgreSQL mode)"));
    d.put("jdbc_user", jdbcUser);
    d.put("jdbc_password_file", jdbcPasswordFile.map(Path::toString).orElse("(none)"));
    d.put("redis", redisUrl.map(u -> mask(u.toString())).orElse("(none: in-process cache, HTTP hand-off)"));
    d.put("redis_password_file", redisPasswordFile.map(Path::toString).orElse("(none)"));
    d.put("ai_url", mask(aiUrl.toString()));
    d.put("worker_url", mask(workerUrl.toString()));
    d.put("drain_seconds", Long.toString(drain.toSeconds()));
    d.put("user_tokens_file", userTokensFile.map(Path::toString).orElse("(built-in demo tokens)"));
    tracingProperties.forEach((key, value) -> d.put(key, mask(value)));
    return d;
  }

  /** Hides user info ({@code user:password@}) and password-like query parameters of a URL. */
  static String mask(String url) {
    String masked = url.replaceAll("//[^/@]*@", "//***@");
    return URL_SECRET.matcher(masked).replaceAll("$1=***");
  }

  private static Optional<String> optional(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  private static Optional<Path> path(Map<String, String> env, String name) {
    return optional(env, name).map(Path::of);
  }

  private static int intValue(Map<String, String> env, String name, int defaultValue) {
    Optional<String> value = optional(env, name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.get());
      if (parsed < 0) {
        throw new NumberFormatException("negative");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a non-negative integer, was '" + value.get() + "'", e);
    }
  }
}
