package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.englog.observability.testsupport.Exposition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Null, empty, huge, odd or out-of-set label values and durations never throw and never get lost. */
class BadLabelValuesTest {

  private final EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build();

  private Exposition scrape() {
    return Exposition.parse(m.scrapeHandler().handle(null).bodyText());
  }

  @Test
  void nullAndEmptyValuesBecomeUnknown() {
    m.recordCacheHit(null, "");
    m.recordCacheHit("", null);
    m.recordCacheHit("   ", "\t");
    assertThat(scrape().family("englog_cache_hits_total").value("englog_cache_hits_total",
        Map.of("cache_type", "unknown", "key_pattern", "unknown"))).isEqualTo(3);
  }

  @Test
  void hugeValuesAreCutAndDoNotKeepTheirInputAlive() {
    String huge = "/api/" + "x".repeat(1_000_000);
    for (int i = 0; i < 3; i++) {
      m.recordAccessDenied(huge);
    }
    Exposition.Family f = scrape().family("englog_security_access_denied_total");
    assertThat(f.samples).hasSize(1);
    String value = f.samples.get(0).labels().get("endpoint");
    assertThat(value).hasSize(EnglogMetrics.DEFAULT_MAX_LABEL_VALUE_LENGTH).startsWith("/api/xxx");
    assertThat(f.samples.get(0).value()).isEqualTo(3);
  }

  @Test
  void controlCharactersAndBrokenSurrogatesAreReplaced() {
    m.recordRateLimited("/a\u0000b\nc\u007f\ud800d\"e\\f");
    Exposition.Family f = scrape().family("englog_security_rate_limited_total");
    assertThat(f.samples.get(0).labels().get("endpoint")).isEqualTo("/a_b_c__d\"e\\f");
  }

  @Test
  void validSurrogatePairsAreKept() {
    m.recordRateLimited("/journal/\uD83D\uDCD3");
    assertThat(scrape().family("englog_security_rate_limited_total").samples.get(0).labels()
        .get("endpoint")).isEqualTo("/journal/\uD83D\uDCD3");
  }

  @Test
  void unknownHttpMethodsBecomeOtherAndLowerCaseIsNormalised() {
    m.recordHttpRequest("get", "/a", 200, Duration.ofMillis(1));
    m.recordHttpRequest("BREW", "/a", 418, Duration.ofMillis(1));
    m.recordHttpRequest(null, "/a", 200, Duration.ofMillis(1));
    Exposition.Family f = scrape().family("englog_http_requests_total");
    assertThat(f.value("englog_http_requests_total",
        Map.of("method", "GET", "endpoint", "/a", "status_code", "200"))).isEqualTo(1);
    assertThat(f.value("englog_http_requests_total",
        Map.of("method", "OTHER", "endpoint", "/a", "status_code", "418"))).isEqualTo(1);
    assertThat(f.value("englog_http_requests_total",
        Map.of("method", "OTHER", "endpoint", "/a", "status_code", "200"))).isEqualTo(1);
  }

  @Test
  void impossibleStatusCodesAreOther() {
    m.recordHttpRequest("GET", "/a", -1, Duration.ofMillis(1));
    m.recordHttpRequest("GET", "/a", 99, Duration.ofMillis(1));
    m.recordHttpRequest("GET", "/a", 600, Duration.ofMillis(1));
    m.recordHttpRequest("GET", "/a", 599, Duration.ofMillis(1));
    Exposition.Family f = scrape().family("englog_http_requests_total");
    assertThat(f.value("englog_http_requests_total",
        Map.of("method", "GET", "endpoint", "/a", "status_code", "other"))).isEqualTo(3);
    assertThat(f.value("englog_http_requests_total",
        Map.of("method", "GET", "endpoint", "/a", "status_code", "599"))).isEqualTo(1);
  }

  @Test
  void nullNegativeAndHugeDurationsAreRecordedNotThrown() {
    assertThatCode(() -> {
      m.recordDatabaseQuery("select", "t", null);
      m.recordDatabaseQuery("select", "t", Duration.ofMillis(-5));
      m.recordDatabaseQuery("select", "t", Duration.ofSeconds(Long.MAX_VALUE));
      m.recordAiProcessing(null, null, null, null);
    }).doesNotThrowAnyException();
    Exposition.Family f = scrape().family("englog_database_query_duration_seconds");
    assertThat(f.value("englog_database_query_duration_seconds_count",
        Map.of("operation", "select", "table", "t"))).isEqualTo(3);
    assertThat(f.value("englog_database_query_duration_seconds_bucket",
        Map.of("operation", "select", "table", "t", "le", "0.001"))).isEqualTo(2);
  }

  @Test
  void anUnknownTimeWindowIsDroppedAndCounted() {
    m.updateActiveUsers(3, "30d");
    m.updateActiveUsers(-4, "1h");
    Exposition e = scrape();
    assertThat(e.family("englog_users_active").samples).hasSize(1);
    assertThat(e.family("englog_users_active").value("englog_users_active",
        Map.of("time_window", "1h"))).isZero();
    assertThat(e.family("englog_metrics_recordings_dropped_total").value(
        "englog_metrics_recordings_dropped_total", Map.of("metric", "englog_users_active")))
        .isEqualTo(1);
  }

  @Test
  void aNullAuthFailureReasonIsOther() {
    m.recordAuthenticationFailure("password", null);
    assertThat(scrape().family("englog_security_authentication_failures_total").value(
        "englog_security_authentication_failures_total",
        Map.of("auth_method", "password", "reason", "other", "endpoint", "unknown"))).isEqualTo(1);
  }

  @Test
  void anAuthFailureCountsUnderItsRouteAndANullRouteIsUnknown() {
    m.recordAuthenticationFailure("bearer", AuthFailureReason.EXPIRED_TOKEN, "/api/v1/journals/{id}");
    m.recordAuthenticationFailure("bearer", AuthFailureReason.EXPIRED_TOKEN, "/api/v1/journals/{id}");
    m.recordAuthenticationFailure("bearer", AuthFailureReason.EXPIRED_TOKEN, null);
    Exposition.Family f = scrape().family("englog_security_authentication_failures_total");
    assertThat(f.value("englog_security_authentication_failures_total", Map.of("auth_method", "bearer",
        "reason", "expired_token", "endpoint", "/api/v1/journals/{id}"))).isEqualTo(2);
    assertThat(f.value("englog_security_authentication_failures_total", Map.of("auth_method", "bearer",
        "reason", "expired_token", "endpoint", "unknown"))).isEqualTo(1);
  }

  @Test
  void userIdIsNotALabelUnlessOptedIn() {
    m.recordJournalCreated("user-42", "text");
    Exposition.Family f = scrape().family("englog_business_journals_created_total");
    assertThat(f.labelNames()).containsExactly("entry_type");
  }

  @Test
  void aRegistryThatRefusesMetersCountsTheDropInsteadOfThrowing() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.throwExceptionOnRegistrationFailure();
    // Occupy the Prometheus name with a different type, so registering the counter fails.
    Gauge.builder("englog_users_sessions", () -> 1).register(registry);
    EnglogMetrics refusing = EnglogMetrics.builder().registry(registry).jvmMetrics(false).build();
    assertThatCode(() -> refusing.recordUserSession("password")).doesNotThrowAnyException();
    Exposition e = Exposition.parse(refusing.scrapeHandler().handle(null).bodyText());
    assertThat(e.family("englog_metrics_recordings_dropped_total").value(
        "englog_metrics_recordings_dropped_total", Map.of("metric", "englog_users_sessions_total")))
        .isEqualTo(1);
  }
}
