package com.englog.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.examples.api.web.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API as a client, an operator and Prometheus see it: H2, the in-process cache, the simulated AI
 * provider and a worker stub, no OTLP endpoint.
 */
class ApiServerTest {

  @TempDir
  static Path tmp;

  private static StdoutCapture stdout;
  private static TestApi api;

  @BeforeAll
  static void start() throws Exception {
    stdout = StdoutCapture.install();
    api = TestApi.start(tmp, Map.of());
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void journalsAreCreatedListedAndReadUnderTheirRouteTemplates() throws Exception {
    String id = api.createJournal("Monday", "Walked the dog, wrote some code.");

    HttpResponse<String> list = api.get("/api/journals", TestApi.ALICE);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains(id).contains("Monday");
    HttpResponse<String> one = api.get("/api/journals/" + id, TestApi.ALICE);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(one.body()).path("body").asText()).isEqualTo("Walked the dog, wrote some code.");
    assertThat(api.get("/api/journals/" + id, TestApi.BOB).statusCode()).as("another user's journal").isEqualTo(404);
    assertThat(api.get("/api/journals/no-such-id", TestApi.ALICE).statusCode()).isEqualTo(404);

    String metrics = api.scrape();
    assertThat(metrics)
        .contains("englog_http_requests_total{endpoint=\"/api/journals\",method=\"POST\",status_code=\"201\"}")
        .contains("englog_http_requests_total{endpoint=\"/api/journals\",method=\"GET\",status_code=\"200\"}")
        .contains("englog_http_requests_total{endpoint=\"/api/journals/{id}\",method=\"GET\",status_code=\"200\"}")
        .contains("englog_http_requests_total{endpoint=\"/api/journals/{id}\",method=\"GET\",status_code=\"404\"}")
        .contains("englog_database_query_duration_seconds_count{operation=\"insert\",table=\"journals\"}")
        .doesNotContain(id);                                    // raw paths never become labels
  }

