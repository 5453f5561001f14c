package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Exposition;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.prometheus.metrics.tracer.otel.OpenTelemetrySpanContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The hook wiring of docs/metrics.md, compiled and run ({@link MetricsDocTest} keeps the copy
 * identical): exemplars from a real OpenTelemetry SDK span through client_java's
 * {@code prometheus-metrics-tracer-otel}, redaction counts from the logging side, and the tracing
 * module's export counters as function-backed counters.
 */
class HookWiringTest {

  /** The getters englog-tracing's {@code Tracing} has; metrics must not depend on that module. */
  static final class ExportCounts {
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    long droppedSpans() {
      return dropped.get();
    }

    long failedSpans() {
      return failed.get();
    }
  }

  /** Counts ended spans; stands in for the exporter pipeline englog-tracing configures. */
  static final class Ended implements SpanProcessor {
    final AtomicLong ended = new AtomicLong();

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ended.incrementAndGet();
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  @Test
  void theDocumentedHooksFeedExemplarsRedactionsAndTracingCounters() {
    AtomicLong redactedCredentials = new AtomicLong();
    AtomicLong redactedPii = new AtomicLong();
    ExportCounts tracing = new ExportCounts();
    // docs:start docs-hooks
    // Exemplars: trace_id/span_id of the current OpenTelemetry span, through client_java's
    // io.prometheus:prometheus-metrics-tracer-otel (it reads Span.current() of opentelemetry-api).
    EnglogMetrics metrics = EnglogMetrics.builder()
        .exemplars(new OpenTelemetrySpanContext())
        .build();

    // Redaction counts kept by the logging side, read at scrape time (a LongSupplier per kind):
    metrics.bindRedactionCount("credential", redactedCredentials::get);
    metrics.bindRedactionCount("pii", redactedPii::get);

    // englog-tracing's export counters (tracing is your Tracing instance), read at scrape time:
    metrics.counter("englog_tracing_spans_dropped")
        .help("Spans dropped because the export queue was full.")
        .registerFunction(tracing::droppedSpans);
    metrics.counter("englog_tracing_spans_failed")
        .help("Spans in export requests that failed.")
        .registerFunction(tracing::failedSpans);
    // docs:end docs-hooks
    // A tracer provider without span processors hands out non-recording spans; any processor will do.
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(new Ended()).build()) {
      Tracer tracer = provider.get("hook-wiring-test");
      Span span = tracer.spanBuilder("GET /api/v1/journals/{id}").startSpan();
      Scope scope = span.makeCurrent();
      try {
        metrics.recordHttpRequest("GET", "/api/v1/journals/{id}", 200, Duration.ofMillis(40));
      } finally {
        scope.close();
        span.end();
      }
      metrics.recordDatabaseQuery("select", "journals", Duration.ofMillis(3)); // no current span
      redactedCredentials.set(5);
      redactedPii.set(2);
      tracing.dropped.set(7);
      tracing.failed.set(3);

      String openMetrics = metrics.scrapeHandler()
          .handle("application/openmetrics-text; version=1.0.0").bodyText();
      List<String> withExemplar = openMetrics.lines()
          .filter(l -> l.startsWith("englog_http_request_duration_seconds_bucket") && l.contains(" # {"))
          .collect(Collectors.toList());
      assertThat(span.getSpanContext().isSampled()).as("a real, sampled span").isTrue();
      assertThat(withExemplar).hasSize(1);
      assertThat(withExemplar.get(0)).contains("le=\"0.05\"")
          .contains("trace_id=\"" + span.getSpanContext().getTraceId() + "\"")
          .contains("span_id=\"" + span.getSpanContext().getSpanId() + "\"");
      assertThat(openMetrics.lines()
          .filter(l -> l.startsWith("englog_database_query_duration_seconds_bucket")))
          .isNotEmpty().noneMatch(l -> l.contains("trace_id"));

      Exposition e = Exposition.parse(metrics.scrapeHandler().handle(null).bodyText());
      Exposition.Family redactions = e.family("englog_security_redactions_total");
      assertThat(redactions.value("englog_security_redactions_total", Map.of("kind", "credential")))
          .isEqualTo(5);
      assertThat(redactions.value("englog_security_redactions_total", Map.of("kind", "pii")))
          .isEqualTo(2);
      assertThat(redactions.value("englog_security_redactions_total", Map.of("kind", "field")))
          .isZero();
      assertThat(e.family("englog_tracing_spans_dropped_total")
          .value("englog_tracing_spans_dropped_total", Map.of())).isEqualTo(7);
      assertThat(e.family("englog_tracing_spans_failed_total")
          .value("englog_tracing_spans_failed_total", Map.of())).isEqualTo(3);
    } finally {
      metrics.close();
    }
  }
}
