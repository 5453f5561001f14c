package com.englog.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Hostile input at the trust boundary: at least 100,000 generated {@code traceparent}, {@code b3},
 * {@code X-B3-*}, {@code uber-trace-id} and {@code baggage} headers, read as a header map, a job
 * payload and through an adapter's getter (malformed, oversized, duplicated, control
 * characters, stray percent-escapes, mixed formats), from a fixed seed so a failure reproduces.
 * Extraction never throws, never yields an invalid or invented span context, and a span started
 * under a rejected context is a new root with a valid trace id. Well-formed headers mixed in must
 * still be honoured, so a propagator that rejected everything would fail here too. Nothing logs a
 * stack trace.
 */
class PropagationFuzzTest {

  private static final long SEED = 0x5EED_2026_1128L;
  private static final int CASES = 120_000;
  private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern HEX16 = Pattern.compile("[0-9a-f]{16}");
  private static final String HEX = "0123456789abcdef";

  private final Random random = new Random(SEED);

  private String hex(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(HEX.charAt(random.nextInt(16)));
    }
    return sb.toString();
  }

  private String garbage(int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(8)) {
        case 0:
          sb.append((char) random.nextInt(32)); // control characters, NUL
          break;
        case 1:
          sb.append("-:%,= ;".charAt(random.nextInt(7)));
          break;
        case 2:
          sb.appendCodePoint(0x80 + random.nextInt(0x2FFFF)); // non-ASCII, astral
          break;
        case 3:
          sb.append(HEX.toUpperCase(Locale.ROOT).charAt(random.nextInt(16)));
          break;
        default:
          sb.append(HEX.charAt(random.nextInt(16)));
      }
    }
    return sb.toString();
  }

  private String mutate(String valid) {
    StringBuilder sb = new StringBuilder(valid);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = random.nextInt(sb.length());
      switch (random.nextInt(7)) {
        case 0:
          String one = garbage(1);
          sb.setCharAt(at, one.isEmpty() ? 'x' : one.charAt(0));
          break;
        case 1:
          sb.deleteCharAt(at);
          break;
        case 2:
          sb.insert(at, garbage(3));
          break;
        case 3:
          sb.setLength(at); // truncate
          break;
        case 4:
          sb.replace(at, Math.min(sb.length(), at + 16), "0000000000000000");
          break;
        case 5:
          sb.setCharAt(at, Character.toUpperCase(sb.charAt(at)));
          break;
        default:
          sb.append(random.nextBoolean() ? "-" + garbage(20) : " ");
      }
    }
    return sb.toString();
  }

  private String traceparent() {
    String[] versions = {"00", "00", "00", "01", "ff", "cc", "0", "000"};
    String v = versions[random.nextInt(versions.length)];
    return mutate(v + "-" + hex(32) + "-" + hex(16) + "-" + (random.nextBoolean() ? "01" : "00"));
  }

  private String b3() {
    String[] shapes = {
      hex(32) + "-" + hex(16), hex(32) + "-" + hex(16) + "-1", hex(16) + "-" + hex(16) + "-d",
      hex(32) + "-" + hex(16) + "-1-" + hex(16), "0", "1", "d", hex(32) + "-" + hex(16) + "-x-y-z"
    };
    return mutate(shapes[random.nextInt(shapes.length)]);
  }

  private String uberTraceId() {
    String[] shapes = {
      hex(32) + ":" + hex(16) + ":0:1", hex(16) + ":" + hex(16) + ":" + hex(16) + ":3",
      hex(32) + "%3A" + hex(16) + "%3A0%3A1", "%" + garbage(4), hex(32) + ":" + hex(16) + ":0:" + garbage(3),
      ":::", hex(5) + ":" + hex(5) + ":0:1",
      // Broken percent-escapes: Jaeger's propagator URL-decodes values without a colon.
      "%zz" + hex(8), hex(8) + "%", "%" + garbage(2) + "%G", "%u00" + hex(2)
    };
    String shape = shapes[random.nextInt(shapes.length)];
    return random.nextInt(3) == 0 ? shape : mutate(shape);
  }

  private Map<String, List<String>> hostileHeaders() {
    Map<String, List<String>> headers = new HashMap<>();
    int kinds = 1 + random.nextInt(3);
    for (int k = 0; k < kinds; k++) {
      switch (random.nextInt(6)) {
        case 0:
          headers.put(random.nextBoolean() ? "traceparent" : "TraceParent", values(this::traceparent));
          headers.put("tracestate", List.of(garbage(600)));
          break;
        case 1:
          headers.put("b3", values(this::b3));
          break;
        case 2:
          headers.put("X-B3-TraceId", values(() -> mutate(hex(random.nextBoolean() ? 32 : 16))));
          headers.put("X-B3-SpanId", values(() -> mutate(hex(16))));
          headers.put("X-B3-Sampled", List.of(garbage(3)));
          break;
        case 3:
          headers.put("uber-trace-id", values(this::uberTraceId));
          headers.put("uberctx-" + garbage(5), List.of(garbage(50)));
          break;
        case 4:
          headers.put("baggage", List.of(garbage(random.nextInt(50) == 0 ? 12_000 : 300)));
          break;
        default:
          headers.put(garbage(10), List.of(garbage(random.nextInt(100) == 0 ? 70_000 : 64)));
      }
    }
    return headers;
  }

  /** One value usually; sometimes a duplicated header line; rarely an oversized one. */
  private List<String> values(java.util.function.Supplier<String> value) {
    int roll = random.nextInt(20);
    if (roll == 0) {
      return List.of(value.get(), value.get());
    }
    if (roll == 1) {
      return List.of(value.get().repeat(400));
    }
    return List.of(value.get());
  }

  @Test
  @SuppressWarnings("try")
  void hostileHeadersNeverThrowNeverYieldAnInvalidContextAndStartANewRoot() {
    int honoured = 0;
    int rooted = 0;
    int validControls = 0;
    List<LogRecord> stackTraces = Collections.synchronizedList(new ArrayList<>());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getThrown() != null) {
          stackTraces.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger.getLogger("").addHandler(capture);
    try (Tracing tracing = Tracing.builder().property("otel.propagators", "tracecontext,baggage,b3,b3multi,jaeger")
        .configuration(Map.of(), Map.of("OTEL_TRACES_EXPORTER", "none")).build()) {
      for (int i = 0; i < CASES; i++) {
        Map<String, List<String>> headers;
        String expectedTraceId = null;
        if (i % 10 == 0) {
          // A well-formed control case, possibly next to noise: must be honoured.
          expectedTraceId = hex(32);
          headers = new HashMap<>();
          headers.put("traceparent", List.of("00-" + expectedTraceId + "-" + hex(15) + "1-01"));
          headers.put("x-noise", List.of(garbage(40)));
          validControls++;
        } else {
          headers = hostileHeaders();
        }

        Context extracted;
        try {
          switch (i % 3) {
            case 0:
              extracted = tracing.extractHeaders(headers);
              break;
            case 1:
              extracted = tracing.extract(firstValues(headers));
              break;
            default:
              // An adapter's getter (a servlet request's): lines through getAll.
              extracted = tracing.extract(Context.root(), headers, HostileCarrierTest.LINES);
          }
        } catch (RuntimeException e) {
          fail("case " + i + " threw for headers " + headers, e);
          return;
        }

        SpanContext remote = Span.fromContext(extracted).getSpanContext();
        if (remote.isValid()) {
          honoured++;
          assertThat(HEX32.matcher(remote.getTraceId()).matches()).as("case %d trace id", i).isTrue();
          assertThat(HEX16.matcher(remote.getSpanId()).matches()).as("case %d span id", i).isTrue();
          assertThat(remote.isRemote()).isTrue();
          String stripped = remote.getTraceId().replaceFirst("^0+", "");
          assertThat(headers.toString().toLowerCase(Locale.ROOT)).as("case %d: id came from the input", i)
              .contains(stripped);
        } else if (expectedTraceId != null) {
          fail("case " + i + ": a well-formed traceparent was rejected: " + headers);
        }
        if (expectedTraceId != null) {
          assertThat(remote.getTraceId()).isEqualTo(expectedTraceId);
        }

        SpanContext[] started = new SpanContext[2];
        try (Scope scope = extracted.makeCurrent()) {
          tracing.inSpan("fuzz", SpanKind.SERVER, null, () -> {
            started[0] = Span.current().getSpanContext();
            // A caller that did not sample gets a non-recording span, which keeps no parent.
            if (Span.current() instanceof ReadableSpan) {
              started[1] = ((ReadableSpan) Span.current()).getParentSpanContext();
            }
          });
        }
        assertThat(started[0].isValid()).as("case %d started a valid span from %s -> %s", i, headers, extracted).isTrue();
        if (remote.isValid()) {
          assertThat(started[0].getTraceId()).isEqualTo(remote.getTraceId());
          if (started[1] != null) {
            assertThat(started[0].getSpanId()).isNotEqualTo(remote.getSpanId());
            assertThat(started[1].getSpanId()).isEqualTo(remote.getSpanId());
          }
        } else {
          rooted++;
          assertThat(started[1]).as("case %d: roots are sampled here", i).isNotNull();
          assertThat(started[1].isValid()).as("case %d is a new root", i).isFalse();
        }
      }
      assertThat(Span.current().getSpanContext().isValid()).isFalse();
      assertThat(validControls).isEqualTo(CASES / 10);
      assertThat(honoured).isGreaterThanOrEqualTo(validControls);
      assertThat(rooted).as("most hostile cases are rejected").isGreaterThan(CASES / 2);
      // Rooted cases whose trace header was unreadable (oversized, or under a spelling a plain map
      // does not match) look like "no context" and are not counted; all others are.
      assertThat(tracing.rejectedContexts()).as("rejections are counted")
          .isGreaterThan(CASES / 3).isLessThanOrEqualTo(rooted);
      assertThat(tracing.rejectedBaggage()).as("malformed baggage members are counted").isPositive();
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
    assertThat(stackTraces).extracting(LogRecord::getMessage).as("no stack trace logged").isEmpty();
  }

  private static Map<String, String> firstValues(Map<String, List<String>> headers) {
    Map<String, String> map = new HashMap<>();
    headers.forEach((k, v) -> map.put(k, v.isEmpty() ? null : v.get(0)));
    return map;
  }

  @Test
  void theGeneratorIsReproducible() {
    List<String> first = new ArrayList<>();
    Random a = new Random(SEED);
    Random b = new Random(SEED);
    for (int i = 0; i < 5; i++) {
      first.add(Long.toHexString(a.nextLong()));
    }
    for (int i = 0; i < 5; i++) {
      assertThat(Long.toHexString(b.nextLong())).isEqualTo(first.get(i));
    }
  }
}
