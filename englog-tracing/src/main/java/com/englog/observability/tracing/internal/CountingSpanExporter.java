package com.englog.observability.tracing.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Counts exported and failed spans around the real exporter. An exporter that throws instead of
 * failing its result is counted as failed too, so no batch leaves without a count.
 *
 * <p>Not public API.
 */
public final class CountingSpanExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final ExportStats stats;
  private final ProcessorTelemetry telemetry;
  /** Written and read only by the processor's single export thread. */
  private int exports;

  /**
   * @param telemetry checked once the processor has exported twice (by then it has built every
   *     instrument it builds lazily, whatever order a later SDK builds them in); null for none
   */
  public CountingSpanExporter(SpanExporter delegate, ExportStats stats, ProcessorTelemetry telemetry) {
    this.delegate = delegate;
    this.stats = stats;
    this.telemetry = telemetry;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (telemetry != null && exports < 2 && ++exports == 2) {
      telemetry.verify(stats);
    }
    int count = spans.size();
    CompletableResultCode result;
    try {
      result = delegate.export(spans);
    } catch (RuntimeException e) {
      recordFailure(count);
      throw e;
    }
    result.whenComplete(() -> {
      if (result.isSuccess()) {
        stats.exportedSpans.add(count);
      } else {
        recordFailure(count);
      }
    });
    return result;
  }

  private void recordFailure(int count) {
    stats.exportFailures.increment();
    stats.failedSpans.add(count);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
