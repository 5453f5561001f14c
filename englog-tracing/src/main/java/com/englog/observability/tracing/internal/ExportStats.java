package com.englog.observability.tracing.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * What happened to the spans a {@code Tracing} instance ended: exported or failed
 * ({@link CountingSpanExporter}), dropped before export because the queue was full or still queued
 * (the SDK's batch processor, read through {@link ProcessorTelemetry}), or dropped because they ended
 * after shutdown ({@link CountingSpanProcessor}). Read by getters that a composing module publishes
 * as metrics.
 *
 * <p>Not public API.
 */
public final class ExportStats {

  final LongAdder exportedSpans = new LongAdder();
  final LongAdder failedSpans = new LongAdder();
  final LongAdder exportFailures = new LongAdder();
  final LongAdder droppedAfterShutdown = new LongAdder();
  private volatile ProcessorTelemetry telemetry;
  private volatile int queueCapacity;
  private volatile String uncounted;

  public long exportedSpans() {
    return exportedSpans.sum();
  }

  public long failedSpans() {
    return failedSpans.sum();
  }

  public long exportFailures() {
    return exportFailures.sum();
  }

  public long droppedSpans() {
    ProcessorTelemetry t = telemetry;
    return droppedAfterShutdown.sum() + (t == null ? 0 : t.queueFull());
  }

  public long queuedSpans() {
    ProcessorTelemetry t = telemetry;
    return t == null ? 0 : t.queued();
  }

  public int queueCapacity() {
    return queueCapacity;
  }

  /** Why dropped/queued spans cannot be counted, or null when they are. */
  public String uncounted() {
    return uncounted;
  }

  void uncounted(String reason) {
    this.uncounted = reason;
  }

  void telemetry(ProcessorTelemetry telemetry) {
    this.telemetry = telemetry;
  }

  void queueCapacity(int capacity) {
    this.queueCapacity = capacity;
  }
}
