package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.MDC;
import org.slf4j.MarkerFactory;

/** Every option is a child element of {@code <encoder>}; mistakes are reported, never fatal. */
class JsonEncoderXmlConfigTest {

  @Test
  void everyOptionIsSettableFromLogbackXml() {
    LoggerContext context = Logback.configure(Logback.withEncoder(String.join("\n",
        "<format>compact</format>",
        "<fieldName>timestamp=@timestamp</fieldName>",
        "<fieldName>logger=logger_name</fieldName>",
        "<fieldName>thread=</fieldName>",
        "<serviceName>englog-worker</serviceName>",
        "<environment>staging</environment>",
        "<staticField>region=eu-west-1</staticField>",
        "<staticField>team=journal</staticField>",
        "<includeMdc>true</includeMdc>",
        "<includeMdcKey>request_id</includeMdcKey>",
        "<includeMdcKey>tenant</includeMdcKey>",
        "<excludeMdcKey>tenant</excludeMdcKey>",
        "<mdcFieldName>context</mdcFieldName>",
        "<includeKeyValues>true</includeKeyValues>",
        "<keyValuesFieldName>fields</keyValuesFieldName>",
        "<includeMarkers>false</includeMarkers>",
        "<timestampPrecision>micros</timestampPrecision>",
        "<maxMessageLength>20</maxMessageLength>",
        "<maxFieldLength>16</maxFieldLength>",
        "<truncationMarker>~</truncationMarker>",
        "<maxStackFrames>1</maxStackFrames>",
        "<maxThrowables>1</maxThrowables>",
        "<stackHash>false</stackHash>",
        "<lineSeparator>LF</lineSeparator>",
        "<redaction>true</redaction>",
        "<redactionMode>DENY_LIST</redactionMode>",
        "<denyField>note</denyField>",
        "<allowField>csrf_token</allowField>",
        "<enableDetector>credit-card</enableDetector>",
        "<disableDetector>email</disableDetector>",
        "<piiPattern>EMP-\\d+</piiPattern>",
        "<credentialPattern>vault:\\S+</credentialPattern>",
        "<redactionReplacement>***</redactionReplacement>",
        "<captureTraceContext>true</captureTraceContext>")));
    Logback.assertNoErrors(context);
    MDC.put("request_id", "req-1");
    MDC.put("tenant", "t-1");
    MDC.put("other", "o-1");
    try {
      context.getLogger("app").atInfo()
          .setMessage("a@b.co EMP-42 vault:xyz and a long tail of text")
          .addKeyValue("note", "secret note")
          .addKeyValue("csrf_token", "keep-me")
          .addKeyValue("long", "0123456789abcdefghij")
          .addMarker(MarkerFactory.getDetachedMarker("M"))
          .setCause(new IllegalStateException("boom", new RuntimeException("cause")))
          .log();
    } finally {
      MDC.clear();
    }
    JsonNode line = Logback.capture(context, "CAPTURE").lines().get(0);
    assertThat(Lines.names(line)).containsExactly("@timestamp", "level", "logger_name", "message", "service", "environment",
        "region", "team", "context", "fields", "error");
    assertThat(line.get("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    assertThat(line.get("message").asText()).isEqualTo("a@b.co *** *** and a~");
    assertThat(line.get("context").toString()).isEqualTo("{\"request_id\":\"req-1\"}");
    assertThat(line.get("fields").get("note").asText()).isEqualTo("***");
    assertThat(line.get("fields").get("csrf_token").asText()).isEqualTo("keep-me");
    assertThat(line.get("fields").get("long").asText()).isEqualTo("0123456789abcdef~");
    assertThat(line.get("error").get("frames")).hasSize(1);
    assertThat(line.get("error").has("stack_hash")).isFalse();
    assertThat(line.get("error").get("cause_omitted").asBoolean()).isTrue();
    context.stop();
  }

  @Test
  void invalidValuesAreReportedByNameAndReplacedByDefaults() {
    LoggerContext context = Logback.configure(Logback.withEncoder(String.join("\n",
        "<format>yaml</format>",
        "<timestampPrecision>seconds</timestampPrecision>",
        "<maxMessageLength>3</maxMessageLength>",
        "<maxThrowables>1000</maxThrowables>",
        "<lineSeparator>NUL</lineSeparator>",
        "<fieldName>colour=color</fieldName>",
        "<fieldName>nonsense</fieldName>",
        "<fieldName>level=message</fieldName>",
        "<staticField>no-equals-sign</staticField>")));
    List<String> errors = Logback.statuses(context, Status.ERROR);
    assertThat(errors).anyMatch(m -> m.contains("format") && m.contains("yaml") && m.contains("compact, pretty, text"));
    assertThat(errors).anyMatch(m -> m.contains("timestampPrecision") && m.contains("seconds"));
    assertThat(errors).anyMatch(m -> m.contains("maxMessageLength must be in [16, 67108864], got 3"));
    assertThat(errors).anyMatch(m -> m.contains("maxThrowables must be in [1, 64], got 1000"));
    assertThat(errors).anyMatch(m -> m.contains("lineSeparator") && m.contains("NUL"));
    assertThat(errors).anyMatch(m -> m.contains("'colour' is not a standard field"));
    assertThat(errors).anyMatch(m -> m.contains("fieldName must look like 'standard=custom'"));
    assertThat(errors).anyMatch(m -> m.contains("'message' is used for two standard fields"));
    assertThat(errors).anyMatch(m -> m.contains("staticField must look like 'name=value'"));

    context.getLogger("app").info("still logging with defaults");
    JsonNode line = Logback.capture(context, "CAPTURE").lines().get(0);
    assertThat(line.get("message").asText()).isEqualTo("still logging with defaults");
    assertThat(line.get("timestamp").asText()).matches(".*\\.\\d{3}Z");
    context.stop();
  }

  /**
   * The MDC and key-value objects' names against every other top-level name: the option is refused with an
   * error naming it, its entries go to the top level (where each name is made unique), and no line ever
   * holds a name twice (the strict parser rejects duplicates).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "<mdcFieldName>ctx</mdcFieldName><keyValuesFieldName>ctx</keyValuesFieldName>"
          + "| keyValuesFieldName 'ctx' is already the name of the mdcFieldName object | ctx |",
      "<mdcFieldName>message</mdcFieldName>"
          + "| mdcFieldName 'message' is already the name of the standard field 'message' | | ",
      "<fieldName>logger=source</fieldName><keyValuesFieldName>source</keyValuesFieldName>"
          + "| keyValuesFieldName 'source' is already the name of the standard field 'logger' | | ",
      "<mdcFieldName>trace_id</mdcFieldName>"
          + "| mdcFieldName 'trace_id' is already the name of the standard field 'trace_id' | | ",
      "<staticField>ctx=static</staticField><mdcFieldName>ctx</mdcFieldName><keyValuesFieldName>kv</keyValuesFieldName>"
          + "| mdcFieldName 'ctx' is already the name of a staticField | | kv",
      "<staticField>kv=static</staticField><keyValuesFieldName>kv</keyValuesFieldName>"
          + "| keyValuesFieldName 'kv' is already the name of a staticField | | "})
  void anObjectNameTakenByAnotherFieldIsReportedAndItsEntriesGoToTheTopLevel(String options, String error,
      String mdcObject, String kvObject) {
    LoggerContext context = Logback.configure(Logback.withEncoder(options));
    assertThat(Logback.statuses(context, Status.ERROR)).anyMatch(m -> m.contains(error));
    MDC.put("request_id", "req-1");
    MDC.put("message", "from the MDC");
    try {
      context.getLogger("app").atInfo().setMessage("the message")
          .addKeyValue("order", 7)
          .addKeyValue("message", "from a key-value")
          .log();
    } finally {
      MDC.clear();
    }
    JsonNode line = Logback.capture(context, "CAPTURE").lines().get(0);
    assertThat(line.get("message").asText()).isEqualTo("the message");
    JsonNode mdc = mdcObject == null ? line : line.get(mdcObject);
    assertThat(mdc.get("request_id").asText()).isEqualTo("req-1");
    assertThat(mdc.get(mdcObject == null ? "mdc.message" : "message").asText()).isEqualTo("from the MDC");
    JsonNode kv = kvObject == null ? line : line.get(kvObject);
    assertThat(kv.get("order").asInt()).isEqualTo(7);
    assertThat(kv.get(kvObject == null ? "kv.message" : "message").asText()).isEqualTo("from a key-value");
    context.stop();
  }

  @Test
  void theFallbackLinesErrorNameCannotBeGivenToAStandardField() {
    LoggerContext context = Logback.configure(Logback.withEncoder("<fieldName>message=encoder_error</fieldName>"));
    assertThat(Logback.statuses(context, Status.ERROR))
        .anyMatch(m -> m.contains("fieldName: 'encoder_error' is reserved") && m.contains("'message' keeps its default"));
    context.getLogger("app").info("still logging");
    assertThat(Logback.capture(context, "CAPTURE").lines().get(0).get("message").asText()).isEqualTo("still logging");
    context.stop();
  }
}
