package com.englog.observability.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.health.Health;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.testsupport.HttpRecorder;
import com.englog.observability.testsupport.PrometheusServer;
import com.englog.observability.testsupport.RecordedRequest;
import com.englog.observability.testsupport.TestEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The CLI against a real Prometheus scraping a test service whose counters move like a live API's:
 * the shipped example configuration (docs/healthcheck.md) passes while the service is healthy and
 * fails once errors, latency and activity cross their thresholds; the Slack summary arrives at a
 * local receiver; the SLA mode reads the series of the SLO recording rules monitoring-assets ships.
 */
class HealthCheckCliIT {

  @TempDir
  Path dir;

  /** A fake EngLog API exposition whose counters grow every 250 ms, healthy or not. */
  static final class FakeApi {
    volatile boolean healthy = true;
    long requests;
    long errors;
    long fast;
    long slow;
    final HttpRecorder server = HttpRecorder.start();

    void tick() {
      requests += 100;
      if (healthy) {
        errors += 1;
        fast += 100;
      } else {
        errors += 60;
        slow += 100;
      }
      String labels = "method=\"GET\",endpoint=\"/api/v1/journals\"";
      StringBuilder s = new StringBuilder()
          .append("# TYPE englog_http_requests_total counter\n")
          .append("englog_http_requests_total{").append(labels).append(",status_code=\"200\"} ").append(requests - errors).append('\n')
          .append("englog_http_requests_total{").append(labels).append(",status_code=\"500\"} ").append(errors).append('\n')
          .append("# TYPE englog_http_request_duration_seconds histogram\n");
      for (String le : List.of("0.1", "0.5", "1.0", "2.5", "5.0", "+Inf")) {
        long count = le.equals("0.1") || le.equals("0.5") || le.equals("1.0") ? fast : fast + slow;
        s.append("englog_http_request_duration_seconds_bucket{").append(labels).append(",le=\"").append(le)
            .append("\"} ").append(count).append('\n');
      }
      s.append("englog_http_request_duration_seconds_sum{").append(labels).append("} ").append(fast * 0.05 + slow * 4).append('\n')
          .append("englog_http_request_duration_seconds_count{").append(labels).append("} ").append(fast + slow).append('\n')
          .append("# TYPE process_cpu_usage gauge\nprocess_cpu_usage ").append(healthy ? "0.25" : "0.95").append('\n')
          .append("# TYPE jvm_memory_used_bytes gauge\n")
          .append("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 50000000\n")
          .append("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 250000000\n")
          .append("# TYPE jvm_memory_max_bytes gauge\n")
          .append("jvm_memory_max_bytes{area=\"heap\",id=\"G1 Eden Space\"} -1\n")
          .append("jvm_memory_max_bytes{area=\"heap\",id=\"G1 Old Gen\"} 1000000000\n")
          .append("# TYPE englog_users_active gauge\nenglog_users_active{time_window=\"1h\"} ").append(healthy ? 42 : 0).append('\n');
      server.respondWith(200, "text/plain; version=0.0.4", s.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private ExitCode cli(Map<String, String> env, String... args) {
    out.reset();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = HealthCheckCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
    System.out.println(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    return code;
  }

  /** The shipped example plus an "it" profile pointing at the test servers. */
  @SuppressWarnings("unchecked")
  private Path exampleWithLocalProfile(FakeApi api, PrometheusServer prometheus) throws Exception {
    Map<String, Object> root;
    try (InputStream in = getClass().getResourceAsStream("/healthcheck.yml")) {
      root = new Yaml().load(in);
    }
    Map<String, Object> profile = new LinkedHashMap<>();
    profile.put("variables", Map.of("apiUrl", "http://127.0.0.1:" + api.server.port(),
        "webUrl", "http://127.0.0.1:" + api.server.port(), "apiJob", "englog-api"));
    profile.put("prometheus", Map.of("url", prometheus.baseUri().toString()));
    ((Map<String, Object>) root.get("profiles")).put("it", profile);
    Path file = dir.resolve("healthcheck.yml");
    Files.writeString(file, new Yaml().dump(root));
    return file;
  }

  @Test
  void exampleChecksPassThenFailWhenThresholdsAreCrossedAndSlackGetsBoth() throws Exception {
    FakeApi api = new FakeApi();
    api.tick();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    ticker.scheduleAtFixedRate(api::tick, 250, 250, TimeUnit.MILLISECONDS);
    try (HttpRecorder slack = HttpRecorder.start();
        PrometheusServer prometheus = PrometheusServer.builder()
            .scrape("englog-api", "127.0.0.1:" + api.server.port(), "/metrics").start()) {
      prometheus.awaitTargetsUp(Duration.ofSeconds(60));
      String errorRate = "sum(rate(englog_http_requests_total{job=\"englog-api\"}[5m]))";
      prometheus.awaitQuery(errorRate, r -> r.size() == 1 && r.get(0).path("value").get(1).asDouble() > 0,
          Duration.ofSeconds(60));
      Path config = exampleWithLocalProfile(api, prometheus);
      Map<String, String> env = Map.of("ENGLOG_SLACK_WEBHOOK_URL", slack.uri("/services/T0/B0/X").toString());

      assertThat(cli(env, "--config", config.toString(), "--profile", "it")).isEqualTo(ExitCode.HEALTHY);
      String healthyReport = out.toString(StandardCharsets.UTF_8);
      assertThat(healthyReport).contains("PASS  API Health", "PASS  API p95 latency", "PASS  Error rate",
          "PASS  CPU usage", "PASS  Memory usage", "PASS  Active users (1h)", "HEALTHY: all 9 checks passed");
      assertThat(healthyReport).contains("30 % < 85 %");

      api.healthy = false;
      // Wait until the window's error ratio is clearly above the 5 % threshold.
      prometheus.awaitQuery("100 * sum(rate(englog_http_requests_total{status_code=\"500\"}[5m]))"
              + " / sum(rate(englog_http_requests_total[5m])) > 10", r -> r.size() == 1, Duration.ofSeconds(60));
      prometheus.awaitQuery("englog_users_active == 0", r -> r.size() == 1, Duration.ofSeconds(30));
      // And until enough requests were slow (4 s) for the p95 to pass the 2 s threshold.
      prometheus.awaitQuery("histogram_quantile(0.95, sum by (le) (rate(englog_http_request_duration_seconds_bucket"
          + "{job=\"englog-api\"}[5m]))) > 2", r -> r.size() == 1, Duration.ofSeconds(60));

      assertThat(cli(env, "--config", config.toString(), "--profile", "it", "--json")).isEqualTo(ExitCode.UNHEALTHY);
      JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
      assertThat(report.path("status").asText()).isEqualTo("UNHEALTHY");
      Map<String, String> results = new LinkedHashMap<>();
      report.path("checks").forEach(c -> results.put(c.path("name").asText(), c.path("result").asText()));
      assertThat(results).containsEntry("Error rate", "FAIL").containsEntry("CPU usage", "FAIL")
          .containsEntry("API p95 latency", "FAIL")
          .containsEntry("Active users (1h)", "FAIL").containsEntry("API Health", "PASS")
          .containsEntry("Memory usage", "PASS");
      JsonNode cpu = find(report, "CPU usage");
      assertThat(cpu.fieldNames()).toIterable().containsExactly("kind", "name", "result", "message", "duration_ms",
          "query", "operator", "threshold", "value");
      assertThat(cpu.path("value").asDouble()).isEqualTo(95.0);
      assertThat(cpu.path("message").asText()).isEqualTo("95 % is not < 80 %");
      JsonNode p95 = find(report, "API p95 latency");
      assertThat(p95.path("value").asDouble()).isGreaterThan(2.0).isLessThanOrEqualTo(2.5);
      assertThat(p95.path("message").asText()).matches("\\d+(\\.\\d+)? s is not < 2 s");

      List<RecordedRequest> posts = slack.awaitRequests(2, Duration.ofSeconds(10));
      assertThat(posts.get(0).bodyAsString()).contains("HEALTHY (it)", "\"color\":\"good\"");
      assertThat(posts.get(1).bodyAsString()).contains(":x: Health check UNHEALTHY (it)", "\"color\":\"danger\"",
          ":x: Error rate");
      assertThat(posts.get(1).header("Content-Type")).isEqualTo("application/json");
    } finally {
      ticker.shutdownNow();
      api.server.close();
    }
  }

  /**
   * A service whose every scrape adds the same traffic, so each window's ratios are exact: API requests
   * with 1 server error in 2000 (0.05 %, within api-availability's 99.9 %), all within the latency
   * objective; AI tasks failing 5 in 100 (ai-availability's 99 % missed), all within 60 s; and two
   * dependencies published by a real englog-health registry, db UP and redis DOWN.
   */
  static final class SloService implements AutoCloseable {
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HealthRegistry health = HealthRegistry.builder().meterRegistry(meters)
        .add("db", c -> Health.up().build())
        .add("redis", c -> Health.down("Connection refused").build(), o -> o.nonCritical())
        .build();
    private final HttpServer server;
    private long scrapes;

    SloService() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/metrics", exchange -> {
        byte[] body = exposition().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      health.check();
    }

    String hostPort() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }

    private synchronized String exposition() {
      scrapes++;
      long requests = 2000 * scrapes;
      long serverErrors = scrapes;
      long tasks = 100 * scrapes;
      long taskErrors = 5 * scrapes;
      String api = "method=\"GET\",endpoint=\"/api/v1/journals\"";
      String ai = "task_type=\"summarize\",provider=\"openai\"";
      StringBuilder s = new StringBuilder()
          .append("# TYPE englog_http_requests_total counter\n")
          .append("englog_http_requests_total{").append(api).append(",status_code=\"200\"} ")
          .append(requests - serverErrors).append('\n')
          .append("englog_http_requests_total{").append(api).append(",status_code=\"503\"} ")
          .append(serverErrors).append('\n')
          .append("# TYPE englog_http_request_duration_seconds histogram\n");
      for (String le : List.of("0.1", "0.5", "1.0", "+Inf")) {
        s.append("englog_http_request_duration_seconds_bucket{").append(api).append(",le=\"").append(le)
            .append("\"} ").append(le.equals("0.1") ? requests / 2 : requests).append('\n');
      }
      s.append("englog_http_request_duration_seconds_count{").append(api).append("} ").append(requests).append('\n')
          .append("englog_http_request_duration_seconds_sum{").append(api).append("} ").append(requests * 0.1)
          .append('\n')
          .append("# TYPE englog_ai_processing_duration_seconds histogram\n");
      for (String le : List.of("1.0", "5.0", "10.0", "30.0", "60.0", "120.0", "300.0", "+Inf")) {
        s.append("englog_ai_processing_duration_seconds_bucket{").append(ai).append(",le=\"").append(le)
            .append("\"} ").append(le.equals("1.0") ? 0 : tasks).append('\n');
      }
      s.append("englog_ai_processing_duration_seconds_count{").append(ai).append("} ").append(tasks).append('\n')
          .append("englog_ai_processing_duration_seconds_sum{").append(ai).append("} ").append(tasks * 3)
          .append('\n')
          .append("# TYPE englog_ai_processing_errors_total counter\n")
          .append("englog_ai_processing_errors_total{").append(ai).append(",error_type=\"timeout\"} ")
          .append(taskErrors).append('\n');
      return s.append(meters.scrape()).toString();
    }

    @Override
    public void close() {
      server.stop(0);
      health.close();
    }
  }

  /**
   * The rule files monitoring-assets ships, read from the source tree (so renaming a series on either
   * side fails this test), copied without their 1-minute group intervals so a 1-second evaluation
   * interval applies to every group; nothing else is changed.
   */
  private List<Path> shippedRuleFiles() throws IOException {
    Path shipped = TestEnvironment.repositoryRoot().resolve("monitoring-assets/src/main/assets/prometheus/rules");
    assertThat(shipped.resolve("englog-slo.yml")).as("the shipped SLO rules").isRegularFile();
    List<Path> copies = new ArrayList<>();
    try (Stream<Path> files = Files.list(shipped)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yml")).sorted().collect(Collectors.toList())) {
        Path copy = dir.resolve(f.getFileName());
        Files.writeString(copy, Files.readString(f).replaceAll("(?m)^    interval: 1m\n", ""));
        copies.add(copy);
      }
    }
    return copies;
  }

