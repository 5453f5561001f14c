package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.tracing.internal.Carriers;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Oversized, overcrowded and duplicated {@code tracestate} and {@code baggage}, and carriers of
 * hostile size or type: nothing throws, a valid {@code traceparent} next to them is still honoured,
 * what is kept is within the W3C limits on the way in and on the way out, and the work a carrier
 * causes does not grow with its size.
 */
class HostileCarrierTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-b7ad6b7169203331-01";

  private final InMemoryTracing memory = new InMemoryTracing(b -> b.property("otel.propagators", "tracecontext,baggage,b3,b3multi,jaeger"));
  private final Tracing tracing = memory.tracing;

  @AfterEach
  void close() {
    memory.close();
  }

  private static SpanContext spanContext(Context context) {
    return Span.fromContext(context).getSpanContext();
  }

  private static String members(int count, String prefix) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i + "=v" + i).collect(Collectors.joining(","));
  }

  /** What this instance writes for {@code context}, as a downstream service would receive it. */
  @SuppressWarnings("try")
  private Map<String, String> forwarded(Context context) {
    Map<String, String> out = new HashMap<>();
    try (Scope s = context.makeCurrent()) {
      tracing.inject(out);
    }
    return out;
  }

  @Test
  void anOversizedOvercrowdedOrRepeatedTracestateNeverCostsTheTrace() {
    Context oversized = tracing.extract(Map.of("traceparent", TRACEPARENT, "tracestate", "k=" + "v".repeat(9000)));
    Context crowded = tracing.extract(Map.of("traceparent", TRACEPARENT, "tracestate", members(100, "vendor")));
    Context repeated = tracing.extractHeaders(Map.of("traceparent", List.of(TRACEPARENT),
        "tracestate", List.of(members(20, "a"), members(20, "b"))));

    for (Context c : List.of(oversized, crowded, repeated)) {
      assertThat(spanContext(c).getTraceId()).isEqualTo(TRACE_ID);
      assertThat(spanContext(c).getTraceState().size()).as("W3C: at most 32 members").isLessThanOrEqualTo(32);
      assertThat(forwarded(c).getOrDefault("tracestate", "")).hasSizeLessThanOrEqualTo(Carriers.MAX_VALUE_LENGTH);
    }
    assertThat(spanContext(oversized).getTraceState().isEmpty()).isTrue();
    assertThat(tracing.rejectedContexts()).as("the trace context itself was fine").isZero();
  }

  @Test
  void overcrowdedOrRepeatedBaggageIsCappedOnTheWayInAndOut() {
    Context crowded = tracing.extract(Map.of("traceparent", TRACEPARENT, "baggage", members(500, "k")));
    Context repeated = tracing.extractHeaders(Map.of("baggage", List.of(members(50, "a"), members(50, "b"))));
    Context manyLines = tracing.extractHeaders(Map.of("baggage",
        IntStream.range(0, Carriers.MAX_HEADER_LINES + 1).mapToObj(i -> "line" + i + "=x").toList()));

    assertThat(spanContext(crowded).getTraceId()).isEqualTo(TRACE_ID);
    for (Context c : List.of(crowded, repeated)) {
      Baggage baggage = Baggage.fromContext(c);
      assertThat(baggage.size()).as("W3C: at most 64 members").isBetween(1, 64);
      String out = forwarded(c).get("baggage");
      assertThat(out).hasSizeLessThanOrEqualTo(Carriers.MAX_VALUE_LENGTH);
      assertThat(out.split(",")).hasSizeLessThanOrEqualTo(64);
    }
    assertThat(Baggage.fromContext(repeated).getEntryValue("a0")).as("both lines are read").isEqualTo("v0");
    assertThat(Baggage.fromContext(manyLines).isEmpty()).as("more lines than any client sends").isTrue();
  }

  /** A job payload claiming a million entries, generated on demand; counts how many are looked at. */
  static final class HugePayload extends AbstractMap<String, String> {
    static final int SIZE = 1_000_000;
    final AtomicLong iterated = new AtomicLong();

    @Override
    public String get(Object key) {
      return key instanceof String && ((String) key).startsWith("uberctx-") ? "value" : null;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return SIZE;
        }

        @Override
        public Iterator<Entry<String, String>> iterator() {
          return new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
              return next < SIZE;
            }

            @Override
            public Entry<String, String> next() {
              iterated.incrementAndGet();
              int i = next++;
              // Mostly noise, now and then a Jaeger baggage key: the scan cannot stop early.
              String key = i % 1000 == 999 ? "uberctx-k" + i : "field" + i;
              return new SimpleEntry<>(key, get(key));
            }
          };
        }
      };
    }
  }

  @Test
  void aJobPayloadOfAMillionEntriesIsScannedNoFurtherThanItsFirstKeys() {
    HugePayload payload = new HugePayload();

    Context context = tracing.extract(payload);
    String result = tracing.traceJob("summarize", payload, () -> "done");

    assertThat(result).isEqualTo("done");
    assertThat(spanContext(context).isValid()).isFalse();
    assertThat(payload.iterated.get()).as("keys looked at over two extractions")
        .isLessThanOrEqualTo(2L * Carriers.MAX_KEYS);
  }

  @Test
  void aHeaderOnAMillionLinesIsIgnoredWithoutWalkingThem() {
    AtomicLong read = new AtomicLong();
    List<String> lines = new AbstractList<>() {
      @Override
      public String get(int index) {
        read.incrementAndGet();
        return null;
      }

      @Override
      public int size() {
        return 1_000_000;
      }
    };

    Context context = tracing.extractHeaders(Map.of("traceparent", lines, "baggage", lines));

    assertThat(spanContext(context).isValid()).isFalse();
    assertThat(read.get()).isZero();
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void carriersOfTheWrongTypeOrThatThrowNeverFailTheCall() {
    // A payload decoded as Map<String, Object> and cast: the "string" is a number.
    Map polluted = new HashMap<>(Map.of("traceparent", 42, "baggage", List.of("x")));
    Map<String, String> throwing = new HashMap<>() {
      @Override
      public String get(Object key) {
        throw new IllegalStateException("carrier bug");
      }
    };

    assertThat(spanContext(tracing.extract((Map<String, String>) polluted)).isValid()).isFalse();
    assertThat(spanContext(tracing.extract(throwing)).isValid()).isFalse();
    assertThat(tracing.traceJob("summarize", (Map<String, String>) polluted, () -> "ran")).isEqualTo("ran");
    assertThat(tracing.traceEnqueue("summarize", Map.of(), () -> "queued")).as("a read-only carrier")
        .isEqualTo("queued");
    assertThat(memory.spans()).extracting(s -> s.getName()).containsExactly("process summarize", "send summarize");
    assertThat(tracing.rejectedContexts()).as("unreadable carriers are counted").isEqualTo(3);
  }

  private static final ContextKey<String> MARK = ContextKey.named("mark");

  /** An adapter's getter (a servlet request's): header lines come from getAll, like getHeaders. */
  static final TextMapGetter<Map<String, List<String>>> LINES = new TextMapGetter<>() {
    @Override
    public String get(Map<String, List<String>> carrier, String key) {
      List<String> values = carrier == null ? null : carrier.get(key);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Iterator<String> getAll(Map<String, List<String>> carrier, String key) {
      List<String> values = carrier == null ? null : carrier.get(key);
      return values == null ? Collections.emptyIterator() : values.iterator();
    }
  };

  @Test
  void anAdaptersGetterIsHeldToTheSameLimitsAsTheMapPaths() {
    Context base = Context.root().with(MARK, "base");
    List<String> fiftyLines = IntStream.range(0, 50).mapToObj(i -> "line" + i + "=x").toList();

    Context stateTooLong = tracing.extract(base, Map.of("traceparent", List.of(TRACEPARENT),
        "tracestate", List.of("k=" + "v".repeat(9000))), LINES);
    Context baggageOnFiftyLines = tracing.extract(base, Map.of("traceparent", List.of(TRACEPARENT),
        "baggage", fiftyLines), LINES);
    Context eightKiBTraceparent = tracing.extract(base, Map.of("traceparent", List.of(TRACEPARENT + "x".repeat(8192))),
        LINES);
    Context traceparentOnFiftyLines = tracing.extract(base, Map.of("traceparent",
        Collections.nCopies(50, TRACEPARENT)), LINES);

    assertThat(spanContext(stateTooLong).getTraceId()).isEqualTo(TRACE_ID);
    assertThat(spanContext(stateTooLong).getTraceState().isEmpty()).as("an 8 KiB+ tracestate is ignored").isTrue();
    assertThat(spanContext(baggageOnFiftyLines).getTraceId()).isEqualTo(TRACE_ID);
    assertThat(Baggage.fromContext(baggageOnFiftyLines).isEmpty()).as("more lines than any client sends").isTrue();
    for (Context unreadable : List.of(eightKiBTraceparent, traceparentOnFiftyLines)) {
      assertThat(spanContext(unreadable).isValid()).isFalse();
      assertThat(unreadable.get(MARK)).as("the base context is kept").isEqualTo("base");
    }
    assertThat(tracing.rejectedContexts()).as("unreadable headers look absent, as on the map paths").isZero();
  }

  @Test
  void anAdaptersGetterGivesTheBaseContextForMalformedOrDuplicatedTraceContextAndCountsIt() {
    Context base = Context.root().with(MARK, "base");
    TextMapGetter<Map<String, List<String>>> throwing = new TextMapGetter<>() {
      @Override
      public String get(Map<String, List<String>> carrier, String key) {
        return null;
      }

      @Override
      public Iterator<String> getAll(Map<String, List<String>> carrier, String key) {
        throw new IllegalStateException("request already recycled");
      }
    };

    Context malformed = tracing.extract(base, Map.of("traceparent", List.of("00-xyz-b7ad6b7169203331-01"),
        "baggage", List.of("ok=1,bad=%zz")), LINES);
    Context duplicated = tracing.extract(base, Map.of("traceparent", List.of(TRACEPARENT,
        "00-" + "1".repeat(32) + "-b7ad6b7169203331-01")), LINES);
    Context unreadable = tracing.extract(base, Map.of("traceparent", List.of(TRACEPARENT)), throwing);
    Context none = tracing.extract(base, null, LINES);

    for (Context c : List.of(malformed, duplicated, unreadable, none)) {
      assertThat(spanContext(c).isValid()).isFalse();
      assertThat(c.get(MARK)).isEqualTo("base");
    }
    assertThat(Baggage.fromContext(malformed).getEntryValue("ok")).as("valid baggage still arrives").isEqualTo("1");
    assertThat(tracing.rejectedContexts()).isEqualTo(3);
    assertThat(tracing.rejectedBaggage()).isEqualTo(1);
  }
}
