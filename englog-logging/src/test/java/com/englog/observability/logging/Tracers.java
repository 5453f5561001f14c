package com.englog.observability.logging;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;

/** A real SDK tracer provider; the SDK creates real spans only when a span processor is registered. */
final class Tracers {

  private Tracers() {}

  /** Registered only so that spans are real; the tests read ids from their own spans, not from here. */
  private static final class Registered implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  static SdkTracerProvider provider() {
    return SdkTracerProvider.builder().addSpanProcessor(new Registered()).build();
  }
}
