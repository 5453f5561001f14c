package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.Exposition;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * One instance hammered through every recorder with hostile values — distinct user ids, keys, raw
 * paths, every status code, methods that do not exist — exposes at most its series budget of 20,000
 * sample lines in both formats, with created timestamps on or off, while the 300 route templates x 2
 * methods x 6 status codes a real service has all keep their own series.
 */
class ExposedSeriesBudgetTest {

  static final int BUDGET = EnglogMetrics.DEFAULT_SERIES_BUDGET;
  static final int HOSTILE = 30_000;
  static final List<String> METHODS = List.of("GET", "POST");
  static final int[] STATUSES = {200, 201, 400, 404, 500, 503};
  static final String[] ODD_METHODS = {"BREW", "get", "", null, "PROPFIND", "DELETE", "PATCH", "HEAD"};

  @Test
  void hostileValuesStayWithinTheBudgetAndTheRoutesStayExact() throws IOException {
    try (EnglogMetrics m = EnglogMetrics.builder().userIdLabel(true).build()) {
      hammer(m);
    }
  }

  @Test
  void theBudgetHoldsWithCreatedTimestampsExposed() throws IOException {
    Properties created = new Properties();
    created.setProperty("io.prometheus.exporter.include_created_timestamps", "true");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(new PrometheusConfig() {
      @Override
      public String get(String key) {
        return null;
      }

      @Override
      public Properties prometheusProperties() {
        Properties p = PrometheusConfig.super.prometheusProperties();
        p.putAll(created);
        return p;
      }
    });
    try (EnglogMetrics m = EnglogMetrics.builder().registry(registry).userIdLabel(true).build()) {
      String om = hammer(m);
      assertThat(om).as("created timestamps are on").contains("englog_http_requests_created{");
    } finally {
      registry.close();
    }
  }

