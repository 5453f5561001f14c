package com.englog.observability.metrics;

import com.englog.observability.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

import com.englog.observability.testsupport.Exposition;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Histogram series: the _max window, bucket edges, and the Micrometer fallback for other registries. */
class HistogramTest {

  private static double max(EnglogMetrics m) {
    return Exposition.parse(m.scrapeHandler().handle(null).bodyText())
        .family("englog_database_query_duration_seconds_max")
        .value("englog_database_query_duration_seconds_max", Map.of("operation", "select", "table", "t"));
  }

  @Test
  void maxCoversTheLastOneToTwoMinutesAndNeedsNoClockWhenRecording() {
    MutableClock clock = new MutableClock(Instant.EPOCH);
    try (EnglogMetrics m = EnglogMetrics.builder().clock(clock).jvmMetrics(false).build()) {
      m.recordDatabaseQuery("select", "t", Duration.ofSeconds(5));
      assertThat(max(m)).isEqualTo(5.0);
      clock.advance(Duration.ofSeconds(61));
      assertThat(max(m)).isEqualTo(5.0);   // read, then a new window starts
      m.recordDatabaseQuery("select", "t", Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(61));
      assertThat(max(m)).isEqualTo(5.0);   // the previous window still holds 5
      assertThat(max(m)).isEqualTo(1.0);   // 5 has aged out
      clock.advance(Duration.ofSeconds(61));
      max(m);
      assertThat(max(m)).isZero();
    }
  }

