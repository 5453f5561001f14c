package com.englog.observability.benchmarks;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recording one event with label values that already have a series, four ways, in one run:
 *
 * <ul>
 *   <li>{@code *_englog}: the {@code Metrics.*} facade call (label lookup + the Micrometer meter);
 *   <li>{@code *_micrometerCached}: the same Micrometer meter held in a field (the floor: no lookup);
 *   <li>{@code *_micrometerLookup}: Micrometer's per-call {@code registry.counter/timer(name, tags…)};
 *   <li>{@code *_prometheusLabelValues}: prometheus-metrics-core's {@code labelValues(…)} call.
 * </ul>
 *
 * <p>Counters: {@code recordCacheHit} (2 labels), {@code recordUserSession} (1 label). Histograms:
 * {@code recordHttpRequest} (a histogram and a counter with status code), {@code recordDatabaseQuery}.
 * Targets: facade ≤ 1.5× cached Micrometer, ≥ 3× faster than the per-call lookup, 0 B/op
 * ({@code -prof gc}, {@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class MetricsRecordingBenchmark {

  static final List<Double> HTTP_BUCKETS = EnglogMetrics.HTTP_DURATION_BUCKETS;
  static final List<Double> DB_BUCKETS = EnglogMetrics.DB_QUERY_BUCKETS;

  // Label values come from fields so the JIT cannot fold them into constants.
  String cacheType = "redis";
  String keyPattern = "user:*";
  String authMethod = "password";
  String method = "GET";
  String route = "/api/v1/journals/{id}";
  int status = 200;
  String operation = "select";
  String table = "journals";
  Duration httpDuration = Duration.ofMillis(42);
  Duration queryDuration = Duration.ofMillis(3);

  EnglogMetrics englog;

  PrometheusMeterRegistry micrometer;
  Counter cachedCacheHits;
  Counter cachedSessions;
  Timer cachedHttpDuration;
  Counter cachedHttpRequests;
  Timer cachedQueryDuration;

  PrometheusRegistry prometheus;
  io.prometheus.metrics.core.metrics.Counter promCacheHits;
  io.prometheus.metrics.core.metrics.Counter promSessions;
  Histogram promHttpDuration;
  io.prometheus.metrics.core.metrics.Counter promHttpRequests;
  Histogram promQueryDuration;

  @Setup(Level.Trial)
  public void setUp() {
    englog = EnglogMetrics.builder().jvmMetrics(false).build();
    Metrics.setDefault(englog);
    Metrics.recordCacheHit(cacheType, keyPattern);
    Metrics.recordUserSession(authMethod);
    Metrics.recordHttpRequest(method, route, status, httpDuration);
    Metrics.recordDatabaseQuery(operation, table, queryDuration);

    micrometer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    cachedCacheHits = micrometer.counter("englog_cache_hits", "cache_type", cacheType,
        "key_pattern", keyPattern);
    cachedSessions = micrometer.counter("englog_users_sessions", "auth_method", authMethod);
    cachedHttpDuration = Timer.builder("englog_http_request_duration_seconds")
        .tags("method", method, "endpoint", route)
        .serviceLevelObjectives(durations(HTTP_BUCKETS)).register(micrometer);
    cachedHttpRequests = micrometer.counter("englog_http_requests", "method", method,
        "endpoint", route, "status_code", Integer.toString(status));
    cachedQueryDuration = Timer.builder("englog_database_query_duration_seconds")
        .tags("operation", operation, "table", table)
        .serviceLevelObjectives(durations(DB_BUCKETS)).register(micrometer);

    prometheus = new PrometheusRegistry();
    promCacheHits = io.prometheus.metrics.core.metrics.Counter.builder().name("englog_cache_hits")
        .help("h").labelNames("cache_type", "key_pattern").withoutExemplars().register(prometheus);
    promSessions = io.prometheus.metrics.core.metrics.Counter.builder().name("englog_users_sessions")
        .help("h").labelNames("auth_method").withoutExemplars().register(prometheus);
    promHttpDuration = Histogram.builder().name("englog_http_request_duration_seconds").help("h")
        .labelNames("method", "endpoint").classicOnly().classicUpperBounds(array(HTTP_BUCKETS))
        .withoutExemplars().register(prometheus);
    promHttpRequests = io.prometheus.metrics.core.metrics.Counter.builder().name("englog_http_requests")
        .help("h").labelNames("method", "endpoint", "status_code").withoutExemplars()
        .register(prometheus);
    promQueryDuration = Histogram.builder().name("englog_database_query_duration_seconds").help("h")
        .labelNames("operation", "table").classicOnly().classicUpperBounds(array(DB_BUCKETS))
        .withoutExemplars().register(prometheus);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    englog.close();
    micrometer.close();
  }

  static Duration[] durations(List<Double> seconds) {
    Duration[] d = new Duration[seconds.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = Duration.ofNanos(Math.round(seconds.get(i) * 1e9));
    }
    return d;
  }

  static double[] array(List<Double> values) {
    double[] a = new double[values.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = values.get(i);
    }
    return a;
  }

  // ------------------------------------------------------------ counter, 2 labels: recordCacheHit

  @Benchmark
  public void cacheHit_englog() {
    Metrics.recordCacheHit(cacheType, keyPattern);
  }

  @Benchmark
  public void cacheHit_micrometerCached() {
    cachedCacheHits.increment();
  }

  @Benchmark
  public void cacheHit_micrometerLookup() {
    micrometer.counter("englog_cache_hits", "cache_type", cacheType, "key_pattern", keyPattern)
        .increment();
  }

  @Benchmark
  public void cacheHit_prometheusLabelValues() {
    promCacheHits.labelValues(cacheType, keyPattern).inc();
  }

  // ------------------------------------------------------------ counter, 1 label: recordUserSession

  @Benchmark
  public void userSession_englog() {
    Metrics.recordUserSession(authMethod);
  }

  @Benchmark
  public void userSession_micrometerCached() {
    cachedSessions.increment();
  }

  @Benchmark
  public void userSession_micrometerLookup() {
    micrometer.counter("englog_users_sessions", "auth_method", authMethod).increment();
  }

  @Benchmark
  public void userSession_prometheusLabelValues() {
    promSessions.labelValues(authMethod).inc();
  }

  // ------------------------------------------------------------ histogram + counter: recordHttpRequest

  @Benchmark
  public void httpRequest_englog() {
    Metrics.recordHttpRequest(method, route, status, httpDuration);
  }

  @Benchmark
  public void httpRequest_micrometerCached() {
    cachedHttpDuration.record(httpDuration);
    cachedHttpRequests.increment();
  }

  @Benchmark
  public void httpRequest_micrometerLookup() {
    micrometer.timer("englog_http_request_duration_seconds", "method", method, "endpoint", route)
        .record(httpDuration);
    micrometer.counter("englog_http_requests", "method", method, "endpoint", route,
        "status_code", Integer.toString(status)).increment();
  }

  @Benchmark
  public void httpRequest_prometheusLabelValues() {
    promHttpDuration.labelValues(method, route).observe(httpDuration.toNanos() / 1e9);
    promHttpRequests.labelValues(method, route, Integer.toString(status)).inc();
  }

  // ------------------------------------------------------------ histogram: recordDatabaseQuery

  @Benchmark
  public void databaseQuery_englog() {
    Metrics.recordDatabaseQuery(operation, table, queryDuration);
  }

  @Benchmark
  public void databaseQuery_micrometerCached() {
    cachedQueryDuration.record(queryDuration);
  }

  @Benchmark
  public void databaseQuery_micrometerLookup() {
    micrometer.timer("englog_database_query_duration_seconds", "operation", operation, "table", table)
        .record(queryDuration);
  }

  @Benchmark
  public void databaseQuery_prometheusLabelValues() {
    promQueryDuration.labelValues(operation, table).observe(queryDuration.toNanos() / 1e9);
  }
}