  @Test
  void declaredRoutesMethodsAndStatusCodesFitTheDefaultLimitsAndStartAtZero() {
    List<String> routes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      routes.add("/api/v1/resource-" + i + "/{id}");
    }
    String[] statuses = new String[STATUSES.length];
    for (int i = 0; i < STATUSES.length; i++) {
      statuses[i] = Integer.toString(STATUSES[i]);
    }
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false)
        .declareLabelValues("endpoint", routes.toArray(new String[0]))
        .declareLabelValues("method", METHODS.toArray(new String[0]))
        .declareLabelValues("status_code", statuses).build()) {
      // Hostile traffic first: the declared series exist already, so nothing of theirs folds.
      for (int i = 0; i < 10_000; i++) {
        m.recordHttpRequest("GET", "/raw/" + i, 200 + i % 400, Duration.ofMillis(1));
      }
      recordRoutes(m, routes);
      Exposition e = Exposition.parse(m.scrapeHandler().handle(null).bodyText());
      Exposition.Family requests = e.family("englog_http_requests_total");
      for (String route : routes) {
        for (String method : METHODS) {
          for (String status : statuses) {
            assertThat(requests.value("englog_http_requests_total",
                Map.of("method", method, "endpoint", route, "status_code", status))).isEqualTo(1.0);
          }
        }
      }
      assertThat(sampleLines(m.scrapeHandler().handle(ScrapeHandler.OPENMETRICS_TEXT).bodyText()))
          .isLessThanOrEqualTo(BUDGET);
      // 300 routes do not fit the small limits of the security counters: they start with their first
      // recording instead of failing the build.
      assertThat(e.families).doesNotContainKey("englog_security_access_denied_total");
      m.recordAccessDenied(routes.get(7));
      m.recordRateLimited(routes.get(8));
      Exposition after = Exposition.parse(m.scrapeHandler().handle(null).bodyText());
      assertThat(after.family("englog_security_access_denied_total").value(
          "englog_security_access_denied_total", Map.of("endpoint", routes.get(7)))).isEqualTo(1.0);
      assertThat(after.family("englog_security_rate_limited_total").value(
          "englog_security_rate_limited_total", Map.of("endpoint", routes.get(8)))).isEqualTo(1.0);
    }
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false)
        .declareLabelValues("endpoint", "/a", "/b").build()) {
      Exposition e = Exposition.parse(m.scrapeHandler().handle(null).bodyText());
      assertThat(e.family("englog_security_access_denied_total").value(
          "englog_security_access_denied_total", Map.of("endpoint", "/b"))).isZero();
      assertThat(e.family("englog_security_rate_limited_total").series()).isEqualTo(2);
    }
  }

  /** Records the real routes, then hostile values, then the routes again; returns the OpenMetrics text. */
  private static String hammer(EnglogMetrics m) {
    List<String> routes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      routes.add("/api/v1/resource-" + i + "/{id}");
    }
    recordRoutes(m, routes);

    for (int i = 0; i < HOSTILE; i++) {
      String id = "id-" + i;
      Duration d = Duration.ofMillis(i % 5000);
      m.recordHttpRequest(ODD_METHODS[i % ODD_METHODS.length], "/raw/" + id + "?q=" + i, 90 + i % 520, d);
      m.recordJournalCreated("user-" + i, "entry-" + i);
      m.recordAiProcessing("task-" + i, "provider-" + i, d, i % 2 == 0 ? new IllegalStateException() : null);
      m.recordDatabaseQuery("op-" + i, "table-" + i, d);
      m.recordCacheHit("cache-" + i, "key:" + id);
      m.recordCacheMiss("cache-" + i, "key:" + id);
      m.updateActiveUsers(i, i % 2 == 0 ? "window-" + i : EnglogMetrics.ACTIVE_USER_WINDOWS.get(i % 3));
      m.recordUserSession("auth-" + i);
      m.recordAuthenticationFailure("auth-" + i,
          i % 9 == 0 ? null : AuthFailureReason.values()[i % AuthFailureReason.values().length]);
      m.recordAccessDenied("/raw/" + id);
      m.recordRateLimited("/raw/" + id);
      m.recordAuditEvent("action-" + i, i % 2 == 0);
    }
    // Configuration-time growth is refused once the budget is spent, never exceeding it.
    CustomCounter custom = m.counter("englog_hostile").help("Hostile ids.").labelNames("id").register();
    for (int i = 0; i < HOSTILE; i++) {
      custom.increment("id-" + i);
    }
    int pools = 0;
    IllegalArgumentException refused = null;
    while (refused == null && pools < 10_000) {
      try {
        m.bindConnectionPool("db-" + pools, () -> 1, () -> 1, () -> 10, () -> 0);
        pools++;
      } catch (IllegalArgumentException e) {
        refused = e;
      }
    }
    assertThat(refused).as("a connection pool past the budget").isNotNull();
    assertThat(refused.getMessage()).contains("series budget of " + BUDGET);
    assertThat(pools).isPositive();
    assertThatThrownBy(() -> m.counter("englog_more").help("More.").labelNames("id").register())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("series budget");

    recordRoutes(m, routes);

    String text = m.scrapeHandler().handle(null).bodyText();
    String om = m.scrapeHandler().handle(ScrapeHandler.OPENMETRICS_TEXT).bodyText();
    assertThat(sampleLines(text)).as("exposed series, Prometheus text").isLessThanOrEqualTo(BUDGET)
        .isGreaterThan(BUDGET / 2);
    assertThat(sampleLines(om)).as("exposed series, OpenMetrics").isLessThanOrEqualTo(BUDGET);
    assertThat(jvmLines(om)).as("JVM, process and system series")
        .isPositive().isLessThanOrEqualTo(EnglogMetrics.JVM_SERIES_ALLOWANCE);

    Exposition e = Exposition.parse(text);
    Exposition.Family requests = e.family("englog_http_requests_total");
    Exposition.Family durations = e.family("englog_http_request_duration_seconds");
    for (String route : routes) {
      for (String method : METHODS) {
        for (int status : STATUSES) {
          assertThat(requests.value("englog_http_requests_total", Map.of("method", method,
              "endpoint", route, "status_code", Integer.toString(status))))
              .as("%s %s %s", method, route, status).isEqualTo(2.0);
        }
        assertThat(durations.value("englog_http_request_duration_seconds_count",
            Map.of("method", method, "endpoint", route))).as("%s %s", method, route).isEqualTo(12.0);
      }
    }
    for (int status = 100; status <= 599; status++) {
      String code = Integer.toString(status);
      assertThat(requests.samples.stream().anyMatch(s -> code.equals(s.labels().get("status_code"))))
          .as("status %s has its own series", code).isTrue();
    }
    assertThat(e.family("englog_metrics_cardinality_overflow_total").samples)
        .allMatch(s -> s.value() >= 0).anyMatch(s -> s.value() > 0);
    return om;
  }

  private static void recordRoutes(EnglogMetrics m, List<String> routes) {
    for (String route : routes) {
      for (String method : METHODS) {
        for (int status : STATUSES) {
          m.recordHttpRequest(method, route, status, Duration.ofMillis(3));
        }
      }
    }
  }

  static int sampleLines(String exposition) {
    int n = 0;
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        n++;
      }
    }
    return n;
  }

  static int jvmLines(String exposition) {
    int n = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith("jvm_") || line.startsWith("process_") || line.startsWith("system_")
          || line.startsWith("disk_")) {
        n++;
      }
    }
    return n;
  }
}
