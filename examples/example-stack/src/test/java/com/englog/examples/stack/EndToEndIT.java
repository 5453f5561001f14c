package com.englog.examples.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.AlertWebhookReceiver;
import com.englog.observability.testsupport.AlertWebhookReceiver.Notification;
import com.englog.observability.testsupport.ExternalTool;
import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.PostgresServer;
import com.englog.observability.testsupport.PrometheusServer;
import com.englog.observability.testsupport.ReceivedSpan;
import com.englog.observability.testsupport.TestEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole example stack on loopback, started by the same {@link ExampleStack} code as the demo:
 * API + worker (Redis hand-off) + simulated AI provider + PostgreSQL + Redis + their exporters +
 * Prometheus and Alertmanager running copies of the shipped monitoring assets with every timing divided
 * by {@value #DIVISOR} + an OTLP receiver + the alert webhook receiver. The tests share the stack, in
 * order: health, catalog families in Prometheus, one trace across processes, an exemplar, then the
 * fault drill. Everything is stopped after the last test, whatever failed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

  static final int DIVISOR = 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String API_JOB = ExampleStack.API;
  private static final String WORKER_JOB = ExampleStack.WORKER;
  private static final List<String> CATALOGS = List.of("englog-metrics.json", "englog-health.json",
      "englog-servlet-filters.json");

  /**
   * Catalogued families the example services do not expose after the generated traffic, each with the
   * reason. A family listed here that does appear is fine; one missing and not listed fails the test.
   */
  static final Map<String, String> NOT_EXPOSED = Map.ofEntries(
      Map.entry("englog_health_recovery_attempts_total", "no health check of the examples has a recovery action"),
      Map.entry("jvm_gc_concurrent_phase_time_seconds", "only collectors with concurrent phases (ZGC, Shenandoah)"),
      Map.entry("jvm_gc_concurrent_phase_time_seconds_max", "only collectors with concurrent phases (ZGC, Shenandoah)"),
      Map.entry("jvm_gc_pause_seconds", "a young JVM with a roomy heap may not have collected yet"),
      Map.entry("jvm_gc_pause_seconds_max", "a young JVM with a roomy heap may not have collected yet"),
      Map.entry("jvm_gc_memory_promoted_bytes_total", "a young JVM may not have promoted anything yet"),
      Map.entry("englog_health_check_timeouts_total", "counted only once a check times out"),
      Map.entry("englog_cache_hits_total", "the traffic views each journal's summary once: misses only"));

  private ExampleStack stack;
  private PrometheusServer prometheus;
  private AlertWebhookReceiver webhooks;
  private OtlpHttpReceiver otlp;

  @BeforeAll
  void startStack() {
    for (ExternalTool tool : List.of(ExternalTool.PROMETHEUS, ExternalTool.ALERTMANAGER, ExternalTool.POSTGRES,
        ExternalTool.INITDB, ExternalTool.PG_CTL, ExternalTool.POSTGRES_EXPORTER, ExternalTool.REDIS_SERVER,
        ExternalTool.REDIS_EXPORTER)) {
      tool.require();
    }
    ExampleStack.Options options = new ExampleStack.Options();
    options.examplesDirectory = TestEnvironment.repositoryRoot().resolve("examples");
    options.monitoringAssets = Path.of("target/monitoring").toAbsolutePath();
    options.apiPort = 0;
    options.workerPort = 0;
    options.aiPort = 0;
    options.prometheusPort = 0;
    options.alertmanagerPort = 0;
    options.postgres = true;
    options.redis = true;
    options.monitoring = ExampleStack.Monitoring.ON;
    options.otlp = true;
    options.timeDivisor = DIVISOR;
    // Not divided (15s / 20 would leave scrapes 750 ms): postgres_exporter needs about a second to report
    // pg_up 0 when the database refuses connections, and a scrape that times out hides pg_up altogether.
    options.scrapeInterval = Duration.ofSeconds(2);
    options.evaluationInterval = Duration.ofSeconds(1);
    options.trafficPeriod = Duration.ofMillis(300);
    options.printNotifications = true;
    stack = ExampleStack.start(options);
    prometheus = stack.prometheus().orElseThrow();
    webhooks = stack.webhooks().orElseThrow();
    otlp = stack.otlp().orElseThrow();
  }

  @AfterAll
  void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void everyHealthEndpointIsUp() throws Exception {
    for (URI service : List.of(stack.apiUri(), stack.workerUri())) {
      HttpResponse<String> health = get(service.resolve("/health"), null);
      assertThat(health.statusCode()).as(service + "/health: " + health.body()).isEqualTo(200);
      assertThat(JSON.readTree(health.body()).path("status").asText()).as(health.body()).isEqualTo("UP");
      assertThat(get(service.resolve("/health/ready"), null).statusCode()).isEqualTo(200);
      assertThat(get(service.resolve("/health/live"), null).statusCode()).isEqualTo(200);
    }
    assertThat(get(stack.aiProviderUri().resolve("/health"), null).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void everyCataloguedFamilyIsInPrometheusWithItsLabels() throws Exception {
    // An administrator's change (the traffic makes none) is what the audit counter counts.
    assertThat(stack.setApiErrorRate(0.0)).isEqualTo(200);
    prometheus.awaitTargetsUp(WAIT);
    Map<String, JsonNode> catalog = catalog();
    assertThat(catalog).hasSizeGreaterThan(40);
    assertThat(NOT_EXPOSED.keySet()).as("exceptions name catalogued families").isSubsetOf(catalog.keySet());

    // Wait for the traffic to have touched everything that is not an exception.
    Map<String, List<JsonNode>> series = new TreeMap<>();
    Set<String> missing = new TreeSet<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    do {
      series.clear();
      missing.clear();
      for (String family : catalog.keySet()) {
        List<JsonNode> found = series(family, catalog.get(family).path("type").asText());
        if (found.isEmpty()) {
          missing.add(family);
        } else {
          series.put(family, found);
        }
      }
      missing.removeAll(NOT_EXPOSED.keySet());
      if (missing.isEmpty()) {
        break;
      }
      Thread.sleep(1000);
    } while (System.nanoTime() < deadline);
    assertThat(missing).as("catalogued families Prometheus never scraped from " + API_JOB + " or " + WORKER_JOB)
        .isEmpty();

    List<String> wrongLabels = new ArrayList<>();
    for (Map.Entry<String, List<JsonNode>> e : series.entrySet()) {
      JsonNode entry = catalog.get(e.getKey());
      Set<String> seen = new HashSet<>();
      Map<String, Set<String>> values = new HashMap<>();
      for (JsonNode s : e.getValue()) {
        s.fieldNames().forEachRemaining(seen::add);
        s.properties().forEach(f -> values.computeIfAbsent(f.getKey(), k -> new TreeSet<>()).add(f.getValue().asText()));
      }
      for (JsonNode label : entry.path("labels")) {
        if (label.has("opt_in")) {
          continue;
        }
        String name = label.path("name").asText();
        if (!seen.contains(name)) {
          wrongLabels.add(e.getKey() + " lacks label " + name + " (has " + seen + ")");
        } else if (label.has("values")) {
          Set<String> allowed = new HashSet<>();
          label.path("values").forEach(v -> allowed.add(v.asText()));
          Set<String> outside = new TreeSet<>(values.get(name));
          outside.removeAll(allowed);
          if (!outside.isEmpty()) {
            wrongLabels.add(e.getKey() + " label " + name + " has values outside the catalog: " + outside);
          }
        }
      }
    }
    assertThat(wrongLabels).isEmpty();
  }

  @Test
  @Order(3)
  void oneRequestIsOneTraceAcrossApiWorkerAndAiProviderInSpansAndLogs() throws Exception {
    // A journal created by the traffic: the API's PRODUCER span, the worker's CONSUMER span under it.
    List<ReceivedSpan> consumers = otlp.awaitSpans(1,
        s -> service(s).equals(WORKER_JOB) && s.kind() == Span.SpanKind.SPAN_KIND_CONSUMER, WAIT);
    ReceivedSpan consumer = consumers.get(0);
    String traceId = consumer.traceId();
    Map<String, ReceivedSpan> byId = new HashMap<>();
    awaitTrue("the worker's AI call of trace " + traceId + " is exported", () -> {
      byId.clear();
      otlp.spans().stream().filter(s -> s.traceId().equals(traceId)).forEach(s -> byId.put(s.spanId(), s));
      return byId.values().stream().anyMatch(s -> service(s).equals(WORKER_JOB)
          && s.kind() == Span.SpanKind.SPAN_KIND_CLIENT);
    });
    ReceivedSpan producer = byId.get(consumer.parentSpanId());
    assertThat(producer).as("the CONSUMER's parent is exported: " + byId.values()).isNotNull();
    assertThat(service(producer)).isEqualTo(API_JOB);
    assertThat(producer.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_PRODUCER);
    ReceivedSpan root = producer;
    while (!root.parentSpanId().isEmpty() && byId.containsKey(root.parentSpanId())) {
      root = byId.get(root.parentSpanId());
    }
    assertThat(root.parentSpanId()).as("the trace starts at the API request").isEmpty();
    assertThat(root.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(service(root)).isEqualTo(API_JOB);
    ReceivedSpan aiCall = byId.values().stream()
        .filter(s -> service(s).equals(WORKER_JOB) && s.kind() == Span.SpanKind.SPAN_KIND_CLIENT)
        .findFirst().orElseThrow();
    assertThat(descendsFrom(aiCall, consumer, byId)).as("the worker's AI call is under its CONSUMER span").isTrue();

    awaitTrue("the API and the worker log trace " + traceId, () ->
        logHasTrace(stack.api().logFile(), traceId) && logHasTrace(stack.worker().logFile(), traceId));
  }

  @Test
  @Order(4)
  void anApiLatencyExemplarPointsToAnExportedTrace() {
    Set<String> exported = new HashSet<>();
    awaitTrue("an exemplar of the API's latency histogram names a trace the OTLP receiver holds", () -> {
      otlp.spans().forEach(s -> exported.add(s.traceId()));
      return exemplarTraceIds().stream().anyMatch(exported::contains);
    });
  }

  @Test
  @Order(10)
  void aiProviderFailingFiresAiProcessingFailuresUntilItRecovers() {
    assertThat(stack.controlAiProvider(0, 1.0)).isEqualTo(200);
    Notification firing;
    try {
      firing = webhooks.await(n -> n.firing("AIProcessingFailures"), WAIT);
    } finally {
      assertThat(stack.controlAiProvider(0, 0.0)).isEqualTo(200);
    }
    assertThat(firing.receiver()).isEqualTo("warning-alerts");
    AlertWebhookReceiver.Alert alert = firing.alerts().stream().filter(a -> a.name().equals("AIProcessingFailures"))
        .findFirst().orElseThrow();
    assertThat(alert.labels()).containsEntry("severity", "warning").containsEntry("service", "ai");
    assertThat(alert.runbookUrl()).endsWith("runbooks/AIProcessingFailures.md#aiprocessingfailures");
    webhooks.await(n -> n.receiver().equals("warning-alerts") && n.resolved("AIProcessingFailures"), WAIT);
  }

  @Test
  @Order(11)
  void errorBurstFiresHighErrorRateUntilItEnds() {
    assertThat(stack.setApiErrorRate(0.5)).isEqualTo(200);
    Notification firing;
    try {
      firing = webhooks.await(n -> n.firing("HighErrorRate"), WAIT);
    } finally {
      assertThat(stack.setApiErrorRate(0.0)).isEqualTo(200);
    }
    assertThat(firing.receiver()).isEqualTo("critical-alerts");
    AlertWebhookReceiver.Alert alert = firing.alerts().stream().filter(a -> a.name().equals("HighErrorRate"))
        .findFirst().orElseThrow();
    assertThat(alert.labels()).containsEntry("severity", "critical").containsEntry("job", API_JOB);
    assertThat(alert.runbookUrl()).endsWith("runbooks/HighErrorRate.md#higherrorrate");
    webhooks.await(n -> n.receiver().equals("critical-alerts") && n.resolved("HighErrorRate"), WAIT);
  }

  @Test
  @Order(12)
  void frozenDatabaseMakesReadinessFailWithinItsDeadlineAndPagesDependencyDown() throws Exception {
    int before = webhooks.notifications().size();
    PostgresServer postgres = stack.postgres().orElseThrow();
    postgres.freeze();
    try {
      // Each readiness probe answers within the health check's deadline plus 100 ms, and says 503.
      long slowest = 0;
      int status = 0;
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        status = get(stack.apiUri().resolve("/health/ready"), null).statusCode();
        slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
      }
      assertThat(status).isEqualTo(503);
      assertThat(slowest).as("slowest /health/ready (ms) with the database frozen")
          .isLessThanOrEqualTo(HEALTH_DEADLINE.toMillis() + 100);

      Notification page = awaitNotification(before, n -> n.alerts().stream().anyMatch(a -> a.firing()
          && a.name().equals("DependencyDown") && "db".equals(a.labels().get("component"))), true);
      assertThat(page.receiver()).isEqualTo("critical-alerts");
      assertThat(page.alerts().stream().filter(a -> a.name().equals("DependencyDown")).findFirst().orElseThrow()
          .runbookUrl()).endsWith("runbooks/DependencyDown.md#dependencydown");
      // The exporter hangs with the database: pg_up goes stale, so DatabaseDown stays silent.
      assertThat(since(before)).noneMatch(n -> n.firing("DatabaseDown"));
    } finally {
      postgres.thaw();
    }
    awaitNotification(before, n -> n.alerts().stream().anyMatch(a -> !a.firing()
        && a.name().equals("DependencyDown") && "db".equals(a.labels().get("component"))), true);
    assertThat(since(before)).noneMatch(n -> n.firing("DatabaseDown"));
  }

  @Test
  @Order(13)
  void stoppedDatabasePagesDatabaseDownAndInhibitsTheDuplicateDependencyDown() {
    int before = webhooks.notifications().size();
    stack.runPgCtl("stop");
    try {
      Notification page = awaitNotification(before, n -> n.firing("DatabaseDown"), true);
      assertThat(page.receiver()).isEqualTo("critical-alerts");
      AlertWebhookReceiver.Alert alert = page.alerts().stream().filter(a -> a.name().equals("DatabaseDown"))
          .findFirst().orElseThrow();
      assertThat(alert.labels()).containsEntry("component", "db").containsEntry("severity", "critical");
      assertThat(alert.runbookUrl()).endsWith("runbooks/DatabaseDown.md#databasedown");
      // The API's health check sees the same outage: Alertmanager holds it back as inhibited.
      stack.alertmanager().orElseThrow().awaitAlerts(alerts -> {
        for (JsonNode a : alerts) {
          if (a.path("labels").path("alertname").asText().equals("DependencyDown")
              && a.path("labels").path("component").asText().equals("db")
              && a.path("status").path("inhibitedBy").size() > 0) {
            return true;
          }
        }
        return false;
      }, WAIT);
      assertThat(since(before)).as("DependencyDown{component=db} never reaches a receiver while DatabaseDown fires")
          .noneMatch(n -> n.alerts().stream().anyMatch(a -> a.firing() && a.name().equals("DependencyDown")
              && "db".equals(a.labels().get("component"))));
    } finally {
      stack.runPgCtl("start");
    }
    awaitNotification(before, n -> n.resolved("DatabaseDown"), false);
    assertThat(since(before)).noneMatch(n -> n.alerts().stream().anyMatch(a -> a.firing()
        && a.name().equals("DependencyDown") && "db".equals(a.labels().get("component"))));
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** The API's health check deadline: a check that has not answered by then counts as DOWN. */
  private static final Duration HEALTH_DEADLINE = Duration.ofSeconds(2);

  private List<Notification> since(int index) {
    List<Notification> all = webhooks.notifications();
    return all.subList(Math.min(index, all.size()), all.size());
  }

  /**
   * Waits for a notification; with {@code probeReadiness} the API's readiness is probed every second
   * meanwhile, as an orchestrator would, so its uncached database check keeps running.
   */
  private Notification awaitNotification(int from, Predicate<Notification> condition,
      boolean probeReadiness) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Optional<Notification> found = since(from).stream().filter(condition).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching notification within " + WAIT + "; got: " + webhooks.notifications());
      }
      try {
        if (probeReadiness) {
          get(stack.apiUri().resolve("/health/ready"), null);
        }
        Thread.sleep(1000);
      } catch (IOException e) {
        // The API answers again on the next probe.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  private static String service(ReceivedSpan span) {
    return String.valueOf(span.resourceAttributes().get("service.name"));
  }

  private static boolean descendsFrom(ReceivedSpan span, ReceivedSpan ancestor, Map<String, ReceivedSpan> byId) {
    ReceivedSpan current = span;
    while (current != null) {
      if (current.spanId().equals(ancestor.spanId())) {
        return true;
      }
      current = byId.get(current.parentSpanId());
    }
    return false;
  }

  private static boolean logHasTrace(Path log, String traceId) {
    try {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.startsWith("{") && line.contains(traceId)
            && traceId.equals(JSON.readTree(line).path("trace_id").asText())) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private Set<String> exemplarTraceIds() {
    long now = Instant.now().getEpochSecond();
    String query = "englog_http_request_duration_seconds_bucket{job=\"" + API_JOB + "\"}";
    JsonNode data = prometheus.get("/api/v1/query_exemplars?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
        + "&start=" + (now - 600) + "&end=" + (now + 5)).path("data");
    Set<String> ids = new HashSet<>();
    for (JsonNode seriesExemplars : data) {
      for (JsonNode exemplar : seriesExemplars.path("exemplars")) {
        JsonNode labels = exemplar.path("labels");
        String id = labels.has("trace_id") ? labels.path("trace_id").asText() : labels.path("traceID").asText();
        if (!id.isEmpty()) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  /** The series of a family (histograms and summaries by their _count) scraped from the services. */
  private List<JsonNode> series(String family, String type) {
    String name = type.equals("histogram") || type.equals("summary") ? family + "_count" : family;
    String match = name + "{job=~\"" + API_JOB + "|" + WORKER_JOB + "\"}";
    long now = Instant.now().getEpochSecond();
    JsonNode data = prometheus.get("/api/v1/series?match[]=" + URLEncoder.encode(match, StandardCharsets.UTF_8)
        + "&start=" + (now - 600) + "&end=" + (now + 5)).path("data");
    List<JsonNode> out = new ArrayList<>();
    data.forEach(out::add);
    return out;
  }

  /** Every family of the metrics, health and servlet catalogs, by name. */
  private static Map<String, JsonNode> catalog() throws IOException {
    Map<String, JsonNode> families = new TreeMap<>();
    for (String file : CATALOGS) {
      try (InputStream in = EndToEndIT.class.getClassLoader()
          .getResourceAsStream("META-INF/englog/metrics-catalog/" + file)) {
        assertThat(in).as(file + " on the test class path").isNotNull();
        for (JsonNode family : JSON.readTree(in)) {
          families.put(family.path("name").asText(), family);
        }
      }
    }
    return families;
  }

  private static HttpResponse<String> get(URI uri, String token) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
