package com.englog.observability.logging;

import static com.englog.observability.logging.JsonEncoderTest.started;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lines for events at the edges of what logback hands the encoder: no level or a level outside
 * TRACE..ERROR, no logger name, a captured trace value of the right length but malformed, names
 * with lone surrogates at both ends of the surrogate range, an OpenTelemetry MDC key without value,
 * and key-value names in their own object. Every line must be the normal line, not the fallback.
 */
class EventWriterEdgesTest {

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private static JsonNode line(JsonEncoder encoder, Events.Builder event) {
    JsonNode line = Lines.parse(encoder.encode(event.build()));
    assertThat(line.has("encoder_error")).as("the normal line, not the fallback: %s", line).isFalse();
    return line;
  }

  @Test
  void anEventWithoutLevelIsWrittenAsInfo() {
    assertThat(line(started(), Events.event("x").level(null)).get("level").asText()).isEqualTo("INFO");
  }

  @Test
  void aLevelOutsideTraceToErrorIsWrittenUnderItsOwnName() {
    assertThat(line(started(), Events.event("x").level(Level.OFF)).get("level").asText()).isEqualTo("OFF");
    assertThat(line(started(), Events.event("x").level(Level.TRACE)).get("level").asText()).isEqualTo("TRACE");
  }

  @Test
  void anEventWithoutLoggerNameHasANullLogger() {
    JsonNode line = line(started(), Events.event("x").logger(null));
    assertThat(line.has("logger")).isTrue();
    assertThat(line.get("logger").isNull()).isTrue();
  }

  /** A captured value of the right length with a character that is not hex is not a trace. */
  @Test
  void aMalformedTraceOfTheRightLengthIsNotWritten() {
    JsonEncoder encoder = started();
    String malformed = "0af7651916cd43dd8448eb211c80319z-b7ad6b7169203331-01";
    assertThat(malformed).hasSameSizeAs(TRACE);

    JsonNode good = line(encoder, Events.event("x").mdc(Map.of("englog.trace", TRACE)));
    JsonNode bad = line(encoder, Events.event("x").mdc(Map.of("englog.trace", malformed)));
    JsonNode goodAgain = line(encoder, Events.event("x").mdc(Map.of("englog.trace", TRACE)));

    assertThat(good.get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(bad.has("trace_id")).isFalse();
    assertThat(bad.has("span_id")).isFalse();
    assertThat(goodAgain.get("span_id").asText()).isEqualTo("b7ad6b7169203331");
  }

  /** U+DFFF and U+D800 alone, the ends of the surrogate range, are replaced before names are made unique. */
  @Test
  void loneSurrogatesAtBothEndsOfTheRangeDoNotMakeDuplicateNames() {
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("\uDFFF", "a");
    mdc.put("\uD800", "b");
    mdc.put("\uDC00", "c");
    JsonNode line = line(started(), Events.event("x").mdc(mdc));
    assertThat(line.get("\uFFFD").asText()).isEqualTo("a");
    assertThat(line.get("mdc.\uFFFD").asText()).isEqualTo("b");
    assertThat(line.get("mdc.\uFFFD_2").asText()).isEqualTo("c");
  }

  /** An OpenTelemetry MDC key without a value is not the captured trace: it is written, renamed. */
  @Test
  void anOpenTelemetryMdcKeyWithoutValueIsKept() {
    Map<String, String> mdc = new HashMap<>();
    mdc.put("englog.trace", TRACE);
    mdc.put("span_id", null);
    JsonNode line = line(started(), Events.event("x").mdc(mdc));
    assertThat(line.get("span_id").asText()).isEqualTo("b7ad6b7169203331");
    assertThat(line.has("mdc.span_id")).isTrue();
    assertThat(line.get("mdc.span_id").isNull()).isTrue();
  }

  /** Names in the key-value object are unique within that object only, event after event. */
  @Test
  void keyValueNamesInTheirOwnObjectStartAfreshForEachEvent() {
    JsonEncoder encoder = started(e -> {
      e.setMdcFieldName("mdc");
      e.setKeyValuesFieldName("fields");
    });
    for (int i = 0; i < 3; i++) {
      JsonNode line = line(encoder, Events.event("x").mdc(Map.of("user", "m" + i)).kv("user", "k" + i));
      assertThat(line.get("mdc").toString()).isEqualTo("{\"user\":\"m" + i + "\"}");
      assertThat(line.get("fields").toString()).isEqualTo("{\"user\":\"k" + i + "\"}");
    }
  }

  /** An exception without frames has no frames field; one frame is a list of one. */
  @Test
  void anExceptionWithoutFramesHasNoFramesField() {
    JsonNode none = line(started(), Events.event("x").error(Throwables.withFrames(new IllegalStateException("a"))))
        .get("error");
    assertThat(none.has("frames")).as("%s", none).isFalse();
    JsonNode one = line(started(), Events.event("x").error(Throwables.withFrames(new IllegalStateException("a"),
        "com.x.Y.m(Y.java:1)"))).get("error");
    assertThat(one.get("frames")).hasSize(1);
  }

  /**
   * The budget of throwables per line holds for suppressed ones: with two, the top exception and
   * its first suppressed one are written and the rest counted; with one, no suppressed list at all.
   */
  @Test
  void suppressedExceptionsStayWithinTheThrowableBudget() {
    IllegalStateException top = Throwables.withFrames(new IllegalStateException("top"));
    for (int i = 0; i < 3; i++) {
      top.addSuppressed(Throwables.withFrames(new IllegalArgumentException("s" + i)));
    }
    JsonNode two = line(started(e -> e.setMaxThrowables(2)), Events.event("x").error(top)).get("error");
    assertThat(two.get("suppressed")).hasSize(1);
    assertThat(two.get("suppressed").get(0).get("message").asText()).isEqualTo("s0");
    assertThat(two.get("suppressed_omitted").asLong()).isEqualTo(2);

    JsonNode one = line(started(e -> e.setMaxThrowables(1)), Events.event("x").error(top)).get("error");
    assertThat(one.has("suppressed")).as("%s", one).isFalse();
    assertThat(one.get("suppressed_omitted").asLong()).isEqualTo(3);
  }

  /** Personal data in a stack frame (a script's file named by an address) is redacted and counted. */
  @Test
  void personalDataInAFrameIsCountedOnce() {
    JsonEncoder encoder = started();
    IllegalStateException error = Throwables.withFrames(new IllegalStateException("a"),
        "com.x.Script.run(ada@example.com.js:3)");
    JsonNode frame = line(encoder, Events.event("x").error(error)).get("error").get("frames").get(0);
    assertThat(frame.asText()).doesNotContain("ada@example.com");
    assertThat(encoder.redactionCounts().count(RedactionKind.PII)).isEqualTo(1);
    line(encoder, Events.event("x").error(error));
    assertThat(encoder.redactionCounts().count(RedactionKind.PII)).as("cached frames count too").isEqualTo(2);
  }
}
