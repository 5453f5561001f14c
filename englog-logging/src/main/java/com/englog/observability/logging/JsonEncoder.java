package com.englog.observability.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.EncoderBase;
import com.englog.observability.logging.internal.EncoderSettings;
import com.englog.observability.logging.internal.EventWriter;
import com.englog.observability.logging.internal.RedactionTally;
import com.englog.observability.logging.internal.TraceContextCapture;
import java.util.function.UnaryOperator;

/**
 * Logback encoder writing each event as one JSON object per line, with the trace and span ids of the
 * thread that logged, MDC entries, SLF4J 2 key-value pairs, markers and a structured exception, every
 * text redacted. Works with no configuration:
 *
 * <pre>{@code
 * <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
 *   <encoder class="com.englog.observability.logging.JsonEncoder"/>
 * </appender>
 * }</pre>
 *
 * <p>Every option below is a property of the same name in {@code logback.xml} ({@code <maxMessageLength>},
 * repeatable ones like {@code <staticField>} once per value). Options are read when the encoder starts;
 * invalid values are reported as logback errors and replaced by their default. Names and defaults are
 * documented in {@code docs/logging.md}.
 *
 * <p>Starting the encoder installs, once per logback context, the turbo filter that captures the
 * current OpenTelemetry span on the logging thread (see {@link #setCaptureTraceContext}), so trace ids
 * are right behind {@code AsyncAppender} too.
 */
public final class JsonEncoder extends EncoderBase<ILoggingEvent> {

  private final EncoderSettings.Builder config = EncoderSettings.builder();
  private boolean captureTraceContext = true;
  private volatile EventWriter writer;
  private volatile RedactionTally tally;

  public JsonEncoder() {}

  @Override
  public void start() {
    EncoderSettings settings = config.build();
    for (String problem : settings.problems()) {
      addError("JsonEncoder: " + problem);
    }
    Context context = getContext();
    RedactionTally t = context != null ? RedactionTally.of(context) : RedactionTally.standalone();
    tally = t;
    writer = new EventWriter(settings, t);
    if (captureTraceContext) {
      installCapture(context);
    }
    super.start();
  }

  private void installCapture(Context context) {
    if (!(context instanceof LoggerContext)) {
      addWarn("JsonEncoder: trace ids are captured only in a logback LoggerContext; this encoder's context is "
          + (context == null ? "not set" : context.getClass().getName()));
      return;
    }
    if (!openTelemetryApiPresent()) {
      addWarn("JsonEncoder: io.opentelemetry:opentelemetry-api is not on the class path; lines carry no trace ids");
      return;
    }
    TraceContextCapture.install((LoggerContext) context);
  }

