package com.englog.observability.tracing.internal;

import com.englog.observability.tracing.Propagation;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.extension.trace.propagation.JaegerPropagator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Not public API. */
public final class PropagatorFactory {

  private PropagatorFactory() {}

  public static TextMapPropagator create(Set<Propagation> propagations) {
    List<TextMapPropagator> list = new ArrayList<>();
    for (Propagation p : propagations) {
      list.add(of(p));
    }
    return TextMapPropagator.composite(list);
  }

  // The specification deprecated Jaeger's format; services still on Jaeger clients send it, so we
  // keep reading and writing it for as long as they need (docs/tracing.md says to move to W3C).
  @SuppressWarnings("deprecation")
  static TextMapPropagator of(Propagation p) {
    switch (p) {
      case TRACECONTEXT:
        return W3CTraceContextPropagator.getInstance();
      case BAGGAGE:
        return W3CBaggagePropagator.getInstance();
      case B3:
        return B3Propagator.injectingSingleHeader();
      case B3_MULTI:
        return B3Propagator.injectingMultiHeaders();
      case JAEGER:
        return JaegerPropagator.getInstance();
      default:
        throw new IllegalArgumentException("unsupported propagation " + p);
    }
  }
}
