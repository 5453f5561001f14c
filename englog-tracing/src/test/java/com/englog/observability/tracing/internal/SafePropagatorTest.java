package com.englog.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafePropagatorTest {

  private static final ContextKey<String> MARK = ContextKey.named("mark");

  /** A third-party propagator with a bug: throws on everything. */
  private static final TextMapPropagator THROWING = new TextMapPropagator() {
    @Override
    public Collection<String> fields() {
      return List.of("x-broken");
    }

    @Override
    public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
      throw new IllegalArgumentException("inject bug");
    }

    @Override
    public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
      throw new StringIndexOutOfBoundsException("extract bug");
    }
  };

  @Test
  void aThrowingPropagatorGivesBackTheBaseContextAndCountsIt() {
    SafePropagator safe = new SafePropagator(THROWING);
    Context base = Context.root().with(MARK, "base");

    Context result = safe.extract(base, Map.of("traceparent", "x"), Carriers.MAP_GETTER);
    safe.inject(Context.root(), new java.util.HashMap<String, String>(), Carriers.MAP_SETTER);

    assertThat(result).isSameAs(base);
    assertThat(safe.rejectedContexts()).isEqualTo(1);
  }

  @Test
  void aThrowingGetterCannotBreakExtraction() {
    SafePropagator safe = new SafePropagator(W3CTraceContextPropagator.getInstance());
    TextMapGetter<Object> hostile = new TextMapGetter<>() {
      @Override
      public String get(Object carrier, String key) {
        throw new IllegalStateException("getter bug");
      }
    };
    assertThat(safe.extract(Context.root(), new Object(), hostile)).isSameAs(Context.root());
    assertThat(safe.rejectedContexts()).isEqualTo(1);
  }

  @Test
  void anInvalidSpanContextFromAPropagatorIsNeverLetThrough() {
    TextMapPropagator sloppy = new TextMapPropagator() {
      @Override
      public Collection<String> fields() {
        return List.of("traceparent");
      }

      @Override
      public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {}

      @Override
      public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
        SpanContext invalid = SpanContext.createFromRemoteParent(
            "00000000000000000000000000000000", "0000000000000000", TraceFlags.getSampled(), TraceState.getDefault());
        return context.with(Span.wrap(invalid)).with(MARK, "polluted");
      }
    };
    SafePropagator safe = new SafePropagator(sloppy);

    Context result = safe.extract(Context.root(), Map.of("traceparent", "x"), Carriers.MAP_GETTER);

    assertThat(result).isSameAs(Context.root());
    assertThat(safe.rejectedContexts()).isEqualTo(1);
  }
}
