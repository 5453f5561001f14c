package com.englog.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.FreePort;
import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.ReceivedSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged worker with the HTTP hand-off (no Redis), an OTLP receiver and a stand-in AI provider,
 * all on loopback: one process through its whole life, from the ready line to SIGTERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerHttpHandOffIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(15);

  private OtlpHttpReceiver otlp;
  private AiProviderStandIn ai;
  private WorkerProcess worker;

  @BeforeAll
  void start() throws IOException {
    otlp = OtlpHttpReceiver.start();
    ai = AiProviderStandIn.start();
    worker = WorkerProcess.start("http-hand-off", FreePort.next(), Map.of(
        "ENGLOG_EXAMPLE_AI_URL", ai.url(),
        "OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(),
        "OTEL_BSP_SCHEDULE_DELAY", "100",
        // one thread and one queue slot, so three held jobs fill the worker
        "ENGLOG_EXAMPLE_WORKER_THREADS", "1",
        "ENGLOG_EXAMPLE_WORKER_QUEUE_CAPACITY", "1"));
  }

  @AfterAll
  void stop() {
    if (worker != null) {
      worker.close();
    }
    if (ai != null) {
      ai.close();
    }
    if (otlp != null) {
      otlp.close();
    }
  }

  @Test
  @Order(1)
  void readinessIsUpWhenTheReadyLineIsPrinted() throws Exception {
    assertThat(get("/health/ready", null).statusCode()).isEqualTo(200);
    assertThat(get("/health/live", null).statusCode()).isEqualTo(200);

    // On a loaded machine the first AI check can miss its 2 s deadline (DEGRADED, still 200); the
    // next one, at most 5 s later, finds the provider up.
    HttpResponse<String> ready = poll(() -> get("/health/ready", null), r -> r.body().equals("{\"status\":\"UP\"}"));
    assertThat(ready.body()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  @Order(2)
  void metricsNeedTheBearerToken() throws Exception {
    assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get("/metrics", "wrong-token").statusCode()).isEqualTo(401);
    assertThat(get("/metrics", worker.token()).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(3)
  void aJobContinuesTheApiTraceIntoTheAiCall() throws Exception {
    String traceId = randomHex(16);
    String apiSpanId = randomHex(8);

    // As the API hands a job off without Redis: the W3C context in the payload and in the headers.
    HttpResponse<String> accepted = post(job("j-trace", traceId, apiSpanId),
        Map.of("traceparent", "00-" + traceId + "-" + apiSpanId + "-01"));
    assertThat(accepted.statusCode()).isEqualTo(202);

    ReceivedSpan request = span(traceId, SpanKind.SPAN_KIND_SERVER);
    assertThat(request.name()).isEqualTo("POST /jobs");
    assertThat(request.parentSpanId()).isEqualTo(apiSpanId);
    assertThat(request.attributes()).containsEntry("http.response.status_code", 202L);

    ReceivedSpan consumer = span(traceId, SpanKind.SPAN_KIND_CONSUMER);
    assertThat(consumer.parentSpanId()).as("the API's PRODUCER span is the parent").isEqualTo(apiSpanId);
    assertThat(consumer.name()).isEqualTo("process summarize");
    assertThat(consumer.resourceAttributes()).containsEntry("service.name", "englog-worker");

    ReceivedSpan client = span(traceId, SpanKind.SPAN_KIND_CLIENT);
    assertThat(client.parentSpanId()).isEqualTo(consumer.spanId());
    assertThat(client.attributes())
        .containsEntry("server.address", "127.0.0.1")
        .containsEntry("server.port", (long) URI.create(ai.url()).getPort())
        .containsEntry("peer.service", "englog-ai-provider");

    assertThat(ai.traceparents()).anySatisfy(header ->
        assertThat(header).isEqualTo("00-" + traceId + "-" + client.spanId() + "-01"));

    String openMetrics = scrape("application/openmetrics-text; version=1.0.0");
    assertThat(sample(openMetrics, "englog_ai_processing_duration_seconds_count{provider=\"simulated\",task_type=\"summarize\"}"))
        .isEqualTo(1.0);
    assertThat(openMetrics.lines()
        .filter(l -> l.startsWith("englog_ai_processing_duration_seconds_bucket"))
        .filter(l -> l.contains("trace_id=\"" + traceId + "\"")))
        .as("an exemplar on the AI histogram points at this trace")
        .isNotEmpty();

    JsonNode event = logLine(l -> traceId.equals(l.path("trace_id").asText())
        && "business_event".equals(l.path("message").asText()));
    assertThat(event.path("event").asText()).isEqualTo("ai_summary_created");
    assertThat(event.path("journal_id").asText()).isEqualTo("j-trace");
    assertThat(event.path("span_id").asText()).isEqualTo(consumer.spanId());
  }

  @Test
  @Order(4)
  void withoutATraceInThePayloadTheRequestHeadersAreContinued() throws Exception {
    String traceId = randomHex(16);
    String apiSpanId = randomHex(8);
    String payload = "{\"journalId\":\"j-headers\",\"userId\":\"alice\",\"text\":\"Walked the dog.\"}";

    HttpResponse<String> accepted = post(payload, Map.of("traceparent", "00-" + traceId + "-" + apiSpanId + "-01"));

    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(span(traceId, SpanKind.SPAN_KIND_CONSUMER).parentSpanId()).isEqualTo(apiSpanId);
  }

  @Test
  @Order(5)
  void aFailingProviderIsCountedByErrorType() throws Exception {
    ai.answer(503);
    try {
      String traceId = randomHex(16);
      assertThat(post(job("j-fails", traceId, randomHex(8)), Map.of()).statusCode()).isEqualTo(202);

      ReceivedSpan client = span(traceId, SpanKind.SPAN_KIND_CLIENT);
      assertThat(client.statusCode().name()).isEqualTo("STATUS_CODE_ERROR");
      assertThat(sample(scrape("text/plain"), "englog_ai_processing_errors_total{error_type=\"provider_error\","
          + "provider=\"simulated\",task_type=\"summarize\"}")).isEqualTo(1.0);
      assertThat(logLine(l -> traceId.equals(l.path("trace_id").asText())
          && "ai_processing_error".equals(l.path("message").asText())).path("error").path("type").asText())
          .isEqualTo(AiProviderException.class.getName());
    } finally {
      ai.answer(200);
    }
  }

  @Test
  @Order(6)
  void aFullQueueAnswers503AndCountsTheRejection() throws Exception {
    int before = ai.traceparents().size();
    ai.hold();
    try {
      assertThat(post(job("j-running", randomHex(16), randomHex(8)), Map.of()).statusCode()).isEqualTo(202);
      awaitProviderRequests(before + 1);   // j-running holds the only worker thread
      assertThat(post(job("j-queued", randomHex(16), randomHex(8)), Map.of()).statusCode()).isEqualTo(202);

      String refusedTrace = randomHex(16);
      String refusedParent = randomHex(8);
      HttpResponse<String> full = post(job("j-refused", refusedTrace, refusedParent),
          Map.of("traceparent", "00-" + refusedTrace + "-" + refusedParent + "-01"));

      assertThat(full.statusCode()).isEqualTo(503);
      assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
      ReceivedSpan refused = span(refusedTrace, SpanKind.SPAN_KIND_SERVER);
      assertThat(refused.statusCode().name()).isEqualTo("STATUS_CODE_ERROR");
      assertThat(refused.attributes()).containsEntry("error.type", "503");
      assertThat(sample(scrape("text/plain"), "englog_worker_jobs_rejected_total{reason=\"queue_full\"}")).isEqualTo(1.0);
    } finally {
      ai.release();
    }
    awaitProviderRequests(before + 2);
  }

  @Test
  @Order(7)
  void sigtermAnswersReadinessWith503FirstThenDrainsFlushesAndExitsZero() throws Exception {
    String traceId = randomHex(16);
    int before = ai.traceparents().size();
    ai.hold();
    assertThat(post(job("j-in-flight", traceId, randomHex(8)), Map.of()).statusCode()).isEqualTo(202);
    awaitProviderRequests(before + 1);

    worker.sigterm();

    HttpResponse<String> ready = poll(() -> get("/health/ready", null), r -> r.statusCode() == 503);
    assertThat(ready.statusCode()).as("readiness while the job is still in flight").isEqualTo(503);
    assertThat(get("/health/live", null).statusCode()).as("liveness while draining").isEqualTo(200);
    assertThat(post(job("j-late", randomHex(16), randomHex(8)), Map.of()).statusCode()).isEqualTo(503);
    assertThat(otlp.spans()).noneMatch(s -> s.traceId().equals(traceId) && s.kind() == SpanKind.SPAN_KIND_CONSUMER);

    ai.release();

    assertThat(worker.awaitExit(WAIT)).isZero();
    List<ReceivedSpan> spans = otlp.awaitSpans(2, s -> s.traceId().equals(traceId), WAIT);
    assertThat(spans).extracting(ReceivedSpan::kind)
        .contains(SpanKind.SPAN_KIND_CONSUMER, SpanKind.SPAN_KIND_CLIENT);
    assertThat(worker.lines()).anyMatch(l -> l.contains("shutdown complete: jobs drained=true, spans flushed=true"));
  }

  // ------------------------------------------------------------------ helpers

  private static String job(String journalId, String traceId, String parentSpanId) {
    return "{\"journalId\":\"" + journalId + "\",\"userId\":\"alice\",\"text\":\"Walked the dog.\","
        + "\"enqueuedAt\":\"" + Instant.now() + "\","
        + "\"trace\":{\"traceparent\":\"00-" + traceId + "-" + parentSpanId + "-01\",\"tracestate\":\"api=1\"}}";
  }

  /** The value of the series {@code series} (name and labels as exposed). */
  private static double sample(String exposition, String series) {
    return exposition.lines()
        .filter(l -> l.startsWith(series + " "))
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).split(" ")[0]))
        .findFirst()
        .orElseThrow(() -> new AssertionError(series + " not in:\n" + exposition));
  }

  private ReceivedSpan span(String traceId, SpanKind kind) {
    return otlp.awaitSpans(1, s -> s.traceId().equals(traceId) && s.kind() == kind, WAIT).get(0);
  }

  private JsonNode logLine(java.util.function.Predicate<JsonNode> match) throws IOException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : worker.jsonLines()) {
        JsonNode node = JSON.readTree(line);
        if (match.test(node)) {
          return node;
        }
      }
      WorkerProcess.sleep(50);
    }
    throw new AssertionError("no such log line; output:\n" + String.join("\n", worker.lines()));
  }

  private void awaitProviderRequests(int count) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (ai.traceparents().size() < count) {
      assertThat(System.nanoTime()).as("the AI provider got %d requests", count).isLessThan(deadline);
      WorkerProcess.sleep(20);
    }
  }

  private String scrape(String accept) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(worker.baseUri() + "/metrics"))
        .header("Authorization", "Bearer " + worker.token())
        .header("Accept", accept)
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(worker.baseUri() + path)).timeout(WAIT);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(worker.baseUri() + "/jobs"))
        .timeout(WAIT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T poll(ThrowingSupplier<T> call, java.util.function.Predicate<T> until) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    T last = call.get();
    while (!until.test(last) && System.nanoTime() < deadline) {
      WorkerProcess.sleep(20);
      last = call.get();
    }
    return last;
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 1;   // never the all-zero (invalid) id
    return HexFormat.of().formatHex(b);
  }

  @FunctionalInterface
  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }
}
