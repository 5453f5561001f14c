package com.englog.observability.servlet;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.englog.observability.logging.JsonEncoder;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.testsupport.Exposition;
import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.ReceivedSpan;
import com.englog.observability.tracing.Tracing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * What the behaviour suite shares: one tracing pipeline exporting over OTLP/HTTP to a local receiver
 * (the real exporter), the JSON log lines every logger writes (encoded by englog-logging's JsonEncoder,
 * trace ids included), an HTTP client, and readers for the scrape.
 */
final class Harness {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  static final HttpClient HTTP2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
      .connectTimeout(Duration.ofSeconds(5)).build();
  static final Duration WAIT = Duration.ofSeconds(20);

  static final OtlpHttpReceiver RECEIVER = OtlpHttpReceiver.start();
  static final Tracing TRACING = Tracing.builder().serviceName("servlet-suite")
      .property("otel.bsp.schedule.delay", "50ms")
      .property("otel.traces.sampler", "always_on")
      .configuration(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", RECEIVER.endpoint(),
          "OTEL_METRICS_EXPORTER", "none", "OTEL_LOGS_EXPORTER", "none"))
      .build();
  static final List<String> LINES = new CopyOnWriteArrayList<>();

  static {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.start();
    AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        LINES.add(new String(encoder.encode(event), StandardCharsets.UTF_8).strip());
      }
    };
    capture.setContext(context);
    capture.setName("suite-capture");
    capture.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(capture);
    context.getLogger(ObservabilityFilter.ACCESS_LOGGER).setLevel(Level.INFO);
    context.getLogger("suite").setLevel(Level.INFO);
  }

  private Harness() {}

  static EnglogMetrics newMetrics() {
    return EnglogMetrics.builder().jvmMetrics(false).build();
  }

  static Exposition scrape(EnglogMetrics metrics) {
    return Exposition.parse(((PrometheusMeterRegistry) metrics.registry()).scrape());
  }

  /** The value of {@code englog_http_requests_total} for one label set (0 when absent). */
  static double requests(EnglogMetrics metrics, String method, String endpoint, int status) {
    return value(metrics, "englog_http_requests_total",
        Map.of("method", method, "endpoint", endpoint, "status_code", Integer.toString(status)));
  }

  /** The value of the sample {@code sample} with exactly {@code labels} (0 when absent). */
  static double value(EnglogMetrics metrics, String sample, Map<String, String> labels) {
    for (Exposition.Family f : scrape(metrics).families.values()) {
      for (Exposition.Sample s : f.samples) {
        if (s.name().equals(sample) && s.labels().equals(labels)) {
          return s.value();
        }
      }
    }
    return 0;
  }

  /** Every label set of {@code englog_http_requests_total}. */
  static List<Map<String, String>> requestSeries(EnglogMetrics metrics) {
    List<Map<String, String>> out = new ArrayList<>();
    for (Exposition.Family f : scrape(metrics).families.values()) {
      for (Exposition.Sample s : f.samples) {
        if (s.name().equals("englog_http_requests_total")) {
          out.add(s.labels());
        }
      }
    }
    return out;
  }

  static HttpResponse<String> get(ServletContainer.Running c, String path, String... headers) {
    return send(HTTP1, HttpRequest.newBuilder(c.uri(path)).timeout(WAIT), headers);
  }

  static HttpResponse<String> send(HttpClient client, HttpRequest.Builder b, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The trace id the {@code traceresponse} header names. */
  static String traceId(HttpResponse<?> r) {
    String tr = r.headers().firstValue(ObservabilityFilter.TRACERESPONSE_HEADER).orElseThrow(
        () -> new AssertionError("no traceresponse header in " + r.headers().map()));
    return tr.split("-")[1];
  }

  static String spanId(HttpResponse<?> r) {
    return r.headers().firstValue(ObservabilityFilter.TRACERESPONSE_HEADER).orElseThrow().split("-")[2];
  }

  /** The SERVER span of a trace, waiting for its export. */
  static ReceivedSpan serverSpan(String traceId) {
    return RECEIVER.awaitSpans(1, s -> s.traceId().equals(traceId)
        && s.kind() == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER, WAIT).stream()
        .filter(s -> s.traceId().equals(traceId)).findFirst().orElseThrow();
  }

  /** Log lines (parsed) whose field {@code field} equals {@code value}. */
  static List<JsonNode> lines(String field, String value) {
    List<JsonNode> out = new ArrayList<>();
    for (String line : LINES) {
      if (!line.contains(value)) {
        continue;
      }
      try {
        JsonNode n = JSON.readTree(line);
        if (value.equals(n.path(field).asText(null))) {
          out.add(n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** Waits until {@code condition} holds (asynchronous completion, export), failing after {@link #WAIT}. */
  static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