  @Test
  void authenticatedUsersAreCountedAsActive() throws Exception {
    assertThat(api.get("/api/journals", TestApi.BOB).statusCode()).isEqualTo(200);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (api.value("englog_users_active{time_window=\"1h\"}") < 1 && System.nanoTime() < deadline) {
      Thread.sleep(200); // recounted every few seconds
    }
    assertThat(api.value("englog_users_active{time_window=\"1h\"}")).isGreaterThanOrEqualTo(1);
    assertThat(api.value("englog_users_active{time_window=\"7d\"}")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aRequestRejectedBeforeItsBodyArrivedLeavesTheConnectionUsable() throws Exception {
    // Raw HTTP on one connection, the body sent after the headers (as HttpClient may): the 403 is decided
    // before the body arrives, and the next request on the connection must still be answered.
    String body = "{\"errorRate\":1.0}";
    try (Socket socket = new Socket(api.server.uri().getHost(), api.server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out.write(("PUT /api/admin/faults HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestApi.ALICE
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
      Thread.sleep(300);
      out.write(body.getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 403 Forbidden");
      skipResponse(in);

      out.write(("GET /api/journals HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestApi.ALICE
          + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(in.readLine()).as("the same connection answers again").isEqualTo("HTTP/1.1 200 OK");
    }
    assertThat(api.get("/api/admin/faults", TestApi.ADMIN).body()).as("the rejected PUT changed nothing")
        .contains("0.0");
  }

  /** Reads the rest of a response with a Content-Length. */
  private static void skipResponse(BufferedReader in) throws IOException {
    int length = 0;
    for (String header = in.readLine(); !header.isEmpty(); header = in.readLine()) {
      if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(header.substring("content-length:".length()).strip());
      }
    }
    for (int i = 0; i < length; i++) {
      in.read();
    }
  }

  @Test
  void metricsNeedTheToken() throws Exception {
    assertThat(api.get("/metrics", null).statusCode()).isEqualTo(401);
    assertThat(api.get("/metrics", TestApi.ALICE).statusCode()).isEqualTo(401);
  }

  @Test
  void rejectedRequestsAreCountedAsSecurityEvents() throws Exception {
    String failures = "englog_security_authentication_failures_total{auth_method=\"bearer\","
        + "endpoint=\"/api/journals\",reason=\"%s\"}";
    String missing = failures.formatted("missing_credentials");
    String invalid = failures.formatted("invalid_token");
    String denied = "englog_security_access_denied_total{endpoint=\"/api/journals\"}";
    double missingBefore = api.value(missing);
    double invalidBefore = api.value(invalid);
    double deniedBefore = api.value(denied);

    String body = "{\"title\":\"t\",\"body\":\"b\"}";
    assertThat(api.send("POST", "/api/journals", null, body).statusCode()).isEqualTo(401);
    assertThat(api.send("POST", "/api/journals", "not-a-token", body).statusCode()).isEqualTo(401);
    assertThat(api.send("POST", "/api/journals", TestApi.BOB, body).statusCode()).as("reader writes").isEqualTo(403);

    assertThat(api.value(missing)).isEqualTo(missingBefore + 1);
    assertThat(api.value(invalid)).isEqualTo(invalidBefore + 1);
    assertThat(api.value(denied)).isEqualTo(deniedBefore + 1);
    assertThat(api.scrape()).contains(
        "englog_http_requests_total{endpoint=\"/api/journals\",method=\"POST\",status_code=\"403\"}");
  }

  @Test
  void funnelCountsSignInJournalAndSummary() throws Exception {
    String step = "englog_business_funnel_steps_total{step=\"%s\"}";
    double signIn = api.value(step.formatted("sign_in"));
    double created = api.value(step.formatted("journal_created"));
    double viewed = api.value(step.formatted("ai_summary_viewed"));

    HttpResponse<String> session = api.send("POST", "/api/sessions", TestApi.ALICE, null);
    assertThat(session.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(session.body()).path("sessionId").asText()).isNotBlank();
    String id = api.createJournal("Tuesday", "Read a book about observability and took notes.");
    HttpResponse<String> summary = api.get("/api/journals/" + id + "/summary", TestApi.ALICE);
    assertThat(summary.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(summary.body()).path("cached").asBoolean()).isFalse();
    HttpResponse<String> again = api.get("/api/journals/" + id + "/summary", TestApi.ALICE);
    assertThat(Json.MAPPER.readTree(again.body()).path("cached").asBoolean()).isTrue();

    assertThat(api.value(step.formatted("sign_in"))).isEqualTo(signIn + 1);
    assertThat(api.value(step.formatted("journal_created"))).isEqualTo(created + 1);
    assertThat(api.value(step.formatted("ai_summary_viewed"))).isEqualTo(viewed + 2);
    assertThat(api.scrape())
        .contains("englog_cache_hits_total{cache_type=\"in_process\",key_pattern=\"summary:*\"}")
        .contains("englog_ai_processing_duration_seconds_count{provider=\"simulated\",task_type=\"summarize\"}");
  }

  @Test
  void theServicesOwnMetricsAreInItsCatalog() throws Exception {
    JsonNode catalog;
    try (InputStream in = ApiServerTest.class.getResourceAsStream(
        "/META-INF/englog/metrics-catalog/englog-api-example.json")) {
      catalog = Json.MAPPER.readTree(in);
    }
    String scrape = api.scrape();
    assertThat(catalog).isNotEmpty();
    for (JsonNode family : catalog) {
      String name = family.path("name").asText();
      assertThat(scrape.lines()).as("help of " + name)
          .anyMatch(l -> l.startsWith("# HELP ") && l.endsWith(" " + family.path("help").asText()));
      for (JsonNode label : family.path("labels")) {
        for (JsonNode value : label.path("values")) {
          assertThat(scrape).as("declared series at 0 from the first scrape")
              .contains(name + "{" + label.path("name").asText() + "=\"" + value.asText() + "\"}");
        }
      }
    }
  }

  @Test
  void aProviderFailureAnswers502AndIsCountedByType() throws Exception {
    String errors = "englog_ai_processing_errors_total{error_type=\"provider_error\",provider=\"simulated\","
        + "task_type=\"summarize\"}";
    double before = api.value(errors);
    String id = api.createJournal("Wednesday", "The provider will fail this one.");
    api.ai.control(0, 1.0);
    try {
      assertThat(api.get("/api/journals/" + id + "/summary", TestApi.ALICE).statusCode()).isEqualTo(502);
    } finally {
      api.ai.control(0, 0.0);
    }
    assertThat(api.value(errors)).isEqualTo(before + 1);
  }

  @Test
  void logLinesCarryTheTraceIdOfTheCallersTraceparent() throws Exception {
    String traceId = randomHex(32);
    String traceparent = "00-" + traceId + "-" + randomHex(16) + "-01";
    HttpResponse<String> created = api.send("POST", "/api/journals", TestApi.ALICE,
        "{\"title\":\"traced\",\"body\":\"one trace from the client to the log line\"}",
        "traceparent", traceparent);
    assertThat(created.statusCode()).isEqualTo(201);

    JsonNode event = awaitLogLine(line -> "business_event".equals(line.path("message").asText())
        && traceId.equals(line.path("trace_id").asText()));
    assertThat(event.path("event").asText()).isEqualTo("journal_created");
    assertThat(event.path("span_id").asText()).hasSize(16);
    JsonNode access = awaitLogLine(line -> "http_request".equals(line.path("message").asText())
        && traceId.equals(line.path("trace_id").asText()));
    assertThat(access.path("route").asText()).isEqualTo("/api/journals");
    assertThat(access.path("status").asInt()).isEqualTo(201);
  }

  @Test
  void accessLogLinesCarryTheSessionAndAUserPseudonym() throws Exception {
    String sessionId = Json.MAPPER.readTree(api.send("POST", "/api/sessions", TestApi.ALICE, null).body())
        .path("sessionId").asText();
    String traceId = randomHex(32);
    assertThat(api.send("GET", "/api/journals", TestApi.ALICE, null,
        "X-Session-ID", sessionId, "traceparent", "00-" + traceId + "-" + randomHex(16) + "-01").statusCode())
        .isEqualTo(200);

    JsonNode access = awaitLogLine(line -> "http_request".equals(line.path("message").asText())
        && traceId.equals(line.path("trace_id").asText()));
    assertThat(access.path("session_id").asText()).isEqualTo(sessionId);
    assertThat(access.path("user_id").asText()).as("an HMAC pseudonym, not the id").hasSize(64).isNotEqualTo("alice");
  }

  @Test
  void journalsAreHandedToTheWorkerWithTheirTraceContext() throws Exception {
    String traceId = randomHex(32);
    HttpResponse<String> created = api.send("POST", "/api/journals", TestApi.ALICE,
        "{\"title\":\"hand-off\",\"body\":\"summarise me later\"}",
        "traceparent", "00-" + traceId + "-" + randomHex(16) + "-01");
    assertThat(created.statusCode()).isEqualTo(201);
    String id = Json.MAPPER.readTree(created.body()).path("id").asText();

    WorkerStub.Received job = api.worker.jobs().stream()
        .filter(j -> j.body().contains(id)).findFirst().orElseThrow();
    JsonNode payload = Json.MAPPER.readTree(job.body());
    assertThat(payload.path("userId").asText()).isEqualTo("alice");
    assertThat(payload.path("text").asText()).isEqualTo("summarise me later");
    assertThat(payload.path("enqueuedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    String traceparent = payload.path("trace").path("traceparent").asText();
    assertThat(traceparent).startsWith("00-" + traceId + "-");   // the PRODUCER span, in the caller's trace
    assertThat(job.headers().get("Traceparent")).containsExactly(traceparent);
  }

  @Test
  void theErrorBurstFailsJournalRequestsUntilTurnedOff() throws Exception {
    assertThat(api.send("PUT", "/api/admin/faults", TestApi.ALICE, "{\"errorRate\":1.0}").statusCode())
        .as("writer is no admin").isEqualTo(403);
    assertThat(api.send("PUT", "/api/admin/faults", TestApi.ADMIN, "{\"errorRate\":2}").statusCode()).isEqualTo(400);
    assertThat(api.send("PUT", "/api/admin/faults", TestApi.ADMIN, "{\"errorRate\":1.0}").statusCode()).isEqualTo(200);
    try {
      assertThat(api.get("/api/journals", TestApi.ALICE).statusCode()).isEqualTo(500);
      assertThat(api.get("/api/admin/faults", TestApi.ADMIN).body()).contains("1.0");
    } finally {
      assertThat(api.send("PUT", "/api/admin/faults", TestApi.ADMIN, "{\"errorRate\":0.0}").statusCode())
          .isEqualTo(200);
    }
    assertThat(api.get("/api/journals", TestApi.ALICE).statusCode()).isEqualTo(200);
    assertThat(api.scrape()).contains(
        "englog_http_requests_total{endpoint=\"/api/journals\",method=\"GET\",status_code=\"500\"}");
  }

  @Test
  void readinessIsUpWithTheDatabaseUp() throws Exception {
    HttpResponse<String> ready = api.get("/health/ready", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(ready.body()).path("status").asText()).isIn("UP", "DEGRADED");
    assertThat(api.get("/health/db", null).statusCode()).isEqualTo(200);
    assertThat(api.get("/health/live", null).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownPathsAndMethodsGetJsonErrorsAndBoundedLabels() throws Exception {
    HttpResponse<String> unknown = api.get("/no/such/path/" + randomHex(8), TestApi.ALICE);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("\"error\"");
    HttpResponse<String> wrongMethod = api.send("DELETE", "/api/journals", TestApi.ALICE, null);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow"))
        .hasValueSatisfying(a -> assertThat(a).contains("GET", "POST"));

    assertThat(api.scrape())
        .contains("englog_http_requests_total{endpoint=\"NOT_FOUND\",method=\"GET\",status_code=\"404\"}")
        .contains("englog_http_requests_total{endpoint=\"/api/journals\",method=\"DELETE\",status_code=\"405\"}")
        .doesNotContain("/no/such/path");
  }

  @Test
  void spanExportIsOffWithoutAnOtlpEndpoint() {
    assertThat(stdout.lines()).anyMatch(l -> l.contains("EngLog tracing started") && l.contains("exporter=none"));
    assertThat(stdout.lines()).noneMatch(l -> l.contains("Failed to export"));
  }

  private static JsonNode awaitLogLine(Predicate<JsonNode> wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : List.copyOf(stdout.lines())) {
        Optional<JsonNode> json = parse(line);
        if (json.isPresent() && wanted.test(json.get())) {
          return json.get();
        }
      }
      Thread.sleep(20); // the appender writes asynchronously
    }
    throw new AssertionError("no such log line; stdout:\n" + String.join("\n", stdout.lines()));
  }

  private static Optional<JsonNode> parse(String line) {
    if (!line.startsWith("{")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readTree(line));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static String randomHex(int length) {
    StringBuilder hex = new StringBuilder();
    while (hex.length() < length) {
      hex.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE));
    }
    return hex.substring(0, length);
  }
}
