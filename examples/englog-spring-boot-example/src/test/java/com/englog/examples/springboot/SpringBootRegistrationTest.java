package com.englog.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.englog.observability.logging.JsonEncoder;
import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.ReceivedSpan;
import io.opentelemetry.proto.trace.v1.Span;
import jakarta.servlet.ServletContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/**
 * The registration docs/servlet.md shows for Spring Boot, run for real: Spring Boot 3 on embedded
 * Tomcat 10.1 (a Jakarta Servlet 6.0 container, the floor the suite supports), requests over loopback.
 */
class SpringBootRegistrationTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @TempDir
  static Path dir;
  private static OtlpHttpReceiver otlp;
  private static ServletWebServerApplicationContext app;
  private static String token;
  private static String basic;
  private static final ByteArrayOutputStream LINES = new ByteArrayOutputStream();
  private static OutputStreamAppender<ILoggingEvent> capture;

  @BeforeAll
  static void start() throws IOException {
    otlp = OtlpHttpReceiver.start();
    token = UUID.randomUUID().toString();
    Path tokenFile = Files.writeString(dir.resolve("metrics-token"), token);
    String password = UUID.randomUUID().toString();
    Path usersFile = Files.writeString(dir.resolve("users"),
        "alice:" + PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(password) + "\n");
    basic = "Basic " + Base64.getEncoder().encodeToString(("alice:" + password).getBytes(StandardCharsets.UTF_8));
    System.setProperty("otel.bsp.schedule.delay", "100");
    app = (ServletWebServerApplicationContext) new SpringApplicationBuilder(SpringBootExample.class).run(
        "--server.address=127.0.0.1", "--server.port=0",
        "--englog.metrics.token-file=" + tokenFile, "--englog.example.users-file=" + usersFile,
        "--otel.exporter.otlp.endpoint=" + otlp.endpoint());
    // Spring Boot configured logback from the example's logback.xml; add a synchronous copy of the lines.
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(logback);
    encoder.start();
    capture = new OutputStreamAppender<>();
    capture.setContext(logback);
    capture.setEncoder(encoder);
    capture.setOutputStream(LINES);
    capture.start();
    logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(capture);
  }

  @AfterAll
  static void stop() {
    if (capture != null) {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
          .detachAppender(capture);
    }
    if (app != null) {
      app.close();
    }
    if (otlp != null) {
      otlp.close();
    }
    System.clearProperty("otel.bsp.schedule.delay");
  }

  @Test
  void theContainerIsAServlet60One() {
    ServletContext servletContext = app.getServletContext();
    assertThat(servletContext.getServerInfo()).startsWith("Apache Tomcat/10.1.");
    assertThat(servletContext.getMajorVersion()).isEqualTo(6);
    assertThat(servletContext.getMinorVersion()).isZero();
  }

  @Test
  void aRequestIsMeasuredTracedAndLoggedUnderItsSpringMvcTemplate() throws Exception {
    HttpResponse<String> response = send(request("/api/v1/journals/4217").header("traceparent", TRACEPARENT)
        .header("X-Request-ID", "spring-boot-check-1").header("Authorization", basic));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"id\":4217");
    assertThat(response.headers().firstValue("traceresponse")).hasValueSatisfying(
        v -> assertThat(v).startsWith("00-" + TRACE_ID + "-"));
    assertThat(response.headers().firstValue("X-Request-ID")).contains("spring-boot-check-1");

    String scrape = scrape(token).body();
    assertThat(scrape).contains(
        "englog_http_requests_total{endpoint=\"/api/v1/journals/{id}\",method=\"GET\",status_code=\"200\"}");
    assertThat(scrape).doesNotContain("4217");

    ReceivedSpan span = otlp.awaitSpans(1, s -> s.traceId().equals(TRACE_ID), WAIT).get(0);
    assertThat(span.name()).isEqualTo("GET /api/v1/journals/{id}");
    assertThat(span.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.parentSpanId()).isEqualTo("00f067aa0ba902b7");

    List<String> lines = lines(TRACE_ID, 2);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"message\":\"journal read\"")
        .contains("\"correlation_id\":\"spring-boot-check-1\""));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"message\":\"http_request\"")
        .contains("\"route\":\"/api/v1/journals/{id}\"").contains("\"status\":200"));
  }

  @Test
  void aRequestSpringSecurityRejectsIsStillCountedLoggedAndTraced() throws Exception {
    // The EngLog filter runs before Spring Security's chain: were it after, this request would leave no trace.
    String traceId = "5bf92f3577b34da6a3ce929d0e0e4737";
    HttpResponse<String> response = send(request("/api/v1/journals/7")
        .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        v -> assertThat(v).startsWith("Basic"));
    assertThat(response.headers().firstValue("traceresponse")).hasValueSatisfying(
        v -> assertThat(v).startsWith("00-" + traceId + "-"));

    String scrape = scrape(token).body();
    assertThat(scrape).contains("englog_http_requests_total{endpoint=\"REJECTED\",method=\"GET\",status_code=\"401\"} 1.0",
        "englog_security_authentication_failures_total{auth_method=\"other\",endpoint=\"REJECTED\",reason=\"other\"} 1.0");
    ReceivedSpan span = otlp.awaitSpans(1, s -> s.traceId().equals(traceId), WAIT).get(0);
    assertThat(span.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.attributes()).containsEntry("http.response.status_code", 401L);
    assertThat(lines(traceId, 1)).anySatisfy(l -> assertThat(l).contains("\"message\":\"http_request\"")
        .contains("\"status\":401"));
  }

  @Test
  void metricsNeedTheTokenAndCarryTheHooks() throws Exception {
    assertThat(scrape(null).statusCode()).isEqualTo(401);
    assertThat(scrape("not-" + token).statusCode()).isEqualTo(401);
    HttpResponse<String> scrape = scrape(token);
    assertThat(scrape.statusCode()).isEqualTo(200);
    // Wired by EnglogServlet.install in the ServletContextInitializer bean: tracing's, logging's and
    // health's own series on the same registry.
    assertThat(scrape.body()).contains("englog_tracing_spans_dropped_total", "englog_logging_events_dropped_total",
        "englog_health_status");
  }

  @Test
  void healthAnswersAndIsNotCountedAsTraffic() throws Exception {
    HttpResponse<String> health = send(request("/health"));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("UP");
    assertThat(send(request("/health/live")).statusCode()).isEqualTo(200);
    assertThat(scrape(token).body()).doesNotContain("endpoint=\"/health");
  }

  private static List<String> lines(String traceId, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      String all;
      synchronized (LINES) {
        all = LINES.toString(StandardCharsets.UTF_8);
      }
      List<String> lines = all.lines().filter(l -> l.contains("\"trace_id\":\"" + traceId + "\"")).toList();
      if (lines.size() >= atLeast || System.nanoTime() > deadline) {
        return lines;
      }
      Thread.sleep(20);
    }
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.getWebServer().getPort() + path))
        .timeout(WAIT);
  }

  private static HttpResponse<String> scrape(String bearer) throws Exception {
    HttpRequest.Builder b = request("/metrics");
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return send(b);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
