package com.englog.observability.tracing.internal;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Wraps the batch processor autoconfigure built, to count the sampled spans that end after it was
 * shut down (a request still running at {@code close()}): the processor discards them, and its
 * default internal telemetry does not report that. Everything else is passed through unchanged.
 *
 * <p>Not public API.
 */
public final class CountingSpanProcessor implements SpanProcessor {

  private final SpanProcessor delegate;
  private final ExportStats stats;
  private volatile boolean shutdown;

  public CountingSpanProcessor(SpanProcessor delegate, ExportStats stats) {
    this.delegate = delegate;
    this.stats = stats;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    delegate.onStart(parentContext, span);
  }

  @Override
  public boolean isStartRequired() {
    return delegate.isStartRequired();
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (shutdown && span.getSpanContext().isSampled()) {
      stats.droppedAfterShutdown.increment();
    }
    delegate.onEnd(span);
  }

  @Override
  public boolean isEndRequired() {
    return delegate.isEndRequired();
  }

  @Override
  public CompletableResultCode shutdown() {
    shutdown = true;
    return delegate.shutdown();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
