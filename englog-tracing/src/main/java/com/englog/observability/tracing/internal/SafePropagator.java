package com.englog.observability.tracing.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps the configured propagators so that what arrives from outside can never hurt the host: a
 * propagator that throws on a hostile header (Jaeger's URL-decoding does on a stray {@code %})
 * yields the unchanged context, so the next span starts a new root trace; only valid span contexts
 * get through. Headers that named a trace context but did not yield a valid one are counted
 * ({@link #rejectedContexts()}): an upstream sending broken headers is worth a metric. Every
 * carrier is read through {@link Carriers#bounded}, whatever getter the caller passed, so the size,
 * line and key limits and the {@link BaggageGuard} hold for every extraction.
 *
 * <p>Not public API.
 */
public final class SafePropagator implements TextMapPropagator {

  /** The headers that carry a trace context in the formats we support. */
  private static final List<String> TRACE_HEADERS =
      List.of("traceparent", "b3", "X-B3-TraceId", "uber-trace-id");

  private final TextMapPropagator delegate;
  private final LongAdder rejected = new LongAdder();
  private final BaggageGuard baggage = new BaggageGuard();
  /**
   * The bounded form of the getter last passed in: adapters pass the same constant getter on every
   * request, so none is allocated per extraction. A race only allocates one more.
   */
  private volatile Carriers.Bounded<?> lastBounded;

  public SafePropagator(TextMapPropagator delegate) {
    this.delegate = delegate;
  }

  public long rejectedContexts() {
    return rejected.sum();
  }

  /** Incoming baggage members dropped as malformed. */
  public long rejectedBaggage() {
    return baggage.rejected();
  }

  @Override
  public Collection<String> fields() {
    return delegate.fields();
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    try {
      delegate.inject(context, carrier, setter);
    } catch (RuntimeException e) {
      // A carrier that refuses a header (read-only map, closed request) must not fail the call.
    }
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> unbounded) {
    TextMapGetter<C> getter = bounded(unbounded);
    Context extracted;
    try {
      extracted = delegate.extract(context, carrier, getter);
    } catch (RuntimeException e) {
      rejected.increment();
      return context;
    }
    SpanContext before = Span.fromContext(context).getSpanContext();
    SpanContext after = Span.fromContext(extracted).getSpanContext();
    if (after == before) {
      countIfTraceHeaderPresent(carrier, getter);
      return extracted;
    }
    if (!after.isValid()) {
      rejected.increment();
      return context;
    }
    return extracted;
  }

  @SuppressWarnings("unchecked") // the cached getter's raw getter is the very one passed in
  private <C> TextMapGetter<C> bounded(TextMapGetter<C> unbounded) {
    Carriers.Bounded<?> last = lastBounded;
    if (last != null && last.raw() == unbounded) {
      return (TextMapGetter<C>) last;
    }
    Carriers.Bounded<C> made = new Carriers.Bounded<>(unbounded, baggage);
    lastBounded = made;
    return made;
  }

  private <C> void countIfTraceHeaderPresent(C carrier, TextMapGetter<C> getter) {
    try {
      for (String header : TRACE_HEADERS) {
        if (getter.get(carrier, header) != null) {
          rejected.increment();
          return;
        }
      }
    } catch (RuntimeException e) {
      rejected.increment();
    }
  }

  @Override
  public String toString() {
    return "SafePropagator{" + delegate + "}";
  }
}