  @Test
  void slaReportReadsTheShippedSloRulesAndQueriesWithoutDataFailUnlessAllowed() throws Exception {
    try (SloService service = new SloService()) {
      PrometheusServer.Builder builder = PrometheusServer.builder().scrape("englog-api", service.hostPort(), "/metrics");
      shippedRuleFiles().forEach(builder::ruleFile);
      try (PrometheusServer prometheus = builder.start()) {
        prometheus.awaitTargetsUp(Duration.ofSeconds(60));
        prometheus.awaitQuery("englog:slo_sli_error:ratio_rate7d", r -> r.size() == 4, Duration.ofSeconds(90));
        prometheus.awaitQuery("englog:slo_error_budget_remaining:ratio", r -> r.size() == 4, Duration.ofSeconds(90));
        prometheus.awaitQuery("englog:dependency_availability:ratio_avg7d", r -> r.size() == 2, Duration.ofSeconds(90));
        Path config = dir.resolve("hc.yml");
        Files.writeString(config, "prometheus: {url: '" + prometheus.baseUri() + "'}\nchecks:\n"
            + "  - {name: Missing strict, query: 'englog_no_such_metric', operator: '<', threshold: 1}\n"
            + "  - {name: Missing allowed, query: 'englog_no_such_metric', operator: '<', threshold: 1, onNoData: pass}\n"
            + "  - {name: Bad query, query: 'sum(', operator: '<', threshold: 1}\n");

        assertThat(cli(Map.of(), "--config", config.toString())).isEqualTo(ExitCode.UNHEALTHY);
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("FAIL  Missing strict", "no data: the query returned no series")
            .contains("PASS  Missing allowed").contains("FAIL  Bad query", "bad_data");

        assertThat(cli(Map.of(), "--config", config.toString(), "--sla", "7d", "--json")).isEqualTo(ExitCode.UNHEALTHY);
        JsonNode sla = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        JsonNode availability = find(sla, "api-availability");
        assertThat(availability.fieldNames()).toIterable().containsExactly("kind", "name", "result", "message",
            "window", "objective", "attainment", "error_budget_remaining");
        assertThat(availability.path("result").asText()).as(availability.toString()).isEqualTo("PASS");
        assertThat(availability.path("objective").asDouble()).isEqualTo(0.999);
        assertThat(availability.path("attainment").asDouble()).isCloseTo(0.9995, Offset.offset(1e-9));
        assertThat(availability.path("error_budget_remaining").asDouble()).isCloseTo(0.5, Offset.offset(1e-6));
        JsonNode apiLatency = find(sla, "api-latency");
        assertThat(apiLatency.path("result").asText()).as(apiLatency.toString()).isEqualTo("PASS");
        assertThat(apiLatency.path("attainment").asDouble()).isEqualTo(1.0);
        JsonNode aiAvailability = find(sla, "ai-availability");
        assertThat(aiAvailability.path("result").asText()).isEqualTo("FAIL");
        assertThat(aiAvailability.path("message").asText()).startsWith("95.000% < objective 99.000% over 7d");
        assertThat(aiAvailability.path("error_budget_remaining").asDouble()).isCloseTo(-4.0, Offset.offset(1e-6));
        assertThat(find(sla, "ai-latency").path("result").asText()).isEqualTo("PASS");
        JsonNode db = find(sla, "db");
        assertThat(db.fieldNames()).toIterable().containsExactly("kind", "name", "result", "message", "window",
            "availability", "objective");
        assertThat(db.path("result").asText()).isEqualTo("PASS");
        assertThat(db.path("availability").asDouble()).isEqualTo(1.0);
        JsonNode redis = find(sla, "redis");
        assertThat(redis.path("result").asText()).isEqualTo("FAIL");
        assertThat(redis.path("availability").asDouble()).isEqualTo(0.0);

        assertThat(cli(Map.of(), "--config", config.toString(), "--sla", "1h")).isEqualTo(ExitCode.UNHEALTHY);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("PASS  api-availability  99.950% >= objective 99.900% over 1h",
            "FAIL  redis").contains("UNHEALTHY: 2 of 6 checks failed");

        // 24h and 30d read the 1d and 30d series of the shipped rules.
        prometheus.awaitQuery("englog:slo_sli_error:ratio_rate30d", r -> r.size() == 4, Duration.ofSeconds(90));
        prometheus.awaitQuery("englog:dependency_availability:ratio_avg30d", r -> r.size() == 2, Duration.ofSeconds(90));
        for (String window : List.of("24h", "30d")) {
          assertThat(cli(Map.of(), "--config", config.toString(), "--sla", window)).isEqualTo(ExitCode.UNHEALTHY);
          assertThat(out.toString(StandardCharsets.UTF_8))
              .contains("EngLog SLA report (" + window + ")")
              .contains("PASS  api-availability  99.950% >= objective 99.900% over " + window)
              .contains("PASS  api-latency       100.000% >= objective 99.000% over " + window)
              .contains("FAIL  ai-availability   95.000% < objective 99.000% over " + window)
              .contains("PASS  db                100.000% available over " + window + " >= 99.000%")
              .contains("FAIL  redis             0.000% available over " + window + " < 99.000%")
              .contains("UNHEALTHY: 2 of 6 checks failed");
        }
      }
    }
  }

