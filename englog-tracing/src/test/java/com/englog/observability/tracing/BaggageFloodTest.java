package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client sending malformed {@code baggage} on every request cannot make the service write a
 * stack trace (or a warning) per request: OpenTelemetry's W3C baggage parser logs a {@code
 * NumberFormatException} with its stack trace for each broken percent-escape, through {@code
 * java.util.logging}; the guard drops such members before it sees them and counts them, and valid
 * members next to them still arrive.
 */
class BaggageFloodTest {

  private static final List<String> HOSTILE = List.of(
      "k=%%%", "k=%zz", "k=%", "k=%a", "k=v%g1", "k=v;p=\"quoted\"", "k=v;p\\x", "k=v;\u0001",
      "k=v;caf\u00e9", "k=%%%" + "%".repeat(3000));

  /** Every JUL record at INFO or above, from any logger (OpenTelemetry's and ours). */
  private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final Logger root = Logger.getLogger("");
  private final InMemoryTracing memory = new InMemoryTracing();
  private final Tracing tracing = memory.tracing;

  @BeforeEach
  void captureLogs() {
    capture.setLevel(Level.INFO);
    root.addHandler(capture);
  }

  @AfterEach
  void close() {
    root.removeHandler(capture);
    memory.close();
  }

  /** A servlet-like carrier: header lines through getAll, as an adapter's getter reads them. */
  private static final TextMapGetter<Map<String, List<String>>> LINES = new TextMapGetter<>() {
    @Override
    public String get(Map<String, List<String>> carrier, String key) {
      List<String> values = carrier.get(key);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Iterator<String> getAll(Map<String, List<String>> carrier, String key) {
      List<String> values = carrier.get(key);
      return values == null ? Collections.emptyIterator() : values.iterator();
    }
  };

  @Test
  void aThousandHostileBaggageHeadersWriteNoStackTraceAndAtMostOneLine() {
    TextMapPropagator exposed = tracing.propagator();
    TextMapPropagator noop = Tracing.noop().propagator();
    long expectedRejected = 0;
    List<String> leaked = new ArrayList<>();

    for (int i = 0; i < 1_000; i++) {
      String hostile = HOSTILE.get(i % HOSTILE.size());
      String header = "ok=1," + hostile + ",good=v%20x";
      Context extracted;
      switch (i % 5) {
        case 0:
          extracted = tracing.extract(Map.of("baggage", header));
          break;
        case 1:
          extracted = tracing.extractHeaders(Map.of("baggage", List.of("ok=1", hostile, "good=v%20x")));
          break;
        case 2:
          extracted = tracing.extract(Context.root(), Map.of("baggage", List.of(header)), LINES);
          break;
        case 3:
          extracted = exposed.extract(Context.root(), Map.of("baggage", header), MapGetter.INSTANCE);
          break;
        default:
          extracted = noop.extract(Context.root(), Map.of("baggage", header), MapGetter.INSTANCE);
          break;
      }
      if (i % 5 != 4) {
        expectedRejected++;
      }
      Baggage baggage = Baggage.fromContext(extracted);
      assertThat(baggage.getEntryValue("ok")).as("case %d: %s", i, header).isEqualTo("1");
      assertThat(baggage.getEntryValue("good")).as("case %d: %s", i, header).isEqualTo("v x");
      if (baggage.getEntryValue("k") != null) {
        leaked.add(header);
      }
    }

    List<LogRecord> logged = List.copyOf(records);
    assertThat(logged).as("no stack trace").allSatisfy(r -> assertThat(r.getThrown()).isNull());
    assertThat(logged).as("no per-request warning from the parser")
        .noneSatisfy(r -> assertThat(r.getLoggerName()).startsWith("io.opentelemetry"));
    assertThat(logged.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()))
        .as("at most one rate-limited line").hasSizeLessThanOrEqualTo(1)
        .allSatisfy(r -> assertThat(r.getMessage()).contains("malformed incoming baggage"));
    assertThat(leaked).as("malformed members are dropped").isEmpty();
    assertThat(tracing.rejectedBaggage()).as("each malformed member counted").isEqualTo(expectedRejected);
    assertThat(tracing.rejectedContexts()).as("baggage is not a trace context").isZero();
  }

  @Test
  void wellFormedBaggageIsUntouchedAndNotCounted() {
    String header = "userId=alice, serverNode=DF%2028;prop1=v1;flag, isProduction=false,empty=";

    Baggage baggage = Baggage.fromContext(tracing.extract(Map.of("baggage", header)));

    assertThat(baggage.getEntryValue("userId")).isEqualTo("alice");
    assertThat(baggage.getEntryValue("serverNode")).isEqualTo("DF 28");
    assertThat(baggage.getEntry("serverNode").getMetadata().getValue()).isEqualTo("prop1=v1;flag");
    assertThat(baggage.getEntryValue("isProduction")).isEqualTo("false");
    assertThat(tracing.rejectedBaggage()).isZero();
    assertThat(records).noneSatisfy(r -> assertThat(r.getLevel().intValue()).isGreaterThanOrEqualTo(
        Level.WARNING.intValue()));
  }

  /** A caller's own getter over a plain map, as third-party code would pass to {@code propagator()}. */
  enum MapGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier.get(key);
    }
  }
}
