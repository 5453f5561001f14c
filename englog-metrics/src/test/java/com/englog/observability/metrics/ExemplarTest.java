package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.tracer.common.SpanContext;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Exemplars come through client_java's {@link SpanContext} hook, so metrics does not depend on the
 * tracing module: present on OpenMetrics histogram buckets only while a sampled span is current.
 */
class ExemplarTest {

  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN_ID = "00f067aa0ba902b7";

  /** A tracer stand-in: the "current span" is whatever the test sets. */
  static final class TestSpanContext implements SpanContext {
    volatile String traceId;
    volatile String spanId;
    volatile boolean sampled;
    volatile int marked;

    @Override
    public String getCurrentTraceId() {
      return traceId;
    }

    @Override
    public String getCurrentSpanId() {
      return spanId;
    }

    @Override
    public boolean isCurrentSpanSampled() {
      return sampled;
    }

    @Override
    public void markCurrentSpanAsExemplar() {
      marked++;
    }
  }

  static String openMetrics(EnglogMetrics m) {
    return m.scrapeHandler().handle("application/openmetrics-text; version=1.0.0").bodyText();
  }

  static List<String> bucketLines(String body, String metric) {
    return body.lines().filter(l -> l.startsWith(metric + "_bucket")).collect(Collectors.toList());
  }

  @Test
  void hasExemplarsTellsWhetherTheInstanceWasBuiltWithASpanContext() {
    try (EnglogMetrics with = EnglogMetrics.builder().jvmMetrics(false).exemplars(new TestSpanContext()).build();
        EnglogMetrics without = EnglogMetrics.builder().jvmMetrics(false).build()) {
      assertThat(with.hasExemplars()).isTrue();
      assertThat(without.hasExemplars()).isFalse();
    }
  }

