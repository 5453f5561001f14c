package com.englog.observability.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.testsupport.DocsSnippets;
import com.englog.observability.testsupport.TestEnvironment;
import com.englog.observability.tracing.Tracing;
import com.englog.observability.tracing.TracingListener;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.prometheus.metrics.tracer.otel.OpenTelemetrySpanContext;
import java.lang.ref.WeakReference;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hooks docs/design.md puts between two leaves, wired exactly as {@code docs/tracing.md} shows ("One
 * call site: span, metric, exemplar" and "Publishing the export counters"): the tracing listener
 * feeds englog-metrics' AI and database recorders, the export counters become function counters on
 * the metrics registry, and client_java's OpenTelemetry {@code SpanContext} turns the helper's span
 * into the histogram's exemplar. The page's two java blocks are the {@code docs:start}/{@code
 * docs:end} regions below, verbatim but for the lines marked {@code // test only}, and compiled
 * against both modules' real APIs: {@link #docsTracingMdShowsBothRecipesVerbatim} fails when either
 * drifts.
 */
class LeafHooksTest {

  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** An AI client whose call fails with a checked exception, as an HTTP client's does. */
  static String summarize(String entry) throws SocketTimeoutException {
    if (entry.isEmpty()) {
      throw new SocketTimeoutException("read timed out");
    }
    return "short: " + entry;
  }

  /** Runs full collections until a weakly held object is gone: function meters must survive that. */
  private static void collectGarbage() {
    WeakReference<Object> probe = new WeakReference<>(new Object());
    for (int i = 0; i < 50 && probe.get() != null; i++) {
      System.gc();
    }
  }

  /** docs/tracing.md, "Publishing the export counters". */
  static void publishExportCounters(EnglogMetrics metrics, Tracing tracing) {
    // docs:start publish-export-counters
    metrics.counter("englog_tracing_spans_dropped")
        .help("Spans dropped before export because the export queue was full.")
        .registerFunction(tracing::droppedSpans);
    metrics.counter("englog_tracing_spans_failed")
        .help("Spans in export requests that failed: collector down, timed out or answering an error.")
        .registerFunction(tracing::failedSpans);
    metrics.counter("englog_tracing_contexts_rejected")
        .help("Incoming trace headers that were present but invalid; those requests started new traces.")
        .registerFunction(tracing::rejectedContexts);
    metrics.counter("englog_tracing_baggage_rejected")
        .help("Incoming baggage members dropped as malformed: a broken percent-escape or invalid property characters.")
        .registerFunction(tracing::rejectedBaggage);
    metrics.gauge("englog_tracing_queue_spans")
        .help("Spans waiting in the export queue.")
        .registerFunction(tracing::queuedSpans);
    // docs:end publish-export-counters
  }

  /** The value of the one sample of {@code series} (no labels) in {@code exposition}. */
  private static double sample(String exposition, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
    assertThat(m.find()).as("%s in\n%s", series, exposition).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void docsTracingMdShowsBothRecipesVerbatim() {
    Path root = TestEnvironment.repositoryRoot();
    Map<String, String> regions = DocsSnippets.regions(root.resolve(
        "architecture-tests/src/test/java/com/englog/observability/architecture/LeafHooksTest.java"));
    assertThat(regions).containsOnlyKeys("one-call-site", "publish-export-counters");
    List<String> blocks = DocsSnippets.fencedBlocks(root.resolve("docs/tracing.md"), "java");
    regions.forEach((name, region) ->
        assertThat(blocks).as("docs/tracing.md shows %s verbatim:%n%s", name, region).contains(region));
  }

  @Test
  void droppedAndFailedSpansReachTheirMetricsWithTheCountsTheGettersRead() throws Exception {
    // An exporter that holds the first export until released, then fails every export: with a queue
    // of one, the spans ended meanwhile overflow and are dropped; the held and queued ones then fail.
    CountDownLatch exporting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SpanExporter heldThenFailing = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        exporting.countDown();
        try {
          release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return CompletableResultCode.ofFailure();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    EnglogMetrics metrics = EnglogMetrics.builder().jvmMetrics(false).build();
    Tracing tracing = Tracing.builder().serviceName("englog-api")
        .spanExporter(heldThenFailing)
        .property("otel.bsp.max.queue.size", "1")
        .property("otel.bsp.max.export.batch.size", "1")
        .property("otel.bsp.schedule.delay", "10ms")
        .property("otel.bsp.export.timeout", WAIT.toMillis() + "ms")
        .configuration(Map.of(), Map.of())
        .build();
    publishExportCounters(metrics, tracing);

    try (metrics; tracing) {
      int total = 50;
      tracing.traceDbQuery("select", "journals", () -> 0);
      assertThat(exporting.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the first export started").isTrue();
      for (int i = 1; i < total; i++) {
        tracing.traceDbQuery("select", "journals", () -> 0);
      }
      release.countDown();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (tracing.exportedSpans() + tracing.failedSpans() + tracing.droppedSpans() < total
          || tracing.queuedSpans() > 0) {
        assertThat(System.nanoTime() - deadline).as("every span accounted for; dropped=%d failed=%d queued=%d",
            tracing.droppedSpans(), tracing.failedSpans(), tracing.queuedSpans()).isNegative();
        Thread.sleep(20);
      }

      long dropped = tracing.droppedSpans();
      long failed = tracing.failedSpans();
      assertThat(dropped).as("the queue of one overflowed while the export was held").isPositive();
      assertThat(failed).as("the held span and those queued behind it failed").isPositive();
      assertThat(tracing.exportedSpans()).isZero();
      assertThat(dropped + failed).isEqualTo(total);
      String body = metrics.scrapeHandler().handle(OPENMETRICS).bodyText();
      assertThat(sample(body, "englog_tracing_spans_dropped_total")).isEqualTo(dropped);
      assertThat(sample(body, "englog_tracing_spans_failed_total")).isEqualTo(failed);
      assertThat(sample(body, "englog_tracing_queue_spans")).isZero();
    }
  }

  @Test
  void oneCallSiteRecordsTheSpanTheMetricAndAnExemplarPointingAtTheSpan() throws Exception {
    List<SpanContext> aiSpans = new ArrayList<>();

    // docs:start one-call-site
    EnglogMetrics metrics = EnglogMetrics.builder()
        .exemplars(new OpenTelemetrySpanContext())   // io.prometheus:prometheus-metrics-tracer-otel
        .jvmMetrics(false)                            // test only
        .build();
    Tracing tracing = Tracing.builder()
        .serviceName("englog-worker")
        .listener(new TracingListener() {
          @Override
          public void onAiProcessing(String taskType, String provider, Duration duration, Throwable error) {
            metrics.recordAiProcessing(taskType, provider, duration, error);
            aiSpans.add(Span.current().getSpanContext()); // test only
          }

          @Override
          public void onDbQuery(String operation, String table, Duration duration, Throwable error) {
            metrics.recordDatabaseQuery(operation, table, duration);
          }
        })
        .configuration(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none")) // test only: no OTEL_* of this machine
        .build();
    // docs:end one-call-site

    publishExportCounters(metrics, tracing);

    try (metrics; tracing) {
      String summary = tracing.traceAiProcessing("summarize", "openai", () -> summarize("today"));
      assertThatThrownBy(() -> tracing.traceAiProcessing("summarize", "openai", () -> summarize("")))
          .isInstanceOf(SocketTimeoutException.class);
      tracing.traceDbQuery("select", "journals", () -> 1);
      tracing.extract(Map.of("traceparent", "00-garbage", "baggage", "ok=1,broken=%zz"));
      collectGarbage();

      assertThat(summary).isEqualTo("short: today");
      String body = metrics.scrapeHandler().handle(OPENMETRICS).bodyText();
      assertThat(body)
          .contains("englog_ai_processing_duration_seconds_count{provider=\"openai\",task_type=\"summarize\"} 2")
          .contains("englog_ai_processing_errors_total{error_type=\"timeout\",provider=\"openai\",task_type=\"summarize\"} 1.0")
          .contains("englog_database_query_duration_seconds_count{operation=\"select\",table=\"journals\"} 1")
          .contains("englog_tracing_spans_dropped_total 0.0")
          .contains("englog_tracing_spans_failed_total 0.0")
          .contains("englog_tracing_contexts_rejected_total 1.0")
          .contains("englog_tracing_baggage_rejected_total 1.0")
          .contains("englog_tracing_queue_spans 0.0");

      // The exemplar is the AI span itself (the listener runs while it is current), not its parent.
      List<String> exemplars = body.lines()
          .filter(l -> l.startsWith("englog_ai_processing_duration_seconds_bucket") && l.contains(" # {"))
          .toList();
      assertThat(aiSpans).hasSize(2).allSatisfy(span -> assertThat(span.isSampled()).isTrue());
      assertThat(exemplars).isNotEmpty().allSatisfy(line -> assertThat(aiSpans).anySatisfy(span ->
          assertThat(line).contains("span_id=\"" + span.getSpanId() + "\"", "trace_id=\"" + span.getTraceId() + "\"")));
    }
  }
}