  /**
   * Rules that record only part of what the report reads: an SLO without its error-budget series, the
   * 7d availability of db but not of redis, nothing for 30d. Every gap gets a line that fails, as a
   * PromQL check without data does, unless {@code sla.onNoData: pass} allows it; redis, which the
   * service reports through englog_health_status, is never left out of the report.
   */
  @Test
  void slaReportNamesEveryMissingSeriesAndFailsUnlessOnNoDataAllowsIt() throws Exception {
    Path rules = dir.resolve("partial.yml");
    Files.writeString(rules, String.join("\n",
        "groups:",
        "  - name: partial",
        "    rules:",
        "      - record: englog:slo_objective:ratio",
        "        expr: vector(0.999)",
        "        labels: {slo: api-availability}",
        "      - record: englog:slo_sli_error:ratio_rate7d",
        "        expr: vector(0.0005)",
        "        labels: {slo: api-availability}",
        "      - record: englog:dependency_availability:ratio_avg7d",
        "        expr: avg by (component) (sum by (job, instance, component) "
            + "(englog_health_status{component=\"db\",status=~\"UP|DEGRADED\"}))",
        ""));
    try (SloService service = new SloService();
        PrometheusServer prometheus = PrometheusServer.builder().scrape("englog-api", service.hostPort(), "/metrics")
            .ruleFile(rules).start()) {
      prometheus.awaitTargetsUp(Duration.ofSeconds(60));
      prometheus.awaitQuery("count by (component) (englog_health_status)", r -> r.size() == 2, Duration.ofSeconds(60));
      prometheus.awaitQuery("englog:dependency_availability:ratio_avg7d", r -> r.size() == 1, Duration.ofSeconds(60));
      prometheus.awaitQuery("englog:slo_sli_error:ratio_rate7d", r -> r.size() == 1, Duration.ofSeconds(60));
      Path strict = dir.resolve("strict.yml");
      Files.writeString(strict, "prometheus: {url: '" + prometheus.baseUri() + "'}\n");
      Path lenient = dir.resolve("lenient.yml");
      Files.writeString(lenient, "prometheus: {url: '" + prometheus.baseUri() + "'}\nsla: {onNoData: pass}\n");

      assertThat(cli(Map.of(), "--config", strict.toString(), "--sla", "7d", "--json")).isEqualTo(ExitCode.UNHEALTHY);
      JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
      JsonNode availability = find(report, "api-availability");
      assertThat(availability.path("result").asText()).as(availability.toString()).isEqualTo("FAIL");
      assertThat(availability.path("message").asText()).isEqualTo("99.950% >= objective 99.900% over 7d; no data for"
          + " the error budget (englog:slo_error_budget_remaining:ratio has no series for it)");
      assertThat(find(report, "db").path("result").asText()).isEqualTo("PASS");
      JsonNode redis = find(report, "redis");
      assertThat(redis.path("result").asText()).as(redis.toString()).isEqualTo("FAIL");
      assertThat(redis.path("message").asText()).startsWith("no data: no availability over 7d");
      assertThat(redis.path("availability").isNull()).isTrue();
      assertThat(report.path("checks")).hasSize(3);

      // No 30d series at all: every line says so, and both reported dependencies are still listed.
      assertThat(cli(Map.of(), "--config", strict.toString(), "--sla", "30d")).isEqualTo(ExitCode.UNHEALTHY);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("FAIL  api-availability  no data: no events in the 30d window")
          .contains("FAIL  db                no data: no availability over 30d")
          .contains("FAIL  redis             no data: no availability over 30d")
          .contains("UNHEALTHY: 3 of 3 checks failed");

      assertThat(cli(Map.of(), "--config", lenient.toString(), "--sla", "7d")).isEqualTo(ExitCode.HEALTHY);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("PASS  api-availability  99.950% >= objective 99.900% over 7d; no data for the error budget")
          .contains("PASS  redis             no data: no availability over 7d")
          .contains("allowed by onNoData: pass");
    }
  }

  private static JsonNode find(JsonNode report, String name) {
    for (JsonNode c : report.path("checks")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no check " + name + " in " + report);
  }
}