  @Test
  void aSampledSpanBecomesTheExemplarOfItsBucket() {
    TestSpanContext span = new TestSpanContext();
    span.traceId = TRACE_ID;
    span.spanId = SPAN_ID;
    span.sampled = true;
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).exemplars(span).build()) {
      m.recordHttpRequest("GET", "/api/v1/journals", 200, Duration.ofMillis(40));

      List<String> buckets = bucketLines(openMetrics(m), "englog_http_request_duration_seconds");
      List<String> withExemplar = buckets.stream().filter(l -> l.contains(" # {"))
          .collect(Collectors.toList());
      assertThat(withExemplar).hasSize(1);
      assertThat(withExemplar.get(0))
          .contains("le=\"0.05\"")
          .contains("trace_id=\"" + TRACE_ID + "\"")
          .contains("span_id=\"" + SPAN_ID + "\"")
          .contains("} 0.04 ");
      assertThat(span.marked).isPositive();
      // The Prometheus text format has no exemplars.
      assertThat(m.scrapeHandler().handle(null).bodyText()).doesNotContain(TRACE_ID);
    }
  }

  /**
   * OpenMetrics 1.0 allows exemplars on histogram buckets and counters only; Prometheus 2.42's parser
   * rejects one on a histogram's {@code _count} and fails the whole scrape (Micrometer's default
   * configuration would put one there).
   */
  @Test
  void exemplarsOnlyWhereOpenMetricsAllowsThemSoPrometheusAcceptsTheScrape() {
    TestSpanContext span = new TestSpanContext();
    span.traceId = TRACE_ID;
    span.spanId = SPAN_ID;
    span.sampled = true;
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).exemplars(span).build()) {
      m.recordHttpRequest("GET", "/api/v1/journals", 200, Duration.ofMillis(40));
      m.recordAiProcessing("summarize", "openai", Duration.ofSeconds(2), null);
      m.recordDatabaseQuery("select", "journals", Duration.ofMillis(3));
      m.registry().counter("englog_test_things").increment();

      List<String> withExemplar = openMetrics(m).lines().filter(l -> l.contains(" # {"))
          .collect(Collectors.toList());
      assertThat(withExemplar).isNotEmpty()
          .allSatisfy(l -> assertThat(l.split("[{ ]")[0]).matches(".*(_bucket|_total)"));
    }
  }

  @Test
  void anUnsampledSpanLeavesNoExemplar() {
    TestSpanContext span = new TestSpanContext();
    span.traceId = TRACE_ID;
    span.spanId = SPAN_ID;
    span.sampled = false;
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).exemplars(span).build()) {
      m.recordHttpRequest("GET", "/api/v1/journals", 200, Duration.ofMillis(40));
      m.recordDatabaseQuery("select", "journals", Duration.ofMillis(3));

      String body = openMetrics(m);
      assertThat(bucketLines(body, "englog_http_request_duration_seconds")).isNotEmpty()
          .noneMatch(l -> l.contains("trace_id"));
      assertThat(body).doesNotContain(TRACE_ID);
      assertThat(span.marked).isZero();
    }
  }

  @Test
  void noSpanContextNoExemplars() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.recordAiProcessing("summarize", "openai", Duration.ofSeconds(2), null);
      assertThat(openMetrics(m)).doesNotContain("trace_id");
    }
  }

  @Test
  void histogramExemplarsWorkWithAnOwnPrometheusRegistry() {
    TestSpanContext span = new TestSpanContext();
    span.traceId = TRACE_ID;
    span.spanId = SPAN_ID;
    span.sampled = true;
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (EnglogMetrics m = EnglogMetrics.builder().registry(own).jvmMetrics(false).exemplars(span)
        .build()) {
      m.recordDatabaseQuery("select", "journals", Duration.ofMillis(3));
      assertThat(bucketLines(openMetrics(m), "englog_database_query_duration_seconds"))
          .anyMatch(l -> l.contains("le=\"0.005\"") && l.contains(TRACE_ID));
    }
  }

  @Test
  void onAnOwnRegistryCounterExemplarsComeFromTheSpanContextThatRegistryWasGiven() {
    TestSpanContext span = new TestSpanContext();
    span.traceId = TRACE_ID;
    span.spanId = SPAN_ID;
    span.sampled = true;
    PrometheusMeterRegistry plain = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusMeterRegistry traced = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
        new PrometheusRegistry(), Clock.SYSTEM, span);
    try (EnglogMetrics withoutHook = EnglogMetrics.builder().registry(plain).jvmMetrics(false)
            .exemplars(span).build();
        EnglogMetrics withHook = EnglogMetrics.builder().registry(traced).jvmMetrics(false)
            .exemplars(span).build()) {
      for (EnglogMetrics m : List.of(withoutHook, withHook)) {
        m.recordCacheHit("redis", "user:*");
        m.recordDatabaseQuery("select", "journals", Duration.ofMillis(3));
      }
      String plainBody = openMetrics(withoutHook);
      assertThat(bucketLines(plainBody, "englog_database_query_duration_seconds"))
          .anyMatch(l -> l.contains(TRACE_ID));
      assertThat(plainBody.lines().filter(l -> l.startsWith("englog_cache_hits_total{")))
          .singleElement().satisfies(l -> assertThat(l).doesNotContain(TRACE_ID));
      assertThat(openMetrics(withHook).lines().filter(l -> l.startsWith("englog_cache_hits_total{")))
          .singleElement().satisfies(l -> assertThat(l).contains("trace_id=\"" + TRACE_ID + "\""));
    }
  }

  @Test
  void otherRegistriesGetNoExemplarsAndRecordingStillWorks() {
    TestSpanContext span = new TestSpanContext();
    span.traceId = TRACE_ID;
    span.spanId = SPAN_ID;
    span.sampled = true;
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    try (EnglogMetrics m = EnglogMetrics.builder().registry(simple).jvmMetrics(false).exemplars(span)
        .build()) {
      m.recordDatabaseQuery("select", "journals", Duration.ofMillis(3));
      assertThat(simple.find("englog_database_query_duration_seconds").timer().count()).isEqualTo(1);
      assertThat(span.marked).isZero();
    }
  }

  @Test
  void aClockCannotBeCombinedWithAnOwnRegistry() {
    assertThatThrownBy(() -> EnglogMetrics.builder().registry(new SimpleMeterRegistry())
            .clock(java.time.Clock.systemUTC()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clock");
  }
}
