package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exact counts from the SDK's own batch processor, as autoconfigure builds it: with the export thread
 * held inside an export, nothing drains, so the queue holds exactly its capacity and everything past
 * it is dropped. This pins the two processor instruments {@code droppedSpans()} and {@code
 * queuedSpans()} are read from: an SDK that renamed either fails here in milliseconds
 * (TracingFaultsIT needs a minute and a collector to show the same).
 */
class ExportAccountingTest {

  private static final int QUEUE = 8; // a power of two: the SDK's queue rounds its capacity up to one

  /** Holds the export thread inside export() until released: a collector that does not answer. */
  static final class HeldExporter implements SpanExporter {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger exported = new AtomicInteger();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      entered.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exported.addAndGet(spans.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private final HeldExporter exporter = new HeldExporter();
  private final Tracing tracing = Tracing.builder().serviceName("englog-api")
      .property("otel.bsp.max.queue.size", String.valueOf(QUEUE))
      .property("otel.bsp.max.export.batch.size", "1")
      .property("otel.bsp.schedule.delay", "1ms")
      .property("otel.bsp.export.timeout", "5m")
      .configuration(Map.of(), Map.of()).spanExporter(exporter).build();

  @AfterEach
  void close() {
    exporter.release.countDown();
    tracing.close();
  }

  @Test
  void aFullQueueHoldsItsBoundDropsTheRestAndCountsBothExactly() throws Exception {
    tracing.traceDbQuery("select", "journals", () -> 1);
    assertThat(exporter.entered.await(30, TimeUnit.SECONDS)).as("the first span reached the exporter").isTrue();

    for (int i = 0; i < QUEUE + 5; i++) {
      tracing.traceDbQuery("select", "journals", () -> 1);
    }

    assertThat(tracing.queuedSpans()).as("the processor's queueSize").isEqualTo(QUEUE);
    assertThat(tracing.droppedSpans()).as("the processor's processedSpans{dropped=true}").isEqualTo(5);
    assertThat(tracing.queueCapacity()).isEqualTo(QUEUE);

    exporter.release.countDown();
    assertThat(tracing.forceFlush(Duration.ofSeconds(60))).isTrue();
    assertThat(tracing.exportedSpans()).isEqualTo(1 + QUEUE).isEqualTo(exporter.exported.get());
    assertThat(tracing.queuedSpans()).isZero();
    assertThat(tracing.toString()).as("the instruments were found").doesNotContain("uncounted");
  }

  @Test
  void aSpanStillRunningAtCloseIsDroppedAndCountedAndLaterCallsRecordNothing() {
    exporter.release.countDown();
    Span running = tracing.tracer().spanBuilder("long job").startSpan();
    tracing.traceDbQuery("select", "journals", () -> 1);

    tracing.close();
    running.end();
    String after = tracing.traceDbQuery("select", "journals", () -> "still runs");

    assertThat(after).isEqualTo("still runs");
    assertThat(tracing.exportedSpans()).as("flushed at close").isEqualTo(1);
    assertThat(tracing.droppedSpans()).as("ended after close: already_shutdown").isEqualTo(1);
  }
}
