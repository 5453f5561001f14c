package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.metrics.internal.GuardedMeters;
import com.englog.observability.testsupport.Exposition;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A service's own metrics follow the same naming rules and cardinality guard as the built-in ones. */
class CustomMetricsTest {

  private final EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build();

  private Exposition scrape() {
    return Exposition.parse(m.scrapeHandler().handle(null).bodyText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"orders_total", "orders_created", "latency_bucket", "jobs_count",
      "bytes_sum", "build_info"})
  void reservedSuffixesAreRefusedWithTheReason(String name) {
    assertThatThrownBy(() -> m.counter(name)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved suffix").hasMessageContaining(name);
  }

  @Test
  void theTotalSuffixMessageSaysWhatToRegisterInstead() {
    assertThatThrownBy(() -> m.counter("englog_orders_total"))
        .hasMessageContaining("register englog_orders");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1abc", "with.dot", "with-dash", "rule:name", "__reserved", "render_ms",
      "size_kb"})
  void badNamesAreRefused(String name) {
    assertThatThrownBy(() -> m.gauge(name)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void timersMustBeInSecondsAndLabelsMustBeValid() {
    assertThatThrownBy(() -> m.timer("englog_render")).hasMessageContaining("_seconds");
    assertThatThrownBy(() -> m.counter("x").help("h").labelNames("le"))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> m.counter("x").help("h").labelNames("a", "a"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> m.counter("x").labelNames("a").register())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("help");
  }

  @Test
  void aNameCanBeRegisteredOnlyOnce() {
    m.counter("englog_exports").help("Exports.").register();
    assertThatThrownBy(() -> m.counter("englog_exports").help("Exports.").register())
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> m.gauge("englog_users_active").help("x").register())
        .hasMessageContaining("already registered");
  }

  @Test
  void countersExposeTheirNameWithTotalAndDeclaredValuesStartAtZero() {
    CustomCounter exports = m.counter("englog_exports").help("Journal exports, by format.")
        .labelNames("format").declareLabelValues("format", "pdf", "markdown").register();
    exports.increment("pdf");
    exports.incrementBy(2.5, "pdf");
    exports.incrementBy(-1, "pdf");

    assertThat(exports.name()).isEqualTo("englog_exports_total");
    Exposition.Family f = scrape().family("englog_exports_total");
    assertThat(f.type).isEqualTo("counter");
    assertThat(f.help).isEqualTo("Journal exports, by format.");
    assertThat(f.value("englog_exports_total", Map.of("format", "pdf"))).isEqualTo(3.5);
    assertThat(f.value("englog_exports_total", Map.of("format", "markdown"))).isZero();
  }

  @Test
  void customMetricsAreGuarded() {
    CustomCounter c = m.counter("englog_things").help("Things.").labelNames("id")
        .cardinalityLimit(40).register();
    // 40 exposed series, 2 per combination: 18 as given, 1 for folded values, 1 last resort.
    for (int i = 0; i < 1000; i++) {
      c.increment("id-" + i);
    }
    Exposition e = scrape();
    assertThat(e.family("englog_things_total").series()).isLessThanOrEqualTo(20);
    assertThat(e.family("englog_things_total").value("englog_things_total", Map.of("id", "other")))
        .isEqualTo(1000 - 18);
    assertThat(e.family("englog_metrics_cardinality_overflow_total").value(
        "englog_metrics_cardinality_overflow_total", Map.of("metric", "englog_things_total")))
        .isEqualTo(1000 - 18);
  }

  @Test
  void wrongNumbersOfLabelValuesNeverThrow() {
    CustomCounter c = m.counter("englog_pairs").help("Pairs.").labelNames("a", "b").register();
    assertThatCode(() -> {
      c.increment();
      c.increment("x");
      c.increment("x", "y", "z");
      c.incrementBy(1, (String[]) null);
    }).doesNotThrowAnyException();
    Exposition.Family f = scrape().family("englog_pairs_total");
    assertThat(f.value("englog_pairs_total", Map.of("a", "unknown", "b", "unknown"))).isEqualTo(2);
    assertThat(f.value("englog_pairs_total", Map.of("a", "x", "b", "unknown"))).isEqualTo(1);
    assertThat(f.value("englog_pairs_total", Map.of("a", "x", "b", "y"))).isEqualTo(1);
  }

  @Test
  void functionBackedCounterPublishesACountKeptElsewhere() {
    AtomicLong dropped = new AtomicLong();
    m.counter("englog_tracing_spans_dropped").help("Spans dropped by the exporter queue.")
        .registerFunction(dropped::get);
    dropped.set(17);
    assertThat(scrape().family("englog_tracing_spans_dropped_total").value(
        "englog_tracing_spans_dropped_total", Map.of())).isEqualTo(17);
  }

  @Test
  void functionBackedSeriesSurviveGarbageCollection() {
    // Micrometer's FunctionCounter holds its source weakly; the method references below are
    // reachable from nothing else, as in m.counter(...).registerFunction(tracing::droppedSpans).
    AtomicLong dropped = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    m.counter("englog_tracing_spans_dropped").help("Spans dropped.").registerFunction(dropped::get);
    m.counter("englog_exporter_failures").help("Failures.").labelNames("exporter").register()
        .bind(failures::get, "otlp");
    m.gauge("englog_queue_depth").help("Depth.").registerFunction(() -> dropped.get() * 2.0);
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    dropped.set(17);
    failures.set(4);
    Exposition e = scrape();
    assertThat(e.family("englog_tracing_spans_dropped_total").value(
        "englog_tracing_spans_dropped_total", Map.of())).isEqualTo(17);
    assertThat(e.family("englog_exporter_failures_total").value(
        "englog_exporter_failures_total", Map.of("exporter", "otlp"))).isEqualTo(4);
    assertThat(e.family("englog_queue_depth").value("englog_queue_depth", Map.of())).isEqualTo(34);
  }

  @Test
  void throwingFunctionSeriesReadAsNaNAndTheScrapeSurvives() {
    m.counter("englog_flaky_events").help("Flaky.").registerFunction(() -> {
      throw new IllegalStateException("source closed");
    });
    CustomGauge g = m.gauge("englog_flaky_depth").help("Flaky.").labelNames("queue").register();
    g.bind(() -> {
      throw new IllegalStateException("queue closed");
    }, "email");
    g.bind(() -> 2, "sms");
    Exposition e = scrape();
    assertThat(e.family("englog_flaky_events_total").value("englog_flaky_events_total", Map.of()))
        .isNaN();
    assertThat(e.family("englog_flaky_depth").value("englog_flaky_depth", Map.of("queue", "email")))
        .isNaN();
    assertThat(e.family("englog_flaky_depth").value("englog_flaky_depth", Map.of("queue", "sms")))
        .isEqualTo(2);
  }

  @Test
  void labelledSeriesCanBeBoundAndIncrementingThemIsCountedAsDropped() {
    CustomCounter c = m.counter("englog_exporter_failures").help("Failures.").labelNames("exporter")
        .register();
    c.bind(() -> 4, "otlp");
    c.increment("otlp");
    c.increment("zipkin");
    Exposition e = scrape();
    Exposition.Family f = e.family("englog_exporter_failures_total");
    assertThat(f.value("englog_exporter_failures_total", Map.of("exporter", "otlp"))).isEqualTo(4);
    assertThat(f.value("englog_exporter_failures_total", Map.of("exporter", "zipkin"))).isEqualTo(1);
    assertThat(e.family("englog_metrics_recordings_dropped_total").value(
        "englog_metrics_recordings_dropped_total", Map.of("metric", "englog_exporter_failures_total")))
        .isEqualTo(1);
    assertThatThrownBy(() -> c.bind(() -> 1, "otlp")).hasMessageContaining("already has a series");
  }

  @Test
  void timersAreHistogramsWithTheirBuckets() {
    CustomTimer t = m.timer("englog_export_render_seconds").help("Render time.").labelNames("format")
        .buckets(0.1, 1, 10).register();
    t.record(Duration.ofMillis(500), "pdf");
    t.record(Duration.ofSeconds(20), "pdf");
    Exposition.Family f = scrape().family("englog_export_render_seconds");
    assertThat(f.type).isEqualTo("histogram");
    assertThat(f.buckets()).containsExactly(0.1, 1.0, 10.0);
    assertThat(f.value("englog_export_render_seconds_bucket", Map.of("format", "pdf", "le", "1.0")))
        .isEqualTo(1);
    assertThat(f.value("englog_export_render_seconds_count", Map.of("format", "pdf"))).isEqualTo(2);
    assertThatThrownBy(() -> m.timer("englog_x_seconds").buckets(1, 1))
        .hasMessageContaining("strictly increasing");
  }

  @Test
  void gaugesAreSetOrBoundAndAbsentUntilThen() {
    CustomGauge g = m.gauge("englog_worker_queue_depth").help("Jobs waiting, by queue.")
        .labelNames("queue").register();
    assertThat(scrape().families).doesNotContainKey("englog_worker_queue_depth");
    g.set(3, "summaries");
    g.bind(() -> 9, "email");
    g.set(5, "email");
    Exposition e = scrape();
    Exposition.Family f = e.family("englog_worker_queue_depth");
    assertThat(f.type).isEqualTo("gauge");
    assertThat(f.value("englog_worker_queue_depth", Map.of("queue", "summaries"))).isEqualTo(3);
    assertThat(f.value("englog_worker_queue_depth", Map.of("queue", "email"))).isEqualTo(9);
    m.gauge("englog_uptime_ratio").help("Ratio.").registerFunction(() -> 0.5);
    assertThat(scrape().family("englog_uptime_ratio").value("englog_uptime_ratio", Map.of()))
        .isEqualTo(0.5);
  }

  @Test
  void declaredGaugeValuesStartAtZeroAndOthersStayAbsentUntilSet() {
    CustomGauge g = m.gauge("englog_job_backlog").help("Jobs waiting, by queue and priority.")
        .labelNames("queue", "priority")
        .declareLabelValues("queue", "email", "summaries").declareLabelValues("priority", "high")
        .register();
    Exposition.Family f = scrape().family("englog_job_backlog");
    assertThat(f.type).isEqualTo("gauge");
    assertThat(f.series()).isEqualTo(2);
    assertThat(f.value("englog_job_backlog", Map.of("queue", "email", "priority", "high"))).isZero();
    assertThat(f.value("englog_job_backlog", Map.of("queue", "summaries", "priority", "high"))).isZero();

    g.set(4, "email", "high");
    g.set(1, "email", "low");
    f = scrape().family("englog_job_backlog");
    assertThat(f.value("englog_job_backlog", Map.of("queue", "email", "priority", "high"))).isEqualTo(4);
    assertThat(f.value("englog_job_backlog", Map.of("queue", "email", "priority", "low"))).isEqualTo(1);
    assertThat(f.series()).isEqualTo(3);
    // A declared series is a set gauge: binding a supplier to it is refused.
    assertThatThrownBy(() -> g.bind(() -> 7, "summaries", "high")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gaugeValuesDeclaredForOnlySomeLabelsStartNothing() {
    m.gauge("englog_partial_backlog").help("Partly declared.").labelNames("queue", "priority")
        .declareLabelValues("queue", "email").register();
    assertThat(scrape().families).doesNotContainKey("englog_partial_backlog");
  }

  @Test
  void declaringValuesOfALabelTheMetricDoesNotHaveIsRefused() {
    assertThatThrownBy(() -> m.gauge("englog_misdeclared").help("Misdeclared.").labelNames("queue")
        .declareLabelValues("queues", "email").register())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("declareLabelValues(\"queues\"");
    assertThatThrownBy(() -> m.counter("englog_misdeclared_events").help("Misdeclared.")
        .declareLabelValues("format", "pdf").register())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no label");
  }

  @Test
  void everyBuiltInNameIsReservedWithItsMicrometerAndMaxForms() throws IllegalAccessException {
    List<String> names = new ArrayList<>();
    for (Field f : MetricNames.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        names.add((String) f.get(null));
      }
    }
    assertThat(names).hasSize(21);
    for (String n : names) {
      assertThat(GuardedMeters.RESERVED_NAMES).as(n).contains(n, GuardedMeters.stripTotal(n), n + "_max");
    }
  }

  @Test
  void aCustomMetricWithABuiltInNameIsRefusedEvenBeforeTheBuiltInIsRegistered() {
    // The connection pool gauges exist only once a pool is bound; their names are reserved anyway.
    for (String n : List.of(MetricNames.DATABASE_CONNECTIONS_ACTIVE, MetricNames.DATABASE_CONNECTIONS_IDLE,
        MetricNames.DATABASE_CONNECTIONS_MAX, MetricNames.DATABASE_CONNECTIONS_PENDING)) {
      assertThat(m.registry().find(n).meter()).as(n).isNull();
      assertThatThrownBy(() -> m.gauge(n).help("Mine.").register()).as(n)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
    }
    assertThatThrownBy(() -> m.timer("englog_http_request_duration_seconds").help("Mine.").register())
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> m.counter("englog_cache_hits").help("Mine.").register())
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> m.gauge("englog_database_query_duration_seconds_max").help("Mine.").register())
        .hasMessageContaining("already registered");
  }
}
