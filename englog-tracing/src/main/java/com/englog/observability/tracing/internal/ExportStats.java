package com.englog.observability.tracing.internal;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What happened to the spans a {@code Tracing} instance ended: exported, failed to export, dropped
 * before export (queue full or after shutdown), or still queued. Written by the export pipeline,
 * read by getters that a composing module publishes as metrics.
 *
 * <p>Not public API.
 */
public final class ExportStats {

  final LongAdder exportedSpans = new LongAdder();
  final LongAdder failedSpans = new LongAdder();
  final LongAdder exportFailures = new LongAdder();
  final LongAdder droppedSpans = new LongAdder();
  private volatile LongSupplier queueSize = () -> 0L;
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
    return droppedSpans.sum();
  }

  public long queuedSpans() {
    return queueSize.getAsLong();
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

  void queueSize(LongSupplier supplier) {
    this.queueSize = supplier;
  }

  void queueCapacity(int capacity) {
    this.queueCapacity = capacity;
  }
}
