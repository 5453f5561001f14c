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

  /**
   * A getter with only {@code get} is read through {@code get} (no iterator per header), one that has
   * {@code getAll} through its lines, joined within the limits; the same getter passed again reads the
   * same way, with the baggage guard applied each time.
   */
  @Test
  void gettersWithAndWithoutTheirOwnGetAllReadTheSameAndWithinTheLimits() {
    SafePropagator safe = new SafePropagator(TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
        io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator.getInstance()));
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    TextMapGetter<Map<String, List<String>>> getOnly = new TextMapGetter<>() {
      @Override
      @SuppressWarnings("deprecation")
      public Iterable<String> keys(Map<String, List<String>> carrier) {
        return carrier.keySet();
      }

      @Override
      public String get(Map<String, List<String>> carrier, String key) {
        List<String> lines = carrier.get(key);
        return lines == null ? null : String.join(",", lines);
      }
    };
    TextMapGetter<Map<String, List<String>>> lines = new TextMapGetter<>() {
      @Override
      @SuppressWarnings("deprecation")
      public Iterable<String> keys(Map<String, List<String>> carrier) {
        return carrier.keySet();
      }

      @Override
      public String get(Map<String, List<String>> carrier, String key) {
        throw new AssertionError("read through getAll");
      }

      @Override
      public java.util.Iterator<String> getAll(Map<String, List<String>> carrier, String key) {
        List<String> l = carrier.get(key);
        return l == null ? java.util.Collections.emptyIterator() : l.iterator();
      }
    };
    Map<String, List<String>> headers = Map.of("traceparent", List.of(traceparent),
        "baggage", List.of("a=1", "b=%zz", "c=3"));
    for (TextMapGetter<Map<String, List<String>>> getter : List.of(getOnly, lines, getOnly, getOnly, lines)) {
      Context extracted = safe.extract(Context.root(), headers, getter);
      assertThat(Span.fromContext(extracted).getSpanContext().getSpanId()).isEqualTo("b7ad6b7169203331");
      io.opentelemetry.api.baggage.Baggage baggage = io.opentelemetry.api.baggage.Baggage.fromContext(extracted);
      assertThat(baggage.getEntryValue("a")).isEqualTo("1");
      assertThat(baggage.getEntryValue("b")).as("malformed member dropped").isNull();
      assertThat(baggage.getEntryValue("c")).isEqualTo("3");
    }
    assertThat(safe.rejectedBaggage()).isEqualTo(5);

    String tooLong = "k=" + "v".repeat(Carriers.MAX_VALUE_LENGTH);
    Map<String, List<String>> flood = Map.of("traceparent", List.of(traceparent), "baggage", List.of(tooLong));
    for (TextMapGetter<Map<String, List<String>>> getter : List.of(getOnly, lines)) {
      Context extracted = safe.extract(Context.root(), flood, getter);
      assertThat(io.opentelemetry.api.baggage.Baggage.fromContext(extracted).isEmpty()).as("over the limit").isTrue();
      assertThat(Span.fromContext(extracted).getSpanContext().isValid()).isTrue();
    }
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
