package com.englog.observability.servlet;

import static com.englog.observability.servlet.Harness.HTTP1;
import static com.englog.observability.servlet.Harness.HTTP2;
import static com.englog.observability.servlet.Harness.LINES;
import static com.englog.observability.servlet.Harness.await;
import static com.englog.observability.servlet.Harness.get;
import static com.englog.observability.servlet.Harness.lines;
import static com.englog.observability.servlet.Harness.requestSeries;
import static com.englog.observability.servlet.Harness.requests;
import static com.englog.observability.servlet.Harness.send;
import static com.englog.observability.servlet.Harness.serverSpan;
import static com.englog.observability.servlet.Harness.traceId;
import static com.englog.observability.servlet.Harness.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.englog.observability.logging.JulBridge;
import com.englog.observability.logging.LogFields;
import com.englog.observability.logging.internal.TraceContextCapture;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.LabelValues;
import com.englog.observability.testsupport.ReceivedSpan;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The filter's behaviour over real HTTP on loopback, the same suite on Jetty 12 (ee10) and Tomcat 11:
 * metrics and their labels, spans exported over OTLP, JSON log lines, MDC, async, failures, h2c and
 * virtual threads.
 */
class ObservabilityFilterTest {

  private static ServletContainer.Running start(ServletContainer.Kind kind, EnglogMetrics metrics) throws Exception {
    return App.start(kind, App.options(), metrics, UnaryOperator.identity());
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void aScriptedSetOfRequestsGivesExactlyTheseSeries(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      for (String path : List.of("/resolved/42", "/resolved/43", "/attr/bob", "/exact", "/api/items/7",
          "/some/raw/path", "/page.do", "/nothing/here", "/moved", "/gone/1", "/secure/401", "/secure/403",
          "/secure/429", "/exact-secure", "/forward", "/include", "/unavailable", "/metrics", "/health/live",
          "/health")) {
        get(c, path);
      }
      send(HTTP1, HttpRequest.newBuilder(c.uri("/exact")).method("BREW", HttpRequest.BodyPublishers.noBody()));

      Map<String, Double> expected = Map.ofEntries(
          Map.entry("GET /resolved/{id} 200", 2.0),
          Map.entry("GET /attr/{name} 200", 1.0),
          Map.entry("GET /exact 200", 1.0),
          Map.entry("GET /api/items/* 200", 1.0),
          Map.entry("GET " + LabelValues.UNMATCHED + " 200", 2.0),
          Map.entry("GET " + LabelValues.NOT_FOUND + " 404", 1.0),
          Map.entry("GET " + LabelValues.REDIRECTION + " 302", 1.0),
          Map.entry("GET /gone/* 404", 1.0),
          Map.entry("GET " + LabelValues.REJECTED + " 401", 1.0),
          Map.entry("GET " + LabelValues.REJECTED + " 403", 1.0),
          Map.entry("GET " + LabelValues.UNMATCHED + " 429", 1.0),
          Map.entry("GET /exact-secure 401", 1.0),
          Map.entry("GET /forward 200", 1.0),
          Map.entry("GET /include 200", 1.0),
          Map.entry("GET /unavailable 503", 1.0),
          Map.entry("OTHER " + LabelValues.UNKNOWN_METHOD + " 200", 1.0));
      Map<String, Double> actual = new java.util.TreeMap<>();
      for (Map<String, String> labels : requestSeries(metrics)) {
        double v = Harness.value(metrics, "englog_http_requests_total", labels);
        if (v > 0) {
          actual.put(labels.get("method") + " " + labels.get("endpoint") + " " + labels.get("status_code"), v);
        }
      }
      assertThat(actual).isEqualTo(new java.util.TreeMap<>(expected));

      // Each 401 by route: the one answered before routing under REJECTED, the routed one under its template.
      assertThat(value(metrics, "englog_security_authentication_failures_total",
          Map.of("auth_method", "jwt", "reason", "expired_token", "endpoint", LabelValues.REJECTED)))
          .isEqualTo(1.0);
      assertThat(value(metrics, "englog_security_authentication_failures_total",
          Map.of("auth_method", "jwt", "reason", "expired_token", "endpoint", "/exact-secure"))).isEqualTo(1.0);
      assertThat(value(metrics, "englog_security_access_denied_total",
          Map.of("endpoint", LabelValues.REJECTED))).isEqualTo(1.0);
      assertThat(value(metrics, "englog_security_rate_limited_total",
          Map.of("endpoint", LabelValues.UNMATCHED))).isEqualTo(1.0);
      assertThat(Harness.scrape(metrics).families.get("englog_http_request_duration_seconds").samples)
          .noneMatch(s -> "/error-page".equals(s.labels().get("endpoint"))
              || "/metrics".equals(s.labels().get("endpoint")));
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void aForwardIsRecordedOnceUnderTheForwardingRoute(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> r = answered(c, "/forward", 200, "exact", "the body of /exact, reached by the forward");
      ReceivedSpan span = recordedOnce(metrics, r, "GET /forward 200");
      assertThat(span.attributes()).containsEntry("http.route", "/forward").containsEntry("url.path", "/forward");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void anIncludeIsRecordedOnceUnderTheIncludingRoute(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> r = answered(c, "/include", 200, "before exact",
          "the including servlet's text, then /exact's");
      ReceivedSpan span = recordedOnce(metrics, r, "GET /include 200");
      assertThat(span.attributes()).containsEntry("http.route", "/include");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void anErrorPageIsRecordedOnceUnderTheFailingRoute(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> r = answered(c, "/unavailable", 503, "error page",
          "the error page's body, served by the ERROR dispatch");
      ReceivedSpan span = recordedOnce(metrics, r, "GET /unavailable 503");
      assertThat(span.attributes()).containsEntry("http.route", "/unavailable")
          .containsEntry("http.response.status_code", 503L);
      assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void distinctRawPathsAddNoSeries(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      for (int i = 0; i < 150; i++) {
        get(c, "/nothing/" + i);
        get(c, "/raw/" + i + "/x");
        get(c, "/api/items/" + i);
      }
      Set<String> endpoints = new HashSet<>();
      requestSeries(metrics).forEach(l -> endpoints.add(l.get("endpoint")));
      assertThat(endpoints).containsExactlyInAnyOrder(LabelValues.NOT_FOUND, LabelValues.UNMATCHED, "/api/items/*");
      assertThat(requests(metrics, "GET", "/api/items/*", 200)).isEqualTo(150.0);
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void theServerSpanContinuesTheCallersTraceWithSemanticAttributes(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      String caller = CorrelationIds.generate(); // 32 hex digits, a fresh trace per container
      HttpResponse<String> r = get(c, "/resolved/7?x=1", "traceparent", "00-" + caller + "-00f067aa0ba902b7-01",
          "User-Agent", "suite-agent/1.0");
      assertThat(traceId(r)).isEqualTo(caller);
      ReceivedSpan span = serverSpan(caller);
      assertThat(span.parentSpanId()).isEqualTo("00f067aa0ba902b7");
      assertThat(span.name()).isEqualTo("GET /resolved/{id}");
      assertThat(span.attributes()).containsEntry("http.request.method", "GET")
          .containsEntry("http.route", "/resolved/{id}")
          .containsEntry("url.path", "/resolved/7")
          .containsEntry("url.scheme", "http")
          .containsEntry("http.response.status_code", 200L)
          .containsEntry("client.address", "127.0.0.1")
          .containsEntry("network.peer.address", "127.0.0.1")
          .containsEntry("network.protocol.version", "1.1")
          .containsEntry("user_agent.original", "suite-agent/1.0")
          .containsEntry("server.port", (long) c.port())
          .containsEntry("server.address", "127.0.0.1");
      assertThat(span.statusCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

      HttpResponse<String> fresh = get(c, "/exact");
      ReceivedSpan root = serverSpan(traceId(fresh));
      assertThat(root.parentSpanId()).isEmpty();
      assertThat(fresh.headers().firstValue("traceresponse").orElseThrow())
          .matches("00-" + root.traceId() + "-" + root.spanId() + "-0[0-9a-f]");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void hostileTraceHeadersAreAnsweredAndLogNoStackTrace(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      // java.util.logging (the OpenTelemetry SDK, Tomcat's JULI) reaches the captured lines too.
      assertThat(JulBridge.isInstalled()).as("the JUL bridge of logback-test.xml").isTrue();
      int before = LINES.size();
      String big = "a".repeat(8 * 1024);
      List<String[]> cases = new ArrayList<>();
      cases.add(new String[] {"traceparent", "00-zzzz-not-a-trace"});
      cases.add(new String[] {"traceparent", "00-" + big});
      cases.add(new String[] {"tracestate", "k=" + big});
      cases.add(new String[] {"baggage", "k=" + "%".repeat(200)});
      cases.add(new String[] {"baggage", "k=%%%;p=%zz, j=%E0%A4%A"});
      cases.add(new String[] {"baggage", "k=" + big});
      String[] repeated = new String[100];
      for (int i = 0; i < 50; i++) {
        repeated[2 * i] = "baggage";
        repeated[2 * i + 1] = "k" + i + "=%%%" + i;
      }
      cases.add(repeated);
      String[] repeatedParents = new String[100];
      for (int i = 0; i < 50; i++) {
        repeatedParents[2 * i] = "traceparent";
        repeatedParents[2 * i + 1] = "00-4bf92f3577b34da6a3ce929d0e0e47" + (10 + i) + "-00f067aa0ba902b7-01";
      }
      cases.add(repeatedParents);
      String malformedStateCaller = CorrelationIds.generate();
      cases.add(new String[] {"traceparent", "00-" + malformedStateCaller + "-00f067aa0ba902b7-01",
          "tracestate", "k=%%%,=,@@"});
      String[] repeatedStates = new String[102];
      repeatedStates[0] = "traceparent";
      repeatedStates[1] = "00-" + CorrelationIds.generate() + "-00f067aa0ba902b7-01";
      for (int i = 0; i < 50; i++) {
        repeatedStates[2 * i + 2] = "tracestate";
        repeatedStates[2 * i + 3] = "k" + i + "=%%%,=,@@" + i;
      }
      cases.add(repeatedStates);
      for (String[] headers : cases) {
        HttpResponse<String> r = get(c, "/exact", headers);
        assertThat(r.statusCode()).as("answer to %s", String.join(" ", headers)).isEqualTo(200);
        assertThat(traceId(r)).doesNotStartWith("4bf92f3577b34da6a3ce929d0e0e47");
        if (headers.length == 4 && headers[3].equals("k=%%%,=,@@")) {
          // A tracestate that cannot be parsed is dropped; the valid traceparent beside it still counts.
          assertThat(traceId(r)).isEqualTo(malformedStateCaller);
        }
      }
      assertThat(requests(metrics, "GET", "/exact", 200)).isEqualTo(cases.size());
      List<String> during = new ArrayList<>(LINES.subList(before, LINES.size()));
      assertThat(during).noneMatch(l -> l.contains("Exception") || l.contains("\"frames\"")
          || l.contains("\\tat "));
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void logLinesOfTheServletAndOfItsPoolCarryTheTraceAndCorrelationId(ServletContainer.Kind kind)
      throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> r = get(c, "/log", "X-Request-ID", "req-123.abc:9");
      String trace = traceId(r);
      assertThat(r.body()).isEqualTo("req-123.abc:9");
      assertThat(r.headers().firstValue("X-Request-ID")).contains("req-123.abc:9");
      await("the access log line", () -> lines("trace_id", trace).size() >= 3);
      List<JsonNode> traced = lines("trace_id", trace);
      assertThat(traced).extracting(n -> n.path("message").asText())
          .contains("servlet line", "pool line", "http_request");
      // The MDC stays on the request's thread; the pool's line is correlated through the trace id.
      assertThat(traced).filteredOn(n -> !n.path("message").asText().equals("pool line"))
          .allSatisfy(n -> assertThat(n.path("correlation_id").asText()).isEqualTo("req-123.abc:9"));
      JsonNode access = traced.stream().filter(n -> n.path("message").asText().equals("http_request"))
          .findFirst().orElseThrow();
      assertThat(access.path("route").asText()).isEqualTo("/log");
      assertThat(access.path("status").asInt()).isEqualTo(200);
      assertThat(access.path("client_address").asText()).isEqualTo("127.0.0.1");
      assertThat(access.has("duration_ms")).isTrue();
      assertThat(serverSpan(trace).attributes()).containsEntry("englog.correlation_id", "req-123.abc:9");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void invalidCorrelationIdsAreReplacedAndCounted(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> kept = get(c, "/log", "X-Request-ID", "x".repeat(64));
      assertThat(kept.body()).isEqualTo("x".repeat(64));
      for (String bad : List.of("x".repeat(65), "has space", "semi;colon", "é")) {
        HttpResponse<String> r = get(c, "/log", "X-Request-ID", bad);
        assertThat(r.body()).matches("[0-9a-f]{32}");
        assertThat(r.headers().firstValue("X-Request-ID")).contains(r.body());
      }
      HttpResponse<String> none = get(c, "/log");
      assertThat(none.body()).matches("[0-9a-f]{32}");
      assertThat(value(metrics, "englog_http_correlation_ids_replaced_total", Map.of())).isEqualTo(5.0);
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void requestsRunOnTheThreadsTheTestPassAskedFor(ServletContainer.Kind kind) throws Exception {
    boolean virtual = Boolean.getBoolean(ServletContainer.Options.VIRTUAL_THREADS_PROPERTY);
    try (ServletContainer.Running c = App.start(kind, App.options(), Harness.newMetrics(),
        UnaryOperator.identity())) {
      assertThat(get(c, "/mdc").body()).as("the JDK 25 pass with %s=true runs the suite on virtual threads",
          ServletContainer.Options.VIRTUAL_THREADS_PROPERTY).contains("virtual=" + virtual + " ");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void nothingTheFilterPutInTheMdcLeaksIntoTheNextRequestOnTheThread(ServletContainer.Kind kind)
      throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    // Platform threads even in the virtual-thread pass: a virtual thread serves one request, and the
    // leak this test looks for needs a thread that serves the next one.
    try (ServletContainer.Running c = App.start(kind, App.options().withVirtualThreads(false).withMaxThreads(1),
        metrics, UnaryOperator.identity())) {
      Set<String> threads = new HashSet<>();
      Set<String> mdcThreads = new HashSet<>();
      int reused = 0;
      // Until a request without the filter has run on a thread an observed request used before (at least
      // ten rounds): Jetty's pool keeps more than one thread, so reuse is seen, not assumed.
      for (int i = 0; i < 10 || reused == 0 && i < 100; i++) {
        HttpResponse<String> observed = get(c, "/mdc");
        String id = observed.headers().firstValue("X-Request-ID").orElseThrow();
        assertThat(observed.body()).contains("correlation_id=" + id).contains("span=true");
        mdcThreads.add(thread(observed));
        HttpResponse<String> excluded = get(c, "/health/mdc");
        // englog.trace, logging's own reserved entry, is reconciled with the current span at every log call.
        assertThat(excluded.body()).doesNotContain(LogFields.MDC_CORRELATION_ID).doesNotContain(id)
            .contains("span=false");
        assertThat(mdcKeys(excluded)).as("MDC of %s", excluded.body())
            .isSubsetOf(TraceContextCapture.MDC_KEY);
        if (mdcThreads.contains(thread(excluded))) {
          reused++;
        }
        threads.add(thread(excluded));
      }
      assertThat(reused).as("requests without the filter on a thread that served the filter's requests")
          .isPositive();
      if (kind == ServletContainer.Kind.TOMCAT) {
        assertThat(threads).as("one container thread served everything").hasSize(1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void asyncRequestsAreRecordedWhenTheyComplete(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> r = get(c, "/async/complete");
      String trace = traceId(r);
      assertThat(r.body()).isEqualTo("async " + trace);
      await("the async request's recording", () -> requests(metrics, "GET", "/async/complete", 200) == 1.0);
      assertThat(value(metrics, "englog_http_request_duration_seconds_sum",
          Map.of("method", "GET", "endpoint", "/async/complete"))).isGreaterThanOrEqualTo(0.06);
      assertThat(lines("trace_id", trace)).extracting(n -> n.path("message").asText()).contains("async line");

      HttpResponse<String> timedOut = get(c, "/async/timeout");
      assertThat(timedOut.statusCode()).isEqualTo(500);
      await("the timed-out request", () -> requests(metrics, "GET", "/async/timeout", 500) == 1.0);
      ReceivedSpan timeoutSpan = serverSpan(traceId(timedOut));
      assertThat(timeoutSpan.attributes()).containsEntry("error.type", Observation.TIMEOUT);
      assertThat(timeoutSpan.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

      HttpResponse<String> listener = get(c, "/async/listener");
      assertThat(listener.statusCode()).isEqualTo(504);
      await("the listener's request", () -> requests(metrics, "GET", "/async/listener", 504) == 1.0);
      assertThat(lines("trace_id", traceId(listener))).extracting(n -> n.path("message").asText())
          .contains("listener line");

      HttpResponse<String> failed = get(c, "/async/dispatch-error");
      assertThat(failed.statusCode()).isEqualTo(500);
      await("the failed async dispatch", () -> requests(metrics, "GET", "/async/dispatch-error", 500) == 1.0);
      ReceivedSpan failedSpan = serverSpan(traceId(failed));
      assertThat(failedSpan.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(failedSpan.attributes()).containsEntry("error.type", "java.lang.IllegalStateException");
      Thread.sleep(200);
      assertThat(requests(metrics, "GET", "/async/dispatch-error", 500)).isEqualTo(1.0);
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void anApplicationExceptionIsRecordedAs500OnceWithAnErrorSpan(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> r = get(c, "/throw");
      assertThat(r.statusCode()).isEqualTo(500);
      String trace = traceId(r);
      assertThat(requests(metrics, "GET", "/throw", 500)).isEqualTo(1.0);
      ReceivedSpan span = serverSpan(trace);
      assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(span.eventNames()).contains("exception");
      assertThat(span.attributes()).containsEntry("error.type", "java.lang.IllegalStateException");
      await("the access log line", () -> !lines("trace_id", trace).isEmpty());
      assertThat(lines("trace_id", trace)).anySatisfy(n -> {
        assertThat(n.path("message").asText()).isEqualTo("http_request");
        assertThat(n.path("level").asText()).isEqualTo("WARN");
        assertThat(n.path("status").asInt()).isEqualTo(500);
      });
    }
  }

  /**
   * A client that goes away during a streamed answer: the write fails, and the request is recorded
   * once as 499 with the container's exception as {@code error.type} (Tomcat's ClientAbortException,
   * Jetty's EofException, ...), whether the exception leaves the servlet ({@code /stream}), the servlet
   * catches it and returns ({@code /stream-caught}), or an asynchronous writer catches it and completes
   * ({@code /async/stream}, where Jetty 12 tells the request's listeners nothing).
   */
  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void aClientThatGoesAwayIsRecordedOnceWithItsErrorType(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      for (String path : List.of("/stream", "/stream-caught", "/async/stream")) {
        String trace = CorrelationIds.generate();
        readSomeThenReset(c, path, trace);
        await("the aborted request to " + path, () -> accessLines(trace).size() == 1);
        Thread.sleep(300);
        assertThat(requestSeries(metrics)).as("series of %s", path).filteredOn(l -> path.equals(l.get("endpoint")))
            .extracting(l -> l.get("status_code")).containsExactly("499");
        assertThat(Harness.value(metrics, "englog_http_requests_total",
            Map.of("method", "GET", "endpoint", path, "status_code", "499"))).as(path).isEqualTo(1.0);
        ReceivedSpan span = serverSpan(trace);
        assertThat(span.attributes().get("error.type")).as("error.type of %s", span)
            .isInstanceOfSatisfying(String.class, type -> assertThat(type).isNotBlank());
        assertThat(span.attributes()).as(path).containsEntry("http.response.status_code", 499L);
        assertThat(span.statusCode()).as("a client that went away is no server fault (%s)", path)
            .isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(serverSpans(trace)).as("SERVER spans of the aborted request to %s", path).hasSize(1);
        assertThat(accessLines(trace)).as("access lines of the aborted request to %s", path).hasSize(1)
            .allSatisfy(line -> assertThat(line.path("status").asInt()).isEqualTo(499));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void anHttp2CleartextRequestIsObserved(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> first = send(HTTP2, HttpRequest.newBuilder(c.uri("/exact")));
      HttpResponse<String> r = first.version() == HttpClient.Version.HTTP_2 ? first
          : send(HTTP2, HttpRequest.newBuilder(c.uri("/exact")));
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      ReceivedSpan span = serverSpan(traceId(r));
      assertThat(span.attributes()).containsEntry("network.protocol.version", "2");
      assertThat(requests(metrics, "GET", "/exact", 200)).isGreaterThanOrEqualTo(1.0);
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void onVirtualThreadsTheSameRequestsAreObserved(ServletContainer.Kind kind) throws Exception {
    assumeTrue(ServletContainer.virtualThreadsAvailable(), "virtual threads need JDK 21+ (the JDK 25 pass runs this)");
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = App.start(kind, App.options().withVirtualThreads(true), metrics,
        UnaryOperator.identity())) {
      HttpResponse<String> log = get(c, "/log");
      String trace = traceId(log);
      await("the log lines", () -> lines("trace_id", trace).size() >= 3);
      assertThat(lines("trace_id", trace)).extracting(n -> n.path("message").asText())
          .contains("servlet line", "pool line", "http_request");
      HttpResponse<String> async = get(c, "/async/complete");
      assertThat(async.body()).isEqualTo("async " + traceId(async));
      await("the async request", () -> requests(metrics, "GET", "/async/complete", 200) == 1.0);
      for (int i = 0; i < 5; i++) {
        assertThat(get(c, "/health/mdc").body()).doesNotContain(LogFields.MDC_CORRELATION_ID)
            .contains("span=false");
        get(c, "/mdc");
      }
      assertThat(requests(metrics, "GET", "/mdc", 200)).isEqualTo(5.0);
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void userAndSessionReachTheSpanAndAccessLogButNoMetric(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> r = get(c, "/exact", "X-Test-User", App.USER, "X-Test-Session", "opaque-session-1");
      String trace = traceId(r);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(App.PSEUDONYM_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String expected = java.util.HexFormat.of().formatHex(mac.doFinal(App.USER.getBytes(StandardCharsets.UTF_8)));
      ReceivedSpan span = serverSpan(trace);
      assertThat(span.attributes()).containsEntry("enduser.pseudo.id", expected)
          .containsEntry("session.id", "opaque-session-1")
          .doesNotContainKey("enduser.id");
      await("the access log line", () -> !lines("trace_id", trace).isEmpty());
      JsonNode access = lines("trace_id", trace).get(0);
      assertThat(access.path("user_id").asText()).isEqualTo(expected);
      String scrape = ((io.micrometer.prometheusmetrics.PrometheusMeterRegistry) metrics.registry()).scrape();
      assertThat(scrape).doesNotContain(App.USER).doesNotContain(expected).doesNotContain("opaque-session-1");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void countedBytesAndARedactedQueryStringWhenEnabled(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = App.start(kind, App.options(), metrics,
        b -> b.countResponseBytes(true).logQueryString(true))) {
      HttpResponse<String> r = get(c, "/bytes?a=1&access_token=s3cr3t-value");
      String trace = traceId(r);
      await("the access log line", () -> !lines("trace_id", trace).isEmpty());
      JsonNode access = lines("trace_id", trace).get(0);
      assertThat(access.path("bytes_out").asLong()).isEqualTo(1000L);
      assertThat(access.path(AccessLog.QUERY_FIELD).asText()).isEqualTo("a=1&access_token=[REDACTED]");
      assertThat(LINES).noneMatch(l -> l.contains("s3cr3t-value"));

      HttpResponse<String> nonBlocking = get(c, "/nonblocking");
      assertThat(nonBlocking.statusCode()).isEqualTo(200);
      assertThat(nonBlocking.body()).hasSize(300);
      String nbTrace = traceId(nonBlocking);
      await("the non-blocking request's line", () -> !lines("trace_id", nbTrace).isEmpty());
      assertThat(lines("trace_id", nbTrace).get(0).path("bytes_out").asLong()).isEqualTo(300L);
    }
  }

  /**
   * Text printed to the response's output stream is encoded by the container as it would be without the
   * filter ({@code /health/print} is excluded, so it gets the container's own response): Jetty in the
   * response's charset, Tomcat byte per character, refusing what is not Latin-1. With counting on, the
   * count is the text's length in that charset.
   */
  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void textPrintedToTheStreamIsWrittenAsTheContainerWritesIt(ServletContainer.Kind kind) throws Exception {
    for (boolean counting : new boolean[] {false, true}) {
      EnglogMetrics metrics = Harness.newMetrics();
      try (ServletContainer.Running c = App.start(kind, App.options(), metrics,
          b -> b.countResponseBytes(counting))) {
        HttpResponse<String> observed = get(c, "/print");
        HttpResponse<String> alone = get(c, "/health/print");
        assertThat(alone.headers().firstValue("traceresponse")).as("/health/print is not observed").isEmpty();
        assertThat(observed.statusCode()).as("status, counting %s", counting).isEqualTo(alone.statusCode());
        if (alone.statusCode() == 200) {
          assertThat(observed.body()).as("body, counting %s", counting).isEqualTo(alone.body());
        }
        if (kind == ServletContainer.Kind.JETTY) {
          assertThat(observed.body()).isEqualTo(App.PRINTED);
          if (counting) {
            String trace = traceId(observed);
            await("the access log line", () -> accessLines(trace).size() == 1);
            assertThat(accessLines(trace).get(0).path("bytes_out").asLong()).isEqualTo(5L);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void forwardedHeadersCountOnlyFromATrustedProxy(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running trusting = App.start(kind, App.options(), metrics,
        b -> b.trustedProxies("127.0.0.0/8"))) {
      HttpResponse<String> r = get(trusting, "/exact", "X-Forwarded-For", "198.51.100.1, 203.0.113.9");
      assertThat(serverSpan(traceId(r)).attributes()).containsEntry("client.address", "203.0.113.9")
          .containsEntry("network.peer.address", "127.0.0.1");
      HttpResponse<String> f = get(trusting, "/exact", "Forwarded", "for=\"[2001:db8::7]:4711\";proto=http");
      assertThat(serverSpan(traceId(f)).attributes()).containsEntry("client.address", "2001:db8::7");
    }
    try (ServletContainer.Running untrusting = start(kind, Harness.newMetrics())) {
      HttpResponse<String> r = get(untrusting, "/exact", "X-Forwarded-For", "203.0.113.9");
      assertThat(serverSpan(traceId(r)).attributes()).containsEntry("client.address", "127.0.0.1");
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void exclusionsAreConfigurableAndStreamsStayOutOfTheLatencyHistogram(ServletContainer.Kind kind)
      throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = App.start(kind, App.options(), metrics,
        b -> b.exclude("/exact").excludeFromLatency("/async/*"))) {
      HttpResponse<String> excluded = get(c, "/exact");
      assertThat(excluded.headers().firstValue("traceresponse")).isEmpty();
      assertThat(excluded.headers().firstValue("X-Request-ID")).isEmpty();
      get(c, "/metrics");
      assertThat(requests(metrics, "GET", "/exact", 200)).isZero();
      assertThat(requests(metrics, "GET", "/metrics", 200)).isEqualTo(1.0);

      HttpResponse<String> stream = get(c, "/async/complete");
      await("the stream's recording", () -> requests(metrics, "GET", "/async/complete", 200) == 1.0);
      assertThat(value(metrics, "englog_http_request_duration_seconds_count",
          Map.of("method", "GET", "endpoint", "/async/complete"))).isZero();
      get(c, "/async/complete");
      await("the second stream's recording", () -> requests(metrics, "GET", "/async/complete", 200) == 2.0);
      assertThat(value(metrics, "englog_http_request_duration_seconds_count",
          Map.of("method", "GET", "endpoint", "/async/complete"))).isZero();
      get(c, "/bytes");
      await("other routes are timed", () -> value(metrics, "englog_http_request_duration_seconds_count",
          Map.of("method", "GET", "endpoint", "/bytes")) == 1.0);
      String trace = traceId(stream);
      await("the access log line", () -> lines("trace_id", trace).stream()
          .anyMatch(n -> n.path("message").asText().equals("http_request")));
      assertThat(lines("trace_id", trace)).filteredOn(n -> n.path("message").asText().equals("http_request"))
          .allSatisfy(n -> assertThat(n.path("duration_ms").asDouble()).isGreaterThanOrEqualTo(60.0));
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void aRealWebSocketUpgradeIsCountedOnceAndItsSpanEndsAtTheHandshake(ServletContainer.Kind kind)
      throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = App.start(kind, App.options(), metrics, UnaryOperator.identity())) {
      String trace = "0af7651916cd43dd8448eb211c80319" + Integer.toHexString(kind.ordinal() + 10);
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      WebSocket.Listener listener = new WebSocket.Listener() {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
          received.add(data.toString());
          webSocket.request(1);
          return null;
        }
      };
      WebSocket socket = HTTP1.newWebSocketBuilder()
          .header("traceparent", "00-" + trace + "-b7ad6b7169203331-01")
          .buildAsync(URI.create("ws://127.0.0.1:" + c.port() + "/socket"), listener)
          .get(Harness.WAIT.toSeconds(), TimeUnit.SECONDS);
      try {
        socket.sendText("ping", true).get(Harness.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(received.poll(Harness.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("ping");

        // While the socket is open: the handshake is counted and its span has ended and been exported.
        await("the upgrade's count", () -> requests(metrics, "GET", LabelValues.WEBSOCKET, 101) == 1.0);
        ReceivedSpan span = serverSpan(trace);
        assertThat(span.parentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(span.attributes()).containsEntry("http.response.status_code", 101L)
            .containsEntry("http.request.method", "GET")
            .containsEntry("url.path", "/socket")
            .doesNotContainKey("http.route");
        assertThat(span.statusCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(socket.isOutputClosed()).isFalse();

        socket.sendText("pong", true).get(Harness.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(received.poll(Harness.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("pong");
      } finally {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(Harness.WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      assertThat(requests(metrics, "GET", LabelValues.WEBSOCKET, 101)).as("messages add nothing").isEqualTo(1.0);
      assertThat(requestSeries(metrics)).noneMatch(l -> "/socket".equals(l.get("endpoint")));
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void theQueryStringIsNotLoggedByDefault(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> r = get(c, "/log?access_token=abc123secret");
      assertThat(r.statusCode()).isEqualTo(200);
      String trace = traceId(r);
      JsonNode access = accessLine(trace);
      assertThat(access.path("route").asText()).isEqualTo("/log");
      assertThat(access.has(AccessLog.QUERY_FIELD)).as("%s in %s", AccessLog.QUERY_FIELD, access).isFalse();
      assertThat(serverSpan(trace).attributes()).doesNotContainKey("url.query")
          .containsEntry("url.path", "/log");
      assertThat(LINES).noneMatch(l -> l.contains("abc123secret"));
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void theRawUserIdReachesTheSpanOnlyWhenTheServiceOptsIn(ServletContainer.Kind kind) throws Exception {
    try (ServletContainer.Running raw = App.start(kind, App.options(), Harness.newMetrics(),
        b -> b.recordRawUserId(true))) {
      HttpResponse<String> r = get(raw, "/exact", "X-Test-User", App.USER);
      String trace = traceId(r);
      assertThat(serverSpan(trace).attributes()).containsEntry("enduser.id", App.USER)
          .containsKey("enduser.pseudo.id");
      assertThat(accessLine(trace).path("user_id").asText()).isEqualTo(App.USER);
    }
    try (ServletContainer.Running pseudonymous = start(kind, Harness.newMetrics())) {
      HttpResponse<String> r = get(pseudonymous, "/exact", "X-Test-User", App.USER);
      String trace = traceId(r);
      assertThat(serverSpan(trace).attributes()).doesNotContainKey("enduser.id")
          .containsKey("enduser.pseudo.id");
      assertThat(accessLine(trace).path("user_id").asText()).isNotEmpty().isNotEqualTo(App.USER);
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void theAccessLineCarriesTheMethodUserAgentAndRedactedSessionSupplied(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> r = send(HTTP1, HttpRequest.newBuilder(c.uri("/exact")).timeout(Harness.WAIT)
          .DELETE(), "User-Agent", "suite-agent/2.0 (line)", "X-Test-Session", "opaque-session-2");
      assertThat(r.body()).isEqualTo("exact");
      JsonNode access = accessLine(traceId(r));
      assertThat(access.path("method").asText()).isEqualTo("DELETE");
      assertThat(access.path("route").asText()).isEqualTo("/exact");
      assertThat(access.path("user_agent").asText()).isEqualTo("suite-agent/2.0 (line)");
      // The field is there; its value is on the encoder's default deny list (a session id is often the cookie).
      assertThat(access.has("session_id")).as("session_id in %s", access).isTrue();
      assertThat(access.path("session_id").asText()).isEqualTo("[REDACTED]");
      assertThat(LINES).noneMatch(l -> l.contains("opaque-session-2"));

      HttpResponse<String> bare = get(c, "/exact");
      JsonNode plain = accessLine(traceId(bare));
      assertThat(plain.path("method").asText()).isEqualTo("GET");
      assertThat(plain.has("session_id")).as("session_id without a session").isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void withoutByteCountingBytesOutIsTheDeclaredContentLength(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = App.start(kind, App.options(), metrics, b -> b.countResponseBytes(false))) {
      HttpResponse<String> r = get(c, "/sized");
      assertThat(r.body()).hasSize(App.SIZED_BYTES);
      assertThat(r.headers().firstValue("Content-Length")).contains(Integer.toString(App.SIZED_BYTES));
      assertThat(accessLine(traceId(r)).path("bytes_out").asLong()).isEqualTo(App.SIZED_BYTES);
    }
  }

  @ParameterizedTest
  @EnumSource(ServletContainer.Kind.class)
  void aPlain503WithoutAnExceptionGivesAnErrorSpan(ServletContainer.Kind kind) throws Exception {
    EnglogMetrics metrics = Harness.newMetrics();
    try (ServletContainer.Running c = start(kind, metrics)) {
      HttpResponse<String> r = answered(c, "/busy", 503, "busy", "the servlet's own body, no error page");
      String trace = traceId(r);
      ReceivedSpan span = serverSpan(trace);
      assertThat(span.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(span.attributes()).containsEntry("http.response.status_code", 503L)
          .containsEntry("http.route", "/busy");
      assertThat(span.eventNames()).doesNotContain("exception");
      JsonNode access = accessLine(trace);
      assertThat(access.path("status").asInt()).isEqualTo(503);
      assertThat(access.path("level").asText()).isEqualTo("WARN");
      assertThat(requests(metrics, "GET", "/busy", 503)).isEqualTo(1.0);
    }
  }

  /** Every {@code englog_http_requests_total} series with a count, as "METHOD endpoint status" → count. */
  private static Map<String, Double> series(EnglogMetrics metrics) {
    Map<String, Double> out = new java.util.TreeMap<>();
    for (Map<String, String> labels : requestSeries(metrics)) {
      double v = value(metrics, "englog_http_requests_total", labels);
      if (v > 0) {
        out.put(labels.get("method") + " " + labels.get("endpoint") + " " + labels.get("status_code"), v);
      }
    }
    return out;
  }

  /**
   * Asserts the request behind {@code r} is the only one recorded, once: {@code expectedSeries} is the only
   * series and counts 1, and its trace has one access line and one SERVER span, which is returned.
   */
  private static ReceivedSpan recordedOnce(EnglogMetrics metrics, HttpResponse<String> r, String expectedSeries)
      throws InterruptedException {
    String trace = traceId(r);
    accessLine(trace);
    ReceivedSpan span = serverSpan(trace);
    Thread.sleep(300); // a second recording, by a later dispatch, would have landed by now
    assertThat(series(metrics)).isEqualTo(Map.of(expectedSeries, 1.0));
    assertThat(accessLines(trace)).as("access lines of trace %s", trace).hasSize(1);
    assertThat(serverSpans(trace)).as("SERVER spans of trace %s", trace).hasSize(1);
    return span;
  }

  /** The request's access log line, waiting for it: logger {@link ObservabilityFilter#ACCESS_LOGGER}, one only. */
  private static JsonNode accessLine(String trace) {
    await("the access log line", () -> !accessLines(trace).isEmpty());
    List<JsonNode> found = accessLines(trace);
    assertThat(found).as("access lines of trace %s", trace).hasSize(1);
    return found.get(0);
  }

  private static List<JsonNode> accessLines(String trace) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : lines("trace_id", trace)) {
      if (ObservabilityFilter.ACCESS_LOGGER.equals(n.path("logger").asText())
          && "http_request".equals(n.path("message").asText())) {
        out.add(n);
      }
    }
    return out;
  }

  /** The SERVER spans of a trace exported so far. */
  private static List<ReceivedSpan> serverSpans(String trace) {
    List<ReceivedSpan> out = new ArrayList<>();
    for (ReceivedSpan s : Harness.RECEIVER.spans()) {
      if (s.traceId().equals(trace) && s.kind() == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER) {
        out.add(s);
      }
    }
    return out;
  }

  /** The MDC keys named in an {@code /mdc} or {@code /health/mdc} answer ({@code mdc={k=v, ...} span=...}). */
  private static Set<String> mdcKeys(HttpResponse<String> mdcReport) {
    String body = mdcReport.body();
    assertThat(body).startsWith("mdc={").contains("} span=");
    String entries = body.substring("mdc={".length(), body.indexOf("} span="));
    Set<String> keys = new HashSet<>();
    for (String entry : entries.isEmpty() ? new String[0] : entries.split(", ")) {
      keys.add(entry.substring(0, entry.indexOf('=')));
    }
    return keys;
  }

  /**
   * GETs the streaming {@code path} in trace {@code trace} over a raw socket, reads about 100 KB of the
   * answer, then resets the connection: the server's next writes fail, as when a client goes away.
   */
  private static void readSomeThenReset(ServletContainer.Running c, String path, String trace) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", c.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\ntraceparent: 00-" + trace
          + "-00f067aa0ba902b7-01\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      int read = 0;
      while (read < 100_000) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        read += n;
      }
      socket.setSoLinger(true, 0);
    }
  }

  /** GETs {@code path} and checks its status and body ({@code what} says where that body comes from). */
  private static HttpResponse<String> answered(ServletContainer.Running c, String path, int status, String body,
      String what) throws Exception {
    HttpResponse<String> r = get(c, path);
    assertThat(r.statusCode()).as("status of %s", path).isEqualTo(status);
    assertThat(r.body()).as(what).isEqualTo(body);
    return r;
  }

  /** The container thread named in an {@code /mdc} or {@code /health/mdc} answer. */
  private static String thread(HttpResponse<String> mdcReport) {
    String body = mdcReport.body();
    int at = body.indexOf("thread=");
    assertThat(at).as("thread in %s", body).isNotNegative();
    return body.substring(at + "thread=".length());
  }
}
