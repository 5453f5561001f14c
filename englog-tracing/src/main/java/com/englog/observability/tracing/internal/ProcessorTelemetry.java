package com.englog.observability.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.semconv.ErrorAttributes;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link MetricReader} on the SDK's own meter provider that reads what the SDK's
 * {@code BatchSpanProcessor} reports about itself: spans dropped because the queue was full, and
 * the queue's size now. Autoconfigure hands that processor the SDK's meter provider; with this
 * reader registered on it (and {@code otel.metrics.exporter=none}, the only reader) the two
 * instruments record, and {@code droppedSpans()} / {@code queuedSpans()} collect them on demand.
 * Both namings of the processor's internal telemetry are read: {@code processedSpans{dropped=true}}
 * and {@code queueSize} (the default, {@code otel.experimental.sdk.telemetry.version=legacy}), and
 * {@code otel.sdk.processor.span.processed{error.type=queue_full}} and
 * {@code otel.sdk.processor.span.queue.size} ({@code latest}).
 *
 * <p>Using the SDK's batch processor (a lock-free bounded queue, tuned and battle-tested) beats
 * writing our own, at the price of depending on the names of its instruments. If a later SDK renames
 * them, the counts would silently stay 0; instead {@link #verify()} (called by the exporter once
 * exports run) logs a WARNING and marks the stats uncounted, and {@code ExportAccountingTest} and
 * {@code TracingFaultsIT} fail on such an SDK before it ships.
 *
 * <p>Not public API.
 */
public final class ProcessorTelemetry implements MetricReader {

  static final String LEGACY_PROCESSED = "processedSpans";
  static final String LEGACY_QUEUE_SIZE = "queueSize";
  static final String PROCESSED = "otel.sdk.processor.span.processed";
  static final String QUEUE_SIZE = "otel.sdk.processor.span.queue.size";
  private static final AttributeKey<Boolean> LEGACY_DROPPED = AttributeKey.booleanKey("dropped");
  private static final AttributeKey<String> ERROR_TYPE = ErrorAttributes.ERROR_TYPE;

  private static final System.Logger LOG = System.getLogger(ProcessorTelemetry.class.getName());

  private final AtomicBoolean verified = new AtomicBoolean();
  private CollectionRegistration registration = CollectionRegistration.noop();
  /** Queue-full drops as last collected: what {@link #queueFull()} reports once the SDK is shut down. */
  private long lastQueueFull;
  private boolean shutdown;

  /** What one collection found. */
  public static final class Reading {
    final boolean processedSeen;
    final boolean queueSizeSeen;
    final long queueFull;
    final long queued;

    Reading(boolean processedSeen, boolean queueSizeSeen, long queueFull, long queued) {
      this.processedSeen = processedSeen;
      this.queueSizeSeen = queueSizeSeen;
      this.queueFull = queueFull;
      this.queued = queued;
    }
  }

  /** Spans dropped because the queue was full, so far. */
  public synchronized long queueFull() {
    return shutdown ? lastQueueFull : read().queueFull;
  }

  /** Spans in the queue now; 0 once the SDK is shut down. */
  public synchronized long queued() {
    return shutdown ? 0 : read().queued;
  }

  /** Collects the processor's instruments now. */
  synchronized Reading read() {
    boolean processedSeen = false;
    boolean queueSizeSeen = false;
    long queueFull = 0;
    long queued = 0;
    Collection<MetricData> metrics = registration.collectAllMetrics();
    for (MetricData metric : metrics) {
      String name = metric.getName();
      if ((name.equals(LEGACY_PROCESSED) || name.equals(PROCESSED)) && metric.getType() == MetricDataType.LONG_SUM) {
        processedSeen = true;
        for (LongPointData point : metric.getLongSumData().getPoints()) {
          if (Boolean.TRUE.equals(point.getAttributes().get(LEGACY_DROPPED))
              || "queue_full".equals(point.getAttributes().get(ERROR_TYPE))) {
            queueFull += point.getValue();
          }
        }
      } else if (name.equals(LEGACY_QUEUE_SIZE) && metric.getType() == MetricDataType.LONG_GAUGE) {
        queueSizeSeen = true;
        for (LongPointData point : metric.getLongGaugeData().getPoints()) {
          queued += point.getValue();
        }
      } else if (name.equals(QUEUE_SIZE) && metric.getType() == MetricDataType.LONG_SUM) {
        queueSizeSeen = true;
        for (LongPointData point : metric.getLongSumData().getPoints()) {
          queued += point.getValue();
        }
      }
    }
    lastQueueFull = Math.max(lastQueueFull, queueFull);
    return new Reading(processedSeen, queueSizeSeen, queueFull, queued);
  }

  /**
   * Checks, once, that the processor reported both instruments; call it when the processor has
   * certainly queued and exported spans (the SDK builds them lazily on first use). When one is
   * missing, {@code droppedSpans()} / {@code queuedSpans()} cannot count: say so loudly.
   *
   * @return why the spans cannot be counted, or null when they can
   */
  public String verify(ExportStats stats) {
    if (!verified.compareAndSet(false, true)) {
      return null;
    }
    Reading reading = read();
    StringBuilder missing = new StringBuilder();
    if (!reading.processedSeen) {
      missing.append(LEGACY_PROCESSED).append(" / ").append(PROCESSED).append(" (droppedSpans)");
    }
    if (!reading.queueSizeSeen) {
      missing.append(missing.length() == 0 ? "" : ", ").append(LEGACY_QUEUE_SIZE).append(" / ").append(QUEUE_SIZE)
          .append(" (queuedSpans)");
    }
    if (missing.length() == 0) {
      return null;
    }
    String reason = "the SDK's BatchSpanProcessor did not report " + missing;
    stats.uncounted(reason);
    LOG.log(System.Logger.Level.WARNING, "EngLog tracing cannot count dropped or queued spans with this "
        + "OpenTelemetry SDK: its BatchSpanProcessor did not report " + missing + "; those getters stay 0."
        + " Use the OpenTelemetry SDK version englog-tracing was built with, or report this.");
    return reason;
  }

  @Override
  public synchronized void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public synchronized CompletableResultCode shutdown() {
    // A last collection, so that the drops counted so far stay readable after close.
    read();
    shutdown = true;
    registration = CollectionRegistration.noop();
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    return "EngLogProcessorTelemetry";
  }
}
