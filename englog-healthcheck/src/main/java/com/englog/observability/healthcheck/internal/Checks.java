package com.englog.observability.healthcheck.internal;

import com.englog.observability.health.ComponentHealth;
import com.englog.observability.health.Health;
import com.englog.observability.health.HealthIndicator;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.health.HealthReport;
import com.englog.observability.health.HttpHealthIndicator;
import com.englog.observability.health.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Not public API. Runs the endpoint probes and PromQL checks of a configuration concurrently, each
 * within its timeout, through englog-health's runtime: a probe is an {@link HttpHealthIndicator}, a
 * PromQL check a lambda indicator.
 */
public final class Checks {

  private Checks() {}

  public static List<CheckOutcome> run(Config config, PrometheusClient prometheus, HttpClient http) {
    HealthRegistry.Builder builder = HealthRegistry.builder().backgroundRefresh(Duration.ZERO);
    Map<String, Object> byId = new LinkedHashMap<>();
    int i = 0;
    for (Config.Endpoint e : config.endpoints()) {
      String id = "endpoint-" + i++;
      byId.put(id, e);
      builder.add(id, HttpHealthIndicator.builder(e.url()).expectedStatus(e.expectedStatus()).httpClient(http).build(),
          o -> o.deadline(e.timeout()).critical(e.critical()).noCache().withoutCircuitBreaker());
    }
    i = 0;
    for (Config.MetricCheck c : config.checks()) {
      String id = "metric-" + i++;
      byId.put(id, c);
      builder.add(id, metric(c, prometheus),
          o -> o.deadline(c.timeout()).critical(c.critical()).noCache().withoutCircuitBreaker());
    }
    List<CheckOutcome> outcomes = new ArrayList<>();
    if (byId.isEmpty()) {
      return outcomes;
    }
    try (HealthRegistry registry = builder.build()) {
      HealthReport report = registry.check();
      for (ComponentHealth c : report.components()) {
        Object spec = byId.get(c.name());
        boolean ok = c.status() == Status.UP || c.status() == Status.DEGRADED;
        CheckOutcome.Result result = ok ? CheckOutcome.Result.PASS
            : c.critical() ? CheckOutcome.Result.FAIL : CheckOutcome.Result.WARN;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("duration_ms", c.duration().toMillis());
        if (spec instanceof Config.Endpoint) {
          Config.Endpoint e = (Config.Endpoint) spec;
          Object status = c.details().get("status_code");
          data.put("url", displayUrl(e.url()));
          if (status != null) {
            data.put("status_code", status);
          }
          String message = ok ? status + " in " + c.details().get("latency_ms") + " ms" : c.reason();
          outcomes.add(new CheckOutcome("endpoint", e.name(), result, message, data));
        } else {
          Config.MetricCheck m = (Config.MetricCheck) spec;
          data.put("query", m.query());
          data.put("operator", m.operator().symbol());
          data.put("threshold", m.threshold());
          Object value = c.details().get("value");
          data.put("value", value instanceof Number ? value : null);
          outcomes.add(new CheckOutcome("metric", m.name(), result, c.reason(), data));
        }
      }
    }
    return outcomes;
  }

  static HealthIndicator metric(Config.MetricCheck check, PrometheusClient prometheus) {
    return context -> {
      List<PrometheusClient.Sample> samples = new ArrayList<>();
      for (PrometheusClient.Sample s : prometheus.query(check.query(), positive(context.remaining()))) {
        if (!Double.isNaN(s.value)) {
          samples.add(s);
        }
      }
      String unit = check.unit().isEmpty() ? "" : " " + check.unit();
      String limit = check.operator().symbol() + " " + Numbers.format(check.threshold()) + unit;
      if (samples.isEmpty()) {
        String reason = CheckOutcome.noDataReason("the query returned no series (or only NaN)", check.passOnNoData());
        return check.passOnNoData() ? Health.up().reason(reason).build() : Health.down(reason).build();
      }
      PrometheusClient.Sample worst = null;
      int failing = 0;
      for (PrometheusClient.Sample s : samples) {
        if (!check.operator().holds(s.value, check.threshold())) {
          failing++;
          if (worst == null || distance(s.value, check.threshold()) > distance(worst.value, check.threshold())) {
            worst = s;
          }
        }
      }
      if (worst == null) {
        PrometheusClient.Sample shown = samples.get(0);
        return Health.up()
            .reason(Numbers.format(shown.value) + unit + " " + limit
                + (samples.size() > 1 ? " (all " + samples.size() + " series)" : ""))
            .detail("value", shown.value).detail("series", samples.size()).build();
      }
      return Health.down(Numbers.format(worst.value) + unit + " is not " + limit
              + (worst.labels.isEmpty() ? "" : " for " + worst.labelText())
              + (failing > 1 ? " (" + failing + " of " + samples.size() + " series fail)" : ""))
          .detail("value", worst.value).detail("series", samples.size()).build();
    };
  }

  /**
   * The endpoint's URL as reports show it: without user information, query and fragment, which may
   * carry credentials.
   */
  static String displayUrl(URI url) {
    String s = url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
    return url.getRawPath() == null ? s : s + url.getRawPath();
  }

  private static double distance(double v, double t) {
    return Double.isInfinite(v) ? Double.MAX_VALUE : Math.abs(v - t);
  }

  private static Duration positive(Duration d) {
    return d.toMillis() < 1 ? Duration.ofMillis(1) : d;
  }
}
