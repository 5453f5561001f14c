package com.englog.observability.tracing;

import com.englog.observability.tracing.internal.ConfigNames;

/**
 * Wire formats for trace context between services, named as {@code OTEL_PROPAGATORS} names them.
 * The default is {@link #TRACECONTEXT} + {@link #BAGGAGE}; add {@link #B3}, {@link #B3_MULTI} or
 * {@link #JAEGER} while services on older clients still send those. Every selected format is read on
 * the way in; all of them are written on the way out.
 */
public enum Propagation {
  /** W3C {@code traceparent} / {@code tracestate}. */
  TRACECONTEXT("tracecontext"),
  /** W3C {@code baggage}. */
  BAGGAGE("baggage"),
  /** Zipkin B3, single {@code b3} header (reads the multi-header form too). */
  B3("b3"),
  /** Zipkin B3, {@code X-B3-TraceId}, {@code X-B3-SpanId}, {@code X-B3-Sampled} headers. */
  B3_MULTI("b3multi"),
  /** Jaeger's {@code uber-trace-id} (and {@code uberctx-*} baggage). */
  JAEGER("jaeger");

  private final String configName;

  Propagation(String configName) {
    this.configName = configName;
  }

  /** The name in {@code OTEL_PROPAGATORS}, e.g. {@code b3multi}. */
  public String configName() {
    return configName;
  }

  /**
   * The propagation for a name in {@code OTEL_PROPAGATORS}.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static Propagation fromConfigName(String name) {
    Propagation p = ConfigNames.find(values(), Propagation::configName, name);
    if (p != null) {
      return p;
    }
    throw new IllegalArgumentException("unknown propagator '" + name
        + "'; known: tracecontext, baggage, b3, b3multi, jaeger, none");
  }
}
