package com.englog.examples.worker;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's settings, read once from environment variables. Every variable is optional; a value
 * that cannot be used stops the start with a message naming the variable, rather than running with a
 * surprise.
 */
final class WorkerConfig {

  static final String SERVICE_NAME = "englog-worker";

  static final String BIND = "ENGLOG_EXAMPLE_BIND";
  static final String PORT = "ENGLOG_EXAMPLE_PORT";
  static final String METRICS_TOKEN_FILE = "ENGLOG_EXAMPLE_METRICS_TOKEN_FILE";
  static final String REDIS_URL = "ENGLOG_EXAMPLE_REDIS_URL";
  static final String REDIS_PASSWORD_FILE = "ENGLOG_EXAMPLE_REDIS_PASSWORD_FILE";
  static final String AI_URL = "ENGLOG_EXAMPLE_AI_URL";
  static final String DRAIN_SECONDS = "ENGLOG_EXAMPLE_DRAIN_SECONDS";
  static final String WORKER_THREADS = "ENGLOG_EXAMPLE_WORKER_THREADS";
  static final String QUEUE_CAPACITY = "ENGLOG_EXAMPLE_WORKER_QUEUE_CAPACITY";
  static final String OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
  static final String OTLP_TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

  private final String bind;
  private final int port;
  private final Optional<Path> metricsTokenFile;
  private final Optional<URI> redisUrl;
  private final Optional<Path> redisPasswordFile;
  private final URI aiUrl;
  private final Duration drainTime;
  private final int workerThreads;
  private final int queueCapacity;
  private final boolean exportSpans;

  private WorkerConfig(Map<String, String> env) {
    bind = text(env, BIND).orElse("127.0.0.1");
    port = number(env, PORT, 8081, 0, 65535);
    metricsTokenFile = text(env, METRICS_TOKEN_FILE).map(Path::of);
    redisUrl = text(env, REDIS_URL).map(WorkerConfig::redisUri);
    redisPasswordFile = text(env, REDIS_PASSWORD_FILE).map(Path::of);
    aiUrl = httpUri(AI_URL, text(env, AI_URL).orElse("http://127.0.0.1:8090"));
    drainTime = Duration.ofSeconds(number(env, DRAIN_SECONDS, 10, 0, 600));
    workerThreads = number(env, WORKER_THREADS, 4, 1, 64);
    queueCapacity = number(env, QUEUE_CAPACITY, 100, 1, 10_000);
    // Without a collector to send to, exporting would only fill the log with export failures.
    exportSpans = text(env, OTLP_ENDPOINT).isPresent() || text(env, OTLP_TRACES_ENDPOINT).isPresent();
  }

  /** The settings in {@code env} (normally {@code System.getenv()}). */
  static WorkerConfig from(Map<String, String> env) {
    return new WorkerConfig(env);
  }

  String bind() {
    return bind;
  }

  int port() {
    return port;
  }

  /** The bearer token file for {@code /metrics}; empty means "generate one". */
  Optional<Path> metricsTokenFile() {
    return metricsTokenFile;
  }

  /** Where jobs come from: a Redis list when set, else only the HTTP hand-off. */
  Optional<URI> redisUrl() {
    return redisUrl;
  }

  Optional<Path> redisPasswordFile() {
    return redisPasswordFile;
  }

  URI aiUrl() {
    return aiUrl;
  }

  /** How long jobs in flight get to finish after SIGTERM. */
  Duration drainTime() {
    return drainTime;
  }

  int workerThreads() {
    return workerThreads;
  }

  /** Jobs waiting for a worker thread; the HTTP hand-off answers 503 beyond it. */
  int queueCapacity() {
    return queueCapacity;
  }

  boolean exportSpans() {
    return exportSpans;
  }

  /**
   * The effective configuration, as printed at start: file paths and URLs, never a secret (a
   * password in the Redis URL is masked).
   */
  Map<String, Object> describe(Path tokenFile) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bind", bind);
    out.put("port", port);
    out.put("metrics_token_file", tokenFile.toString() + (metricsTokenFile.isEmpty() ? " (generated)" : ""));
    out.put("jobs_from", redisUrl.map(u -> "redis " + masked(u) + " list " + RedisJobConsumer.QUEUE_KEY)
        .orElse("HTTP hand-off (POST /jobs)"));
    out.put("redis_password_file", redisPasswordFile.map(Path::toString).orElse("unset"));
    out.put("ai_url", aiUrl.toString());
    out.put("drain_seconds", drainTime.toSeconds());
    out.put("worker_threads", workerThreads);
    out.put("queue_capacity", queueCapacity);
    out.put("span_export", exportSpans ? "OTLP (OTEL_* settings)" : "off (OTEL_EXPORTER_OTLP_ENDPOINT unset)");
    return out;
  }

  /** The URL without user info: {@code redis://:secret@host:6379} prints as {@code redis://***@host:6379}. */
  static String masked(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri.toString();
    }
    return uri.getScheme() + "://***@" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  private static Optional<String> text(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static int number(Map<String, String> env, String name, int fallback, int min, int max) {
    Optional<String> value = text(env, name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.get());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + " must be a whole number in [" + min + ", " + max + "], got '" + value.get() + "'");
  }

  private static URI redisUri(String value) {
    try {
      URI uri = new URI(value);
      if ("redis".equals(uri.getScheme()) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below, without the value: it may hold a password
    }
    throw new IllegalArgumentException(REDIS_URL + " must look like redis://host:port");
  }

  private static URI httpUri(String name, String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be an http:// or https:// URL, got '" + value + "'");
  }
}