  @Test
  void aRequestCountedWithoutItsDurationAddsToTheCounterAndLeavesTheHistogramAlone() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.recordHttpRequest("GET", "/events", 200, Duration.ofMillis(40));
      m.recordHttpRequestCount("GET", "/events", 200);
      m.recordHttpRequestCount("get", "/events", 200);
      m.recordHttpRequestCount("BREW", "/events", 700);
      Exposition.Family requests = Exposition.parse(m.scrapeHandler().handle(null).bodyText())
          .family("englog_http_requests_total");
      assertThat(requests.value("englog_http_requests_total",
          Map.of("method", "GET", "endpoint", "/events", "status_code", "200"))).isEqualTo(3);
      assertThat(requests.value("englog_http_requests_total",
          Map.of("method", "OTHER", "endpoint", "/events", "status_code", "other"))).isEqualTo(1);
      Exposition.Family duration = Exposition.parse(m.scrapeHandler().handle(null).bodyText())
          .family("englog_http_request_duration_seconds");
      assertThat(duration.value("englog_http_request_duration_seconds_count",
          Map.of("method", "GET", "endpoint", "/events"))).isEqualTo(1);
      assertThat(duration.value("englog_http_request_duration_seconds_sum",
          Map.of("method", "GET", "endpoint", "/events"))).isEqualTo(0.04);
      assertThat(duration.value("englog_http_request_duration_seconds_count",
          Map.of("method", "OTHER", "endpoint", "/events"))).isZero();
    }
  }

  @Test
  void aValueOnABucketBoundIsCountedInThatBucket() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.recordDatabaseQuery("select", "t", Duration.ofMillis(5));
      m.recordDatabaseQuery("select", "t", Duration.ofNanos(5_000_001));
      Exposition.Family f = Exposition.parse(m.scrapeHandler().handle(null).bodyText())
          .family("englog_database_query_duration_seconds");
      assertThat(f.value("englog_database_query_duration_seconds_bucket",
          Map.of("operation", "select", "table", "t", "le", "0.005"))).isEqualTo(1);
      assertThat(f.value("englog_database_query_duration_seconds_bucket",
          Map.of("operation", "select", "table", "t", "le", "0.01"))).isEqualTo(2);
    }
  }

  private static double dbSample(EnglogMetrics m, String sample, Map<String, String> extra) {
    Map<String, String> labels = new HashMap<>(Map.of("operation", "select", "table", "t"));
    labels.putAll(extra);
    return Exposition.parse(m.scrapeHandler().handle(null).bodyText())
        .family(sample.endsWith("_max") ? sample : "englog_database_query_duration_seconds")
        .value(sample, labels);
  }

  @Test
  void anAbsurdDurationIsRecordedAsTheMaximumInSumMaxAndTheInfBucket() {
    double year = EnglogMetrics.MAX_RECORDED_DURATION.getSeconds();
    assertThat(year).isEqualTo(365 * 86_400.0);
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.recordDatabaseQuery("select", "t", Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
      assertThat(dbSample(m, "englog_database_query_duration_seconds_sum", Map.of())).isEqualTo(year);
      assertThat(dbSample(m, "englog_database_query_duration_seconds_max", Map.of())).isEqualTo(year);
      assertThat(dbSample(m, "englog_database_query_duration_seconds_bucket", Map.of("le", "5.0")))
          .isZero();
      assertThat(dbSample(m, "englog_database_query_duration_seconds_bucket", Map.of("le", "+Inf")))
          .isEqualTo(1);
      m.recordDatabaseQuery("select", "t", Duration.ofDays(400));
      assertThat(dbSample(m, "englog_database_query_duration_seconds_sum", Map.of()))
          .isEqualTo(2 * year);
    }
  }

  @Test
  void theSumNeverWrapsNorGoesDownPastTheRangeOfALong() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      double previous = 0;
      // 300 clamped years are more nanoseconds than a long holds (about 292 years).
      for (int i = 1; i <= 300; i++) {
        m.recordDatabaseQuery("select", "t", Duration.ofSeconds(Long.MAX_VALUE));
        if (i % 50 == 0 || i == 1 || i == 2) {
          double sum = dbSample(m, "englog_database_query_duration_seconds_sum", Map.of());
          assertThat(sum).as("sum after %d recordings", i).isGreaterThan(previous);
          previous = sum;
        }
      }
      m.recordDatabaseQuery("select", "t", Duration.ofMillis(1));
      double sum = dbSample(m, "englog_database_query_duration_seconds_sum", Map.of());
      assertThat(sum).isGreaterThanOrEqualTo(previous)
          .isCloseTo(300 * 365 * 86_400.0, withPercentage(1e-9));
      assertThat(dbSample(m, "englog_database_query_duration_seconds_count", Map.of())).isEqualTo(301);
    }
  }

  @Test
  void otherRegistriesGetTheSameClampOnAbsurdDurations() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (EnglogMetrics m = EnglogMetrics.builder().registry(registry).jvmMetrics(false).build()) {
      m.recordDatabaseQuery("select", "t", Duration.ofSeconds(Long.MAX_VALUE));
      Timer t = registry.find("englog_database_query_duration_seconds").timer();
      assertThat(t.totalTime(TimeUnit.SECONDS)).isEqualTo(365 * 86_400.0);
      assertThat(t.max(TimeUnit.SECONDS)).isEqualTo(365 * 86_400.0);
    }
  }

  @Test
  void twoInstancesOnOneRegistryShareTheirHistogramsAndTheScrapeStaysValid() {
    PrometheusMeterRegistry shared = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (EnglogMetrics a = EnglogMetrics.builder().registry(shared).jvmMetrics(false).build();
        EnglogMetrics b = EnglogMetrics.builder().registry(shared).jvmMetrics(false).build()) {
      a.recordDatabaseQuery("select", "t", Duration.ofMillis(3));
      b.recordDatabaseQuery("select", "t", Duration.ofMillis(3));
      a.recordCacheHit("redis", "user:*");
      b.recordCacheHit("redis", "user:*");
      ScrapeHandler.Response r = a.scrapeHandler().handle(null);
      assertThat(r.status()).isEqualTo(200);
      Exposition e = Exposition.parse(r.bodyText());
      assertThat(e.family("englog_database_query_duration_seconds").value(
          "englog_database_query_duration_seconds_count", Map.of("operation", "select", "table", "t")))
          .isEqualTo(2);
      assertThat(e.family("englog_cache_hits_total").value("englog_cache_hits_total",
          Map.of("cache_type", "redis", "key_pattern", "user:*"))).isEqualTo(2);
      a.timer("englog_render_seconds").help("Render.").register();
      assertThatThrownBy(
              () -> a.gauge("englog_render_seconds_max").help("x").register())
          .hasMessageContaining("already registered");
    }
  }

  @Test
  void otherRegistriesGetMicrometerTimersWithTheSameBuckets() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (EnglogMetrics m = EnglogMetrics.builder().registry(registry).jvmMetrics(false).build()) {
      m.recordHttpRequest("GET", "/a", 200, Duration.ofMillis(30));
      m.recordDatabaseQuery("select", "t", Duration.ofMillis(3));
      CustomTimer t = m.timer("englog_render_seconds").help("Render.").register();
      t.record(Duration.ofSeconds(1));

      Timer http = registry.find("englog_http_request_duration_seconds").tag("method", "GET").timer();
      assertThat(http).isNotNull();
      assertThat(http.count()).isEqualTo(1);
      assertThat(http.takeSnapshot().histogramCounts()).hasSize(EnglogMetrics.HTTP_DURATION_BUCKETS.size());
      assertThat(registry.find("englog_database_query_duration_seconds").timer().count()).isEqualTo(1);
      assertThat(registry.find("englog_render_seconds").timer().count()).isEqualTo(1);
      assertThat(registry.find("englog_http_requests").tag("status_code", "200").counter().count())
          .isEqualTo(1);
    }
  }
}
