package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.englog.observability.testsupport.FreePort;
import com.englog.observability.testsupport.OtlpHttpReceiver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The exporter's endpoint hangs, refuses connections or answers 500: the service's calls still
 * complete (they only offer to a bounded queue), the queue never grows past its bound, and every
 * span ends up counted as exported, failed or dropped. Assertions are on counters and bounds, never
 * on elapsed time; the time limits are only there to fail instead of hanging if calls did block.
 */
class TracingFaultsIT {

  private static final int QUEUE = 64;
  private static final Duration WAIT = Duration.ofSeconds(90);

  private OtlpHttpReceiver receiver;
  private Tracing tracing;

  private Tracing tracing(String endpoint, int queue, int batch) {
    return Tracing.builder().serviceName("englog-api")
        .property("otel.bsp.max.queue.size", String.valueOf(queue))
        .property("otel.bsp.max.export.batch.size", String.valueOf(batch))
        .property("otel.bsp.schedule.delay", "20ms")
        .property("otel.exporter.otlp.timeout", "1s")
        .property("otel.bsp.export.timeout", "3s")
        .configuration(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint))
        .build();
  }

  @AfterEach
  void stop() {
    if (tracing != null) {
      tracing.shutdown(Duration.ofSeconds(5));
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  /** Ends {@code count} spans, sampling the queue size; returns the largest size seen. */
  private long flood(int count) {
    AtomicLong maxQueued = new AtomicLong();
    assertTimeoutPreemptively(WAIT, () -> {
      for (int i = 0; i < count; i++) {
        int n = i;
        assertThat(tracing.traceDbQuery("insert", "journals", () -> n)).isEqualTo(n);
        if (i % 25 == 0) {
          maxQueued.accumulateAndGet(tracing.queuedSpans(), Math::max);
        }
      }
    }, "the service's calls blocked on the exporter");
    return maxQueued.get();
  }

  private String counters() {
    return "exported=" + tracing.exportedSpans() + " failed=" + tracing.failedSpans() + " dropped="
        + tracing.droppedSpans() + " queued=" + tracing.queuedSpans() + " exportFailures=" + tracing.exportFailures();
  }

  private void awaitEverySpanAccountedFor(long total) {
    Eventually.await(WAIT,
        () -> tracing.exportedSpans() + tracing.failedSpans() + tracing.droppedSpans() == total,
        this::counters);
  }

  @Test
  void aHangingCollectorCostsTheServiceNothingButTheQueueOfferAndDropsAreCounted() {
    receiver = OtlpHttpReceiver.start().hang();
    tracing = tracing(receiver.endpoint(), QUEUE, 16);
    int total = 5_000;

    long maxQueued = flood(total);

    assertThat(maxQueued).as("the queue stays within its bound").isLessThanOrEqualTo(QUEUE);
    Eventually.await(WAIT, () -> receiver.requestCount() >= 1, this::counters);
    assertThat(tracing.droppedSpans()).as("spans over the bound are dropped and counted")
        .isGreaterThanOrEqualTo(total / 2);
    assertThat(tracing.exportedSpans()).as("nothing was confirmed while the collector hung").isZero();
    Eventually.await(WAIT, () -> tracing.failedSpans() > 0, this::counters); // the hung export timed out

    receiver.release(); // the collector recovers
    awaitEverySpanAccountedFor(total);
    assertThat(tracing.queuedSpans()).isLessThanOrEqualTo(QUEUE);
    Eventually.await(WAIT, () -> tracing.exportedSpans() > 0, this::counters);
    assertThat(receiver.spans().size()).as("what the collector decoded").isGreaterThanOrEqualTo((int) tracing.exportedSpans());
  }

  @Test
  void shutdownReturnsWithinItsTimeoutWhileTheCollectorHangs() {
    receiver = OtlpHttpReceiver.start().hang();
    // Exports may wait ten minutes; only the one-second timeout may bound shutdown().
    tracing = Tracing.builder().serviceName("englog-api")
        .property("otel.bsp.max.queue.size", String.valueOf(QUEUE))
        .property("otel.bsp.max.export.batch.size", "16")
        .property("otel.bsp.schedule.delay", "20ms")
        .property("otel.exporter.otlp.timeout", "10m")
        .property("otel.bsp.export.timeout", "10m")
        .configuration(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()))
        .build();
    flood(500);
    Eventually.await(WAIT, () -> receiver.requestCount() >= 1, this::counters); // an export hangs now

    // Generous against a loaded machine, far below the ten minutes an unbounded wait would take.
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThat(tracing.shutdown(Duration.ofSeconds(1))).isFalse(),
        "shutdown(1 s) waited for the hung collector");

    assertThat(tracing.exportedSpans()).isZero();
    assertThat(tracing.traceDbQuery("select", "journals", () -> "after close")).isEqualTo("after close");
  }

  @Test
  void aCollectorAnswering500CountsEveryFailedSpan() {
    receiver = OtlpHttpReceiver.start().respondWith(500);
    tracing = tracing(receiver.endpoint(), 256, 32);
    int total = 200;

    long maxQueued = flood(total);
    assertThat(tracing.forceFlush(WAIT)).isTrue();

    assertThat(maxQueued).isLessThanOrEqualTo(256);
    awaitEverySpanAccountedFor(total);
    assertThat(tracing.failedSpans()).as(counters()).isEqualTo(total);
    assertThat(tracing.exportedSpans()).isZero();
    assertThat(tracing.droppedSpans()).isZero();
    assertThat(tracing.exportFailures()).isEqualTo(receiver.requestCount()).isGreaterThanOrEqualTo(total / 32);
  }

  @Test
  void aCollectorRefusingConnectionsCostsTheServiceNothingAndEverySpanIsCounted() {
    String closedPort = "http://127.0.0.1:" + FreePort.next();
    tracing = tracing(closedPort, QUEUE, 16);
    int total = 2_000;

    long maxQueued = flood(total);

    assertThat(maxQueued).isLessThanOrEqualTo(QUEUE);
    awaitEverySpanAccountedFor(total);
    assertThat(tracing.exportedSpans()).isZero();
    assertThat(tracing.failedSpans()).as(counters()).isPositive();
    assertThat(tracing.exportFailures()).isPositive();
    assertThat(tracing.droppedSpans()).isGreaterThanOrEqualTo(total / 2);
  }
}
