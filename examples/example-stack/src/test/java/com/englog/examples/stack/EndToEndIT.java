package com.englog.examples.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.AlertWebhookReceiver;
import com.englog.observability.testsupport.AlertWebhookReceiver.Notification;
import com.englog.observability.testsupport.ExternalTool;
import com.englog.observability.testsupport.OtlpHttpReceiver;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
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
      Map.entry("englog_security_rate_limited_total", "the examples configure no rate limit"),
      Map.entry("englog_metrics_cardinality_overflow_total", "counted only when a label exceeds its cardinality limit"),
      Map.entry("englog_metrics_recordings_dropped_total", "counted only when a recording is rejected"),
      Map.entry("englog_security_redactions_total", "counted only when a redactor rewrites a value"),
      Map.entry("englog_security_audit_events_total", "the examples record no audit events"),
      Map.entry("englog_http_correlation_ids_replaced_total", "the traffic sends no invalid correlation id"),
      Map.entry("englog_tracing_spans_dropped_total", "counted only when the span queue is full"),
      Map.entry("englog_tracing_spans_failed_total", "counted only when an export fails"),
      Map.entry("englog_tracing_contexts_rejected_total", "the traffic sends no invalid traceparent"),
      Map.entry("englog_tracing_baggage_rejected_total", "the traffic sends no baggage"),
      Map.entry("englog_tracing_queue_spans", "registered only by the servlet's span-queue gauge when enabled"),
      Map.entry("jvm_gc_concurrent_phase_time_seconds", "only collectors with concurrent phases (ZGC, Shenandoah)"),
      Map.entry("jvm_gc_concurrent_phase_time_seconds_max", "only collectors with concurrent phases (ZGC, Shenandoah)"),
      Map.entry("jvm_gc_pause_seconds", "a short-lived JVM may not have collected yet"),
      Map.entry("jvm_gc_pause_seconds_max", "a short-lived JVM may not have collected yet"),
      Map.entry("jvm_gc_memory_promoted_bytes_total", "a short-lived JVM may not have collected yet"),
      Map.entry("englog_health_check_timeouts_total", "counted only when a check times out"),
      Map.entry("englog_users_active", "the examples report no active-user windows"),
      Map.entry("englog_cache_hits_total", "the examples use no englog cache metrics"),
      Map.entry("englog_cache_misses_total", "the examples use no englog cache metrics"));

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
    options.scrapeInterval = Duration.ofSeconds(1);
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

  // --- helpers -------------------------------------------------------------------------------------

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