  private static boolean openTelemetryApiPresent() {
    try {
      Class.forName("io.opentelemetry.api.trace.Span", false, JsonEncoder.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    EventWriter w = writer;
    if (w == null) {
      w = defaultWriter();
    }
    return w.encode(event);
  }

  /** Used before {@link #start()}: the defaults, so an unstarted encoder still writes valid lines. */
  private synchronized EventWriter defaultWriter() {
    if (writer == null) {
      RedactionTally t = getContext() != null ? RedactionTally.of(getContext()) : RedactionTally.standalone();
      tally = t;
      writer = new EventWriter(EncoderSettings.builder().build(), t);
    }
    return writer;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  /** What this encoder (and every other one of its logback context) redacted so far. */
  public RedactionCounts getRedactionCounts() {
    if (tally == null) {
      defaultWriter();
    }
    return new RedactionCounts(tally);
  }

  /**
   * Events whose normal encoding failed (a bug, or a hostile value that escaped every guard) and that
   * were written as a minimal line with an {@code encoder_error} field instead of being lost.
   */
  public long getEncodingFailures() {
    EventWriter w = writer;
    return w == null ? 0 : w.failures();
  }

  /** For tests: where system properties and environment variables come from. */
  void setLookups(UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
    config.lookups(systemProperties, environment);
  }

  // ---------------------------------------------------------------- logback.xml properties

  /** {@code compact} (default, one JSON object per line), {@code pretty} (indented JSON) or {@code text}. */
  public void setFormat(String format) {
    config.format(format);
  }

  /**
   * Renames or removes a standard field: {@code timestamp=@timestamp}, or {@code thread=} to omit it.
   * Standard fields: timestamp, level, logger, thread, message, trace_id, span_id, trace_flags, service,
   * environment, markers, error.
   */
  public void addFieldName(String spec) {
    config.fieldName(spec);
  }

  /** Value of the {@code service} field; system property {@code otel.service.name} and then environment variable {@code OTEL_SERVICE_NAME} win. */
  public void setServiceName(String serviceName) {
    config.serviceName(serviceName);
  }

  /** Value of the {@code environment} field; {@code -Denglog.environment} and then {@code ENGLOG_ENVIRONMENT} win. */
  public void setEnvironment(String environment) {
    config.environment(environment);
  }

  /** A field written on every line: {@code region=eu-west-1}. Repeatable. */
  public void addStaticField(String spec) {
    config.staticField(spec);
  }

  /** Whether MDC entries are written (default true). */
  public void setIncludeMdc(boolean includeMdc) {
    config.includeMdc(includeMdc);
  }

  /** Writes only these MDC keys (repeatable); by default all. */
  public void addIncludeMdcKey(String key) {
    config.includeMdcKey(key);
  }

  /** Never writes this MDC key (repeatable). */
  public void addExcludeMdcKey(String key) {
    config.excludeMdcKey(key);
  }

  /** Nests MDC entries in an object of this name instead of writing them at the top level. */
  public void setMdcFieldName(String name) {
    config.mdcFieldName(name);
  }

  /** Whether SLF4J 2 key-value pairs are written (default true). */
  public void setIncludeKeyValues(boolean includeKeyValues) {
    config.includeKeyValues(includeKeyValues);
  }

  /** Nests key-value pairs in an object of this name instead of writing them at the top level. */
  public void setKeyValuesFieldName(String name) {
    config.keyValuesFieldName(name);
  }

  /** Whether marker names are written (default true). */
  public void setIncludeMarkers(boolean includeMarkers) {
    config.includeMarkers(includeMarkers);
  }

  /** {@code millis} (default), {@code micros} or {@code nanos}. */
  public void setTimestampPrecision(String precision) {
    config.timestampPrecision(precision);
  }

  /** Characters of the message kept before the truncation marker (default 32768, range 16..67108864). */
  public void setMaxMessageLength(int maxMessageLength) {
    config.maxMessageLength(maxMessageLength);
  }

  /** Characters kept of any other text value (default 8192, range 16..67108864). */
  public void setMaxFieldLength(int maxFieldLength) {
    config.maxFieldLength(maxFieldLength);
  }

  /** Appended to a truncated value (default {@code ...[truncated]}). */
  public void setTruncationMarker(String marker) {
    config.truncationMarker(marker);
  }

  /** Frames written per exception, not counting frames shared with the enclosing one (default 64, 0..10000). */
  public void setMaxStackFrames(int maxStackFrames) {
    config.maxStackFrames(maxStackFrames);
  }

  /** Exceptions written per event: the logged one, its causes and suppressed ones (default 16, 1..64). */
  public void setMaxThrowables(int maxThrowables) {
    config.maxThrowables(maxThrowables);
  }

  /** Whether the exception gets a {@code stack_hash} (default true). */
  public void setStackHash(boolean stackHash) {
    config.stackHash(stackHash);
  }

  /** {@code LF} (default), {@code CRLF} or {@code SYSTEM}. */
  public void setLineSeparator(String lineSeparator) {
    config.lineSeparator(lineSeparator);
  }

  /** Redaction on (default) or off. */
  public void setRedaction(boolean redaction) {
    config.redaction(redaction);
  }

  /**
   * {@code DENY_LIST} (default: fields named like a secret are replaced) or {@code ALLOW_LIST}
   * (fail-closed: every MDC / key-value field not named by {@link #addAllowField} is replaced).
   */
  public void setRedactionMode(String mode) {
    config.redactionMode(mode);
  }

  /** Adds a field name to the deny list (repeatable); matched like the built-in entries. */
  public void addDenyField(String name) {
    config.denyField(name);
  }

  /** A field name exempt from the deny list, or, in allow-list mode, one that is written (repeatable). */
  public void addAllowField(String name) {
    config.allowField(name);
  }

  /** Turns on a built-in detector, e.g. {@code credit-card} (repeatable). */
  public void addEnableDetector(String name) {
    config.enableDetector(name);
  }

  /** Turns off a built-in detector, e.g. {@code email} (repeatable). */
  public void addDisableDetector(String name) {
    config.disableDetector(name);
  }

  /** A regular expression whose matches are personal data (kind {@code pii}); repeatable. */
  public void addPiiPattern(String regex) {
    config.piiPattern(regex);
  }

  /** A regular expression whose matches are credentials (kind {@code credential}); repeatable. */
  public void addCredentialPattern(String regex) {
    config.credentialPattern(regex);
  }

  /** What replaces a redacted value (default {@code [REDACTED]}). */
  public void setRedactionReplacement(String replacement) {
    config.redactionReplacement(replacement);
  }

  /**
   * Whether starting this encoder installs the trace-capturing turbo filter in its logback context
   * (default true). With false, lines carry trace ids only if another encoder of the context installed it.
   */
  public void setCaptureTraceContext(boolean captureTraceContext) {
    this.captureTraceContext = captureTraceContext;
  }
}
