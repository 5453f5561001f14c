package com.englog.observability.logging;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real SDK tracer provider; the SDK creates real spans only when a span processor is registered. */
final class Tracers {

  private Tracers() {}

  /** Keeps ended spans in memory. */
  static final class Recording implements SpanProcessor {
    final List<ReadableSpan> ended = new CopyOnWriteArrayList<>();

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ended.add(span);
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  static SdkTracerProvider provider(Recording recording) {
    return SdkTracerProvider.builder().addSpanProcessor(recording).build();
  }
}
