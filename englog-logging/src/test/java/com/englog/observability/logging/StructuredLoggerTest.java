package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

@SuppressWarnings("try") // scopes are closed by try-with-resources on purpose
class StructuredLoggerTest {

  private LoggerContext context;
  private SdkTracerProvider tracing;
  private StructuredLogger log;

  @BeforeEach
  void setUp() {
    context = Logback.configure(Logback.withEncoder("<serviceName>englog-api</serviceName>"));
    Logback.assertNoErrors(context);
    tracing = Tracers.provider();
    log = StructuredLogger.of(context.getLogger("com.englog.api.Requests"));
  }

  @AfterEach
  void tearDown() {
    context.stop();
    tracing.close();
  }

  private List<JsonNode> lines() {
    return Logback.capture(context, "CAPTURE").lines();
  }

  @Test
  void requestLineHasTypedFieldsAndTheCallersTraceIds() {
    Span span = tracing.get("test").spanBuilder("POST /api/v1/journals/{id}").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      log.logRequest("POST", "/api/v1/journals/{id}", 201, Duration.ofNanos(12_345_678), "corr-1", "user-42");
    } finally {
      span.end();
    }
    JsonNode line = lines().get(0);
    assertThat(line.get("message").asText()).isEqualTo("http_request");
    assertThat(line.get("level").asText()).isEqualTo("INFO");
    assertThat(line.get("method").asText()).isEqualTo("POST");
    assertThat(line.get("route").asText()).isEqualTo("/api/v1/journals/{id}");
    assertThat(line.get("status").isIntegralNumber()).isTrue();
    assertThat(line.get("status").asInt()).isEqualTo(201);
    assertThat(line.get("duration_ms").isNumber()).isTrue();
    assertThat(line.get("duration_ms").asDouble()).isEqualTo(12.346);
    assertThat(line.get("correlation_id").asText()).isEqualTo("corr-1");
    assertThat(line.get("user_id").asText()).isEqualTo("user-42");
    assertThat(line.get("trace_id").asText()).isEqualTo(span.getSpanContext().getTraceId());
    assertThat(line.get("span_id").asText()).isEqualTo(span.getSpanContext().getSpanId());
    assertThat(line.get("service").asText()).isEqualTo("englog-api");
    assertThat(Lines.names(line)).containsSubsequence("timestamp", "level", "logger", "thread", "message", "trace_id",
        "span_id", "trace_flags", "service", "method", "route", "status", "duration_ms", "correlation_id", "user_id");
  }

  @Test
  void anonymousRequestsHaveNoUserAndServerErrorsAreWarnings() {
    log.logRequest("GET", "/health", 503, Duration.ofMillis(3), "corr-2", null);
    log.logRequest(null, null, 200, null, null, null);
    JsonNode failed = lines().get(0);
    assertThat(failed.get("level").asText()).isEqualTo("WARN");
    assertThat(failed.has("user_id")).isFalse();
    assertThat(failed.has("trace_id")).isFalse();
    JsonNode nulls = lines().get(1);
    assertThat(nulls.get("method").isNull()).isTrue();
    assertThat(nulls.get("route").isNull()).isTrue();
    assertThat(nulls.has("duration_ms")).isFalse();
    assertThat(nulls.get("correlation_id").isNull()).isTrue();
  }

  @Test
  void aiProcessingSuccessAndFailure() {
    log.logAiProcessing("summarize", "openai", Duration.ofSeconds(2), null);
    log.logAiProcessing("summarize", "openai", Duration.ofMillis(1500),
        new IllegalStateException("401 from provider, key sk-proj-0123456789abcdefghijKLMN rejected"));
    JsonNode ok = lines().get(0);
    assertThat(ok.get("message").asText()).isEqualTo("ai_processing_success");
    assertThat(ok.get("level").asText()).isEqualTo("INFO");
    assertThat(ok.get("task_type").asText()).isEqualTo("summarize");
    assertThat(ok.get("provider").asText()).isEqualTo("openai");
    assertThat(ok.get("duration_ms").asDouble()).isEqualTo(2000.0);
    assertThat(ok.has("error")).isFalse();
    JsonNode failed = lines().get(1);
    assertThat(failed.get("message").asText()).isEqualTo("ai_processing_error");
    assertThat(failed.get("level").asText()).isEqualTo("ERROR");
    assertThat(failed.get("error").get("type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(failed.get("error").get("message").asText()).isEqualTo("401 from provider, key [REDACTED] rejected");
    assertThat(failed.get("error").get("frames").size()).isPositive();
  }

  @Test
  void businessEventKeepsMetadataTypesAndResolvesCollisions() {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("entry_type", "gratitude");
    metadata.put("words", 120);
    metadata.put("password", "not-logged");
    metadata.put("event", "shadowed");
    metadata.put("tags", List.of("a", "b"));
    log.logBusinessEvent("journal_created", "user-7", metadata);
    JsonNode line = lines().get(0);
    assertThat(line.get("message").asText()).isEqualTo("business_event");
    assertThat(line.get("event").asText()).isEqualTo("journal_created");
    assertThat(line.get("user_id").asText()).isEqualTo("user-7");
    assertThat(line.get("entry_type").asText()).isEqualTo("gratitude");
    assertThat(line.get("words").asInt()).isEqualTo(120);
    assertThat(line.get("password").asText()).isEqualTo("[REDACTED]");
    assertThat(line.get("kv.event").asText()).isEqualTo("shadowed");
    assertThat(line.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
  }

  @Test
  void metadataIsBoundedAndAFailingMapDoesNotBreakTheCall() {
    Map<String, Object> many = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      many.put("m" + i, i);
    }
    log.logBusinessEvent("bulk", null, many);
    Map<String, Object> failing = new HashMap<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public Set<Map.Entry<String, Object>> entrySet() {
        throw new java.util.ConcurrentModificationException();
      }

      @Override
      public int size() {
        return 3;
      }

      @Override
      public boolean isEmpty() {
        return false;
      }
    };
    log.logBusinessEvent("failing", "u", failing);
    JsonNode bulk = lines().get(0);
    assertThat(bulk.has("m63")).isTrue();
    assertThat(bulk.has("m64")).isFalse();
    assertThat(bulk.get("metadata_omitted").asText()).isEqualTo("36 entries beyond the first 64");
    assertThat(bulk.has("user_id")).isFalse();
    JsonNode failed = lines().get(1);
    assertThat(failed.get("event").asText()).isEqualTo("failing");
    assertThat(failed.get("metadata_omitted").asText())
        .isEqualTo("all entries: entrySet() threw java.util.ConcurrentModificationException");
  }

  @Test
  void nothingIsWrittenBelowTheLoggersLevel() {
    context.getLogger("com.englog.api.Requests").setLevel(ch.qos.logback.classic.Level.ERROR);
    log.logRequest("GET", "/x", 200, Duration.ZERO, "c", null);
    log.logRequest("GET", "/x", 500, Duration.ZERO, "c", null);
    log.logBusinessEvent("e", null, Map.of());
    log.logAiProcessing("t", "p", Duration.ZERO, null);
    assertThat(lines()).isEmpty();
    log.logAiProcessing("t", "p", Duration.ZERO, new RuntimeException("x"));
    assertThat(lines()).hasSize(1);
  }

  @Test
  void fieldNamesAreTheDocumentedOnes() {
    assertThat(List.of(LogFields.METHOD, LogFields.ROUTE, LogFields.STATUS, LogFields.DURATION_MS,
        LogFields.CORRELATION_ID, LogFields.USER_ID, LogFields.TASK_TYPE, LogFields.PROVIDER, LogFields.EVENT,
        LogFields.TRACE_ID, LogFields.SPAN_ID))
        .containsExactly("method", "route", "status", "duration_ms", "correlation_id", "user_id", "task_type",
            "provider", "event", "trace_id", "span_id");
  }

  @Test
  void hugeDurationsDoNotOverflow() {
    log.logRequest("GET", "/slow", 200, Duration.ofSeconds(Long.MAX_VALUE), "c", null);
    assertThat(lines().get(0).get("duration_ms").asDouble()).isPositive();
  }

  /** A map that throws from the methods named, with {@code entries} readable entries otherwise. */
  private static Map<String, Object> hostile(int entries, String... throwing) {
    Set<String> bad = Set.of(throwing);
    Map<String, Object> real = new LinkedHashMap<>();
    for (int i = 0; i < entries; i++) {
      real.put("k" + i, i);
    }
    return new java.util.AbstractMap<>() {
      @Override
      public Set<Map.Entry<String, Object>> entrySet() {
        if (bad.contains("entrySet")) {
          throw new IllegalStateException("entrySet");
        }
        return real.entrySet();
      }

      @Override
      public int size() {
        if (bad.contains("size")) {
          throw new IllegalStateException("size");
        }
        return real.size();
      }

      @Override
      public boolean isEmpty() {
        if (bad.contains("isEmpty")) {
          throw new IllegalStateException("isEmpty");
        }
        return real.isEmpty();
      }

      @Override
      public String toString() {
        if (bad.contains("toString")) {
          throw new IllegalStateException("toString");
        }
        return real.toString();
      }
    };
  }

  private JsonNode onlyLine(String event, Map<String, ?> metadata) {
    Logback.capture(context, "CAPTURE").clear();
    log.logBusinessEvent(event, "u", metadata);
    List<JsonNode> lines = lines();
    assertThat(lines).as("lines of %s", event).hasSize(1);
    assertThat(lines.get(0).get("event").asText()).isEqualTo(event);
    return lines.get(0);
  }

  @Test
  void aBusinessEventIsOneLineSayingWhatWasLeftOutWhateverTheMapDoes() {
    JsonNode sizeThrows = onlyLine("size", hostile(100, "size"));
    assertThat(sizeThrows.has("k63")).isTrue();
    assertThat(sizeThrows.get("metadata_omitted").asText())
        .isEqualTo("entries beyond the first 64 (size() threw java.lang.IllegalStateException)");

    JsonNode isEmptyThrows = onlyLine("isEmpty", hostile(2, "isEmpty"));
    assertThat(isEmptyThrows.get("k1").asInt()).isEqualTo(1);
    assertThat(isEmptyThrows.has("metadata_omitted")).isFalse(); // nothing was left out

    JsonNode entrySetThrows = onlyLine("entrySet", hostile(5, "entrySet", "size", "isEmpty"));
    assertThat(entrySetThrows.get("metadata_omitted").asText())
        .isEqualTo("all entries: entrySet() threw java.lang.IllegalStateException");

    JsonNode toStringThrows = onlyLine("toString", hostile(3, "toString"));
    assertThat(toStringThrows.get("k2").asInt()).isEqualTo(2);
    assertThat(toStringThrows.has("metadata_omitted")).isFalse();

    Map<String, Object> self = new HashMap<>();
    self.put("a", 1);
    self.put("self", self);
    JsonNode loop = onlyLine("self", self);
    assertThat(loop.get("a").asInt()).isEqualTo(1);
    assertThat(loop.has("self")).isFalse();
    assertThat(loop.get("metadata_omitted").asText()).isEqualTo("1 entry referring to the map itself: loop");

    Map<String, Object> million = new HashMap<>();
    for (int i = 0; i < 1_000_000; i++) {
      million.put("e" + i, i);
    }
    JsonNode huge = onlyLine("million", million);
    assertThat(huge.get("metadata_omitted").asText()).isEqualTo("999936 entries beyond the first 64");
    assertThat(huge.size()).isLessThan(64 + 20);

    Map<String, Object> failingEntry = new LinkedHashMap<>();
    failingEntry.put("ok", 1);
    failingEntry.put("bad", 2);
    Map<String, Object> entryThrows = new java.util.AbstractMap<>() {
      @Override
      public Set<Map.Entry<String, Object>> entrySet() {
        return new java.util.AbstractSet<>() {
          @Override
          public java.util.Iterator<Map.Entry<String, Object>> iterator() {
            java.util.Iterator<Map.Entry<String, Object>> it = failingEntry.entrySet().iterator();
            return new java.util.Iterator<>() {
              int n;

              @Override
              public boolean hasNext() {
                return it.hasNext();
              }

              @Override
              public Map.Entry<String, Object> next() {
                if (n++ == 1) {
                  throw new java.util.ConcurrentModificationException();
                }
                return it.next();
              }
            };
          }

          @Override
          public int size() {
            return 2;
          }
        };
      }
    };
    JsonNode partial = onlyLine("partial", entryThrows);
    assertThat(partial.get("ok").asInt()).isEqualTo(1);
    assertThat(partial.get("metadata_omitted").asText())
        .isEqualTo("entries after the 1st: its iterator threw java.util.ConcurrentModificationException");
  }

  @Test
  void theFluentApiCarriesTheSpanCurrentAtLogNotAtAtInfo() {
    org.slf4j.Logger logger = context.getLogger("com.englog.api.Fluent");
    Span first = tracing.get("test").spanBuilder("first").startSpan();
    Span second = tracing.get("test").spanBuilder("second").startSpan();
    org.slf4j.spi.LoggingEventBuilder builder;
    try (Scope ignored = first.makeCurrent()) {
      builder = logger.atInfo().setMessage("switched").addKeyValue("k", 1); // turbo filters run here
    }
    try (Scope ignored = second.makeCurrent()) {
      builder.log();
    }
    org.slf4j.spi.LoggingEventBuilder outside;
    try (Scope ignored = first.makeCurrent()) {
      outside = logger.atInfo().setMessage("left the span");
    }
    outside.log();
    first.end();
    second.end();
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("span_id").asText()).isEqualTo(second.getSpanContext().getSpanId());
    assertThat(lines.get(0).get("trace_id").asText()).isEqualTo(second.getSpanContext().getTraceId());
    assertThat(lines.get(1).has("trace_id")).as("no span at log()").isFalse();
  }

  @Test
  void theFullRequestLineHasTheAccessLogFieldsAndLeavesOutWhatIsUnset() {
    log.logRequest(StructuredLogger.RequestLog.builder("GET", "/api/v1/journals/{id}", 200)
        .duration(Duration.ofMillis(7)).correlationId("corr-3").userId("user-7").clientAddress("2001:db8::1")
        .userAgent("curl/8.5.0").bytesOut(512).build());
    log.logRequest(StructuredLogger.RequestLog.builder("GET", "/x", 502).bytesOut(-5).build());
    JsonNode full = lines().get(0);
    assertThat(full.get("client_address").asText()).isEqualTo("2001:db8::1");
    assertThat(full.get("user_agent").asText()).isEqualTo("curl/8.5.0");
    assertThat(full.get("bytes_out").isIntegralNumber()).isTrue();
    assertThat(full.get("bytes_out").asLong()).isEqualTo(512);
    assertThat(Lines.names(full)).containsSubsequence("method", "route", "status", "duration_ms", "correlation_id",
        "user_id", "client_address", "user_agent", "bytes_out");
    JsonNode bare = lines().get(1);
    assertThat(bare.get("level").asText()).isEqualTo("WARN");
    assertThat(bare.get("status").asInt()).isEqualTo(502);
    assertThat(bare.has("duration_ms") || bare.has("correlation_id") || bare.has("user_id")
        || bare.has("session_id") || bare.has("client_address") || bare.has("user_agent") || bare.has("bytes_out"))
        .isFalse();
  }

  @Test
  void anIdAlreadyInTheMdcIsWrittenOnceUnderItsOwnName() {
    MDC.put(LogFields.MDC_CORRELATION_ID, "corr-4");
    MDC.put(LogFields.MDC_USER_ID, "user-4");
    try {
      log.logRequest(StructuredLogger.RequestLog.builder("GET", "/x", 200)
          .correlationId("corr-4").userId("user-4").build());
      log.logRequest("GET", "/x", 200, null, "corr-4", "user-4");
      log.logRequest("GET", "/x", 200, null, "other", "user-4");
    } finally {
      MDC.remove(LogFields.MDC_CORRELATION_ID);
      MDC.remove(LogFields.MDC_USER_ID);
    }
    for (JsonNode line : lines().subList(0, 2)) {
      assertThat(line.get("correlation_id").asText()).isEqualTo("corr-4");
      assertThat(line.get("user_id").asText()).isEqualTo("user-4");
      assertThat(Lines.names(line)).doesNotContain("kv.correlation_id", "kv.user_id")
          .containsOnlyOnce("correlation_id", "user_id");
    }
    JsonNode differs = lines().get(2);
    assertThat(differs.get("correlation_id").asText()).as("the MDC's").isEqualTo("corr-4");
    assertThat(differs.get("kv.correlation_id").asText()).as("a different id is not lost").isEqualTo("other");
  }

  @Test
  void credentialsInTheUserAgentAndTheSessionIdAreRedacted() {
    log.logRequest(StructuredLogger.RequestLog.builder("GET", "/x", 200)
        .userAgent("probe/1.0 (Authorization: Bearer abcdefghijklmnopqrstuvwx)").sessionId("9F2C1A7B0E").build());
    JsonNode line = lines().get(0);
    assertThat(line.get("user_agent").asText()).startsWith("probe/1.0").doesNotContain("abcdefghijklmnopqrstuvwx")
        .contains("[REDACTED]");
    assertThat(line.get("session_id").asText()).isEqualTo("[REDACTED]");
  }

  @Test
  void anAllowedSessionIdIsWritten() {
    context.stop();
    context = Logback.configure(Logback.withEncoder("<allowField>session_id</allowField>"));
    Logback.assertNoErrors(context);
    StructuredLogger.of(context.getLogger("com.englog.api.Requests")).logRequest(
        StructuredLogger.RequestLog.builder("GET", "/x", 200).sessionId("s-hmac-01").build());
    assertThat(lines().get(0).get("session_id").asText()).isEqualTo("s-hmac-01");
  }

  @Test
  void mdcKeysAreTheFieldNamesOfTheLine() {
    assertThat(List.of(LogFields.MDC_CORRELATION_ID, LogFields.MDC_USER_ID, LogFields.MDC_SESSION_ID,
        LogFields.SESSION_ID, LogFields.CLIENT_ADDRESS, LogFields.USER_AGENT, LogFields.BYTES_OUT))
        .containsExactly("correlation_id", "user_id", "session_id", "session_id", "client_address", "user_agent",
            "bytes_out");
  }
}
