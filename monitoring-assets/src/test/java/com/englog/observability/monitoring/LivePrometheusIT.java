package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.health.Health;
import com.englog.observability.health.HealthIndicator;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.metrics.AuthFailureReason;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.MetricsHttpServer;
import com.englog.observability.testsupport.HttpRecorder;
import com.englog.observability.testsupport.PrometheusServer;
import com.englog.observability.testsupport.TestEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus on loopback loads the shipped rules with a test copy of the shipped configuration
 * (1-second intervals, loopback targets) and scrapes an API and a worker built on englog-metrics (the API
 * also publishes its englog-health checks) that produce steady, healthy traffic. Every rule evaluates with health ok, every library metric the rules
 * and dashboards use exists under the name the rules use, the SLO rules record a healthy SLI, and
 * nothing but the Watchdog is pending or firing.
 */
class LivePrometheusIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String EXPOSITION = "text/plain; version=0.0.4; charset=utf-8";
  /** What postgres_exporter and redis_exporter report for healthy servers (TargetAbsent needs the jobs). */
  private static final String POSTGRES = "# TYPE pg_up gauge\npg_up 1\n"
      + "# TYPE pg_settings_max_connections gauge\npg_settings_max_connections 100\n"
      + "# TYPE pg_stat_activity_count gauge\npg_stat_activity_count{datname=\"englog\",state=\"active\"} 5\n";
  private static final String REDIS = "# TYPE redis_up gauge\nredis_up 1\n"
      + "# TYPE redis_memory_used_bytes gauge\nredis_memory_used_bytes 1e+08\n"
      + "# TYPE redis_memory_max_bytes gauge\nredis_memory_max_bytes 1e+09\n";
  /**
   * Counters a healthy service never increments, so they have no series yet: AI errors, redactions (the
   * logging module feeds them) and recovery attempts (no recovery action is configured). The SLO rules
   * must cope with the missing error counter, which the SLI values below show. The cardinality-overflow
   * and health-check-timeout counters are not here: the libraries create them at 0, so the first fold
   * or timeout is an increase that MetricCardinalityOverflow and HealthCheckTimeouts see.
   */
  private static final Set<String> ONLY_ON_FAILURE = Set.of("englog_ai_processing_errors_total",
      "englog_security_redactions_total", "englog_health_recovery_attempts_total");
  /**
   * Depends on how busy the machine running the test is, not on the service's traffic: it may be
   * pending, but only with a value above its threshold, and its expression must measure both services.
   */
  private static final String MACHINE_DEPENDENT = "JvmHighCpuUsage";
  /** {@code <measurement> > <threshold>}, the shape of the machine-dependent rule. */
  private static final Pattern THRESHOLD = Pattern.compile("(?s)(.*\\S)\\s*>\\s*([0-9.]+)");

  @Test
  void shippedRulesEvaluateHealthyAgainstALibraryServiceAndOnlyTheWatchdogFires() throws Exception {
    Path dir = TestEnvironment.scratchDirectory("live-rules");
    Path token = Files.writeString(dir.resolve("metrics-token"), "live-test-token");
    List<AutoCloseable> closeLater = new ArrayList<>();
    ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "synthetic-traffic");
      t.setDaemon(true);
      return t;
    });
    try (EnglogMetrics api = EnglogMetrics.builder().declareLabelValues("entry_type", "text", "voice").build();
         EnglogMetrics worker = EnglogMetrics.builder().build();
         MetricsHttpServer apiEndpoint = MetricsHttpServer.builder(api.scrapeHandler())
             .host("127.0.0.1").port(0).bearerTokenFile(token).start();
         MetricsHttpServer workerEndpoint = MetricsHttpServer.builder(worker.scrapeHandler())
             .host("127.0.0.1").port(0).bearerTokenFile(token).start();
         HttpRecorder postgres = HttpRecorder.start()
             .respondWith(200, EXPOSITION, POSTGRES.getBytes(StandardCharsets.UTF_8));
         HttpRecorder redis = HttpRecorder.start()
             .respondWith(200, EXPOSITION, REDIS.getBytes(StandardCharsets.UTF_8));
         // Every other job (node, blackbox, nginx, cAdvisor, Prometheus, Alertmanager) answers with an
         // empty exposition: its target exists and is up, so TargetAbsent and ExporterDown stay quiet,
         // and the rules over its metrics see missing series.
         HttpRecorder otherJobs = HttpRecorder.start()
             .respondWith(200, EXPOSITION, new byte[0])) {
      api.bindConnectionPool("main", () -> 2, () -> 8, () -> 10, () -> 0);
      // DEGRADED counts as available; a non-critical component is published with critical="false".
      HealthRegistry health = HealthRegistry.builder()
          .meterRegistry(api.registry())
          .backgroundRefresh(Duration.ofMillis(500))
          .add("db", HealthIndicator.of(() -> true))
          .add("redis", context -> Health.degraded("slow replies").build())
          .add("ai", HealthIndicator.of(() -> true), o -> o.nonCritical())
          .build();
      closeLater.add(health);
      AtomicLong tick = new AtomicLong();
      traffic.scheduleAtFixedRate(() -> healthyTraffic(api, worker, tick.incrementAndGet()),
          0, 20, TimeUnit.MILLISECONDS);

      Map<String, String> targets = new LinkedHashMap<>();
      for (String job : PrometheusConfigTest.jobNames(Assets.yamlMap(Assets.PROMETHEUS_CONFIG))) {
        targets.put(job, "127.0.0.1:" + otherJobs.port());
      }
      targets.put("englog-api", "127.0.0.1:" + apiEndpoint.port());
      targets.put("englog-worker", "127.0.0.1:" + workerEndpoint.port());
      targets.put("postgres", "127.0.0.1:" + postgres.port());
      targets.put("redis", "127.0.0.1:" + redis.port());
      String config = testConfig(dir, token, targets);
      try (PrometheusServer prometheus = PrometheusServer.builder().configYaml(config)
          .flag("--enable-feature=exemplar-storage").start()) {
        prometheus.awaitTargetsUp(WAIT);

        // Every shipped rule has been evaluated, without error.
        int ruleCount = RuleFiles.shipped().size();
        JsonNode groups = awaitRules(prometheus, ruleCount);
        List<String> unhealthy = new ArrayList<>();
        for (JsonNode g : groups) {
          for (JsonNode r : g.path("rules")) {
            if (!r.path("health").asText().equals("ok")) {
              unhealthy.add(r.path("name").asText() + ": " + r.path("health").asText() + " " + r.path("lastError").asText());
            }
          }
        }
        assertThat(unhealthy).isEmpty();

        // The library emits every metric the rules and dashboards use, under those names and labels.
        for (String metric : emittedMetricsTheAssetsUse()) {
          prometheus.awaitQuery("count(" + metric + ")", r -> r.size() == 1, WAIT);
        }
        for (String selector : List.of(
            "englog_http_request_duration_seconds_bucket{job=\"englog-api\", le=\"0.5\"}",
            "englog_http_request_duration_seconds_bucket{job=\"englog-api\", le=\"2.5\"}",
            "englog_ai_processing_duration_seconds_bucket{job=\"englog-worker\", le=\"60.0\"}",
            "englog_business_journals_created_total{job=\"englog-api\", entry_type=\"text\"}",
            "englog_users_active{job=\"englog-api\", time_window=\"1h\"}",
            "jvm_memory_max_bytes{job=\"englog-api\", area=\"heap\"}",
            // The labels DependencyDown and the availability rules select on.
            "englog_health_status{job=\"englog-api\", component=\"ai\", critical=\"false\", status=\"UP\"} == 1",
            "englog_health_status{job=\"englog-api\", component=\"redis\", critical=\"true\", status=\"DEGRADED\"} == 1")) {
          assertThat(prometheus.query(selector)).as(selector).isNotEmpty();
        }

        // The SLO rules record a healthy SLI from the service's traffic.
        JsonNode sli = prometheus.awaitQuery("englog:slo_sli_error:ratio_rate5m", r -> r.size() == 4, WAIT);
        for (JsonNode s : sli) {
          assertThat(s.path("value").get(1).asDouble()).as(s.path("metric").toString()).isZero();
        }
        JsonNode budget = prometheus.awaitQuery("englog:slo_error_budget_remaining:ratio",
            r -> r.size() == 4, WAIT);
        for (JsonNode b : budget) {
          assertThat(b.path("value").get(1).asDouble()).as(b.path("metric").toString()).isEqualTo(1.0);
        }
        JsonNode availability = prometheus.awaitQuery("englog:dependency_availability:ratio_avg1h",
            r -> r.size() == 3, WAIT);
        for (JsonNode a : availability) {
          assertThat(a.path("value").get(1).asDouble()).as(a.path("metric").toString()).isEqualTo(1.0);
        }

        // The machine-dependent rule measures both services (a selector that matched nothing would
        // evaluate "ok" and never fire), with values a CPU share can have.
        RuleFiles.Rule cpu = RuleFiles.alert(MACHINE_DEPENDENT);
        Matcher shape = THRESHOLD.matcher(cpu.expr);
        assertThat(shape.matches()).as("%s is `<measurement> > <threshold>`: %s", cpu, cpu.expr).isTrue();
        double cpuThreshold = Double.parseDouble(shape.group(2));
        JsonNode measured = prometheus.awaitQuery(shape.group(1), r -> r.size() == 2, WAIT);
        for (JsonNode m : measured) {
          assertThat(m.path("value").get(1).asDouble()).as(m.path("metric").toString()).isBetween(0.0, 1.0);
        }

        // Healthy traffic: the Watchdog fires, nothing else is pending or firing.
        prometheus.awaitQuery("ALERTS{alertname=\"Watchdog\", alertstate=\"firing\"}", r -> r.size() == 1, WAIT);
        List<String> alerts = new ArrayList<>();
        for (JsonNode a : prometheus.alerts()) {
          String name = a.path("labels").path("alertname").asText();
          String state = a.path("state").asText();
          if (name.equals("Watchdog")) {
            continue;
          }
          if (name.equals(MACHINE_DEPENDENT) && state.equals("pending")
              && a.path("value").asDouble() > cpuThreshold) {
            continue; // the machine really is that busy: the rule works as written
          }
          alerts.add(name + " " + state + " " + a.path("value").asText() + " " + a.path("labels"));
        }
        assertThat(alerts).isEmpty();
      }
    } finally {
      traffic.shutdownNow();
      for (AutoCloseable c : closeLater) {
        c.close();
      }
    }
  }

  /** Requests, journals, AI tasks, queries, cache, sessions, a trickle of security events; no errors. */
  private static void healthyTraffic(EnglogMetrics api, EnglogMetrics worker, long tick) {
    api.recordHttpRequest("GET", "/api/v1/journals/{id}", 200, Duration.ofMillis(12));
    api.recordHttpRequest("POST", "/api/v1/journals", 201, Duration.ofMillis(35));
    api.recordJournalCreated("user-" + (tick % 50), tick % 3 == 0 ? "voice" : "text");
    api.recordDatabaseQuery("select", "journals", Duration.ofMillis(3));
    api.recordDatabaseQuery("insert", "journals", Duration.ofMillis(5));
    api.recordCacheHit("journal", "journal:{id}");
    if (tick % 10 == 0) {
      api.recordCacheMiss("journal", "journal:{id}");
      api.recordUserSession("password");
    }
    api.updateActiveUsers(120, "1h");
    api.updateActiveUsers(800, "24h");
    api.updateActiveUsers(3000, "7d");
    if (tick % 100 == 0) { // one every 2 seconds: far below the spike floors
      api.recordAuthenticationFailure("password", AuthFailureReason.INVALID_CREDENTIALS);
      api.recordRateLimited("/api/v1/journals");
      api.recordAccessDenied("/api/v1/admin");
      api.recordAuditEvent("journal.delete", true);
    }
    worker.recordAiProcessing("summarize", "openai", Duration.ofMillis(1500), null);
    worker.recordHttpRequest("GET", "/internal/jobs", 200, Duration.ofMillis(4));
  }

  /**
   * The shipped prometheus.yml with 1-second intervals, every job pointing at loopback (the blackbox
   * job's exporter address too; credentials from the test's token file), no Alertmanager, and the shipped rules (copied without their 1-minute group intervals,
   * so the long windows are evaluated within the test's seconds).
   */
  private static String testConfig(Path dir, Path token, Map<String, String> targets) throws IOException {
    Path rules = Files.createDirectories(dir.resolve("rules"));
    for (Path f : Assets.ruleFiles()) {
      Files.writeString(rules.resolve(f.getFileName()),
          Assets.read(f).replaceAll("(?m)^    interval: 1m\\n", ""));
    }
    Map<String, Object> config = Assets.yamlMap(Assets.PROMETHEUS_CONFIG);
    Map<String, Object> global = Assets.map(config.get("global"));
    global.put("scrape_interval", "1s");
    global.put("scrape_timeout", "1s");
    global.put("evaluation_interval", "1s");
    config.remove("alerting");
    config.put("rule_files", List.of(rules + "/*.yml"));
    List<Object> jobs = new ArrayList<>();
    for (Object o : Assets.list(config.get("scrape_configs"))) {
      Map<String, Object> job = Assets.map(o);
      String name = String.valueOf(job.get("job_name"));
      if (!targets.containsKey(name)) {
        continue;
      }
      job.put("scrape_interval", "1s");
      job.put("scrape_timeout", "1s");
      job.put("static_configs", List.of(Map.of("targets", List.of(targets.get(name)))));
      Object auth = job.get("authorization");
      if (auth != null) {
        Assets.map(auth).put("credentials_file", token.toString());
      }
      Object basicAuth = job.get("basic_auth");
      if (basicAuth != null) {
        Assets.map(basicAuth).put("password_file", token.toString());
      }
      for (Object r : Assets.list(job.get("relabel_configs"))) {
        if ("__address__".equals(Assets.map(r).get("target_label"))) {
          Assets.map(r).put("replacement", targets.get(name));
        }
      }
      jobs.add(job);
    }
    assertThat(jobs).hasSize(targets.size());
    config.put("scrape_configs", jobs);
    return Assets.yamlText(config);
  }

  private static JsonNode awaitRules(PrometheusServer prometheus, int expected) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode groups = null;
    while (System.nanoTime() < deadline) {
      groups = prometheus.ruleGroups();
      int evaluated = 0;
      for (JsonNode g : groups) {
        for (JsonNode r : g.path("rules")) {
          if (!r.path("health").asText().equals("unknown")) {
            evaluated++;
          }
        }
      }
      if (evaluated == expected) {
        return groups;
      }
      sleep();
    }
    throw new AssertionError("not every rule was evaluated within " + WAIT + ": " + groups);
  }

  /**
   * Series names of englog-metrics and englog-health catalog metrics that a shipped rule or dashboard
   * uses, except those only a failure creates.
   */
  private static Set<String> emittedMetricsTheAssetsUse() {
    Set<String> catalog = new TreeSet<>();
    for (Map.Entry<String, JsonNode> e : MetricCatalog.resources(MetricCatalog.CATALOG_DIR).entrySet()) {
      if (e.getKey().endsWith("englog-metrics.json") || e.getKey().endsWith("englog-health.json")) {
        for (JsonNode m : e.getValue()) {
          catalog.add(m.path("name").asText());
        }
      }
    }
    StringBuilder used = new StringBuilder();
    RuleFiles.shipped().forEach(r -> used.append(r.expr).append('\n'));
    Assets.dashboards().forEach(d -> used.append(Assets.read(d)).append('\n'));
    Set<String> out = new TreeSet<>();
    Matcher names = Pattern.compile("[a-z_][a-z0-9_]*").matcher(used);
    Map<String, String> series = new LinkedHashMap<>();
    while (names.find()) {
      String n = names.group();
      for (String c : catalog) {
        if (n.equals(c) || n.equals(c + "_bucket") || n.equals(c + "_count") || n.equals(c + "_sum")) {
          series.put(n, c);
        }
      }
    }
    series.forEach((name, metric) -> {
      if (!ONLY_ON_FAILURE.contains(metric)) {
        out.add(name);
      }
    });
    assertThat(out).contains("englog_http_requests_total", "englog_business_journals_created_total",
        "englog_users_active", "jvm_memory_used_bytes", "process_cpu_usage", "englog_health_status");
    return out;
  }

  private static void sleep() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
