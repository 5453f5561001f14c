package com.englog.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.EncoderBase;
import com.englog.observability.logging.internal.CaptureRegistration;
import com.englog.observability.logging.internal.EncoderSettings;
import com.englog.observability.logging.internal.EventWriter;
import com.englog.observability.logging.internal.RedactionTally;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

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
 * repeatable ones like {@code <staticField>} once per value). Options are read when the encoder starts
 * into an immutable configuration; invalid values are reported as logback errors and replaced by their
 * default. An option set after {@link #start()} does not change the running encoder (a warning says
 * so); it applies when the encoder is started again. Names and defaults are documented in
 * {@code docs/logging.md}. In code, {@link #builder()} takes the same options and rejects invalid ones
 * at once.
 *
 * <p>Starting the encoder installs, once per logback context, the turbo filter that captures the
 * current OpenTelemetry span on the logging thread (see {@link #setCaptureTraceContext}), so trace ids
 * are right behind {@code AsyncAppender} too.
 */
public final class JsonEncoder extends EncoderBase<ILoggingEvent> {

  private final EncoderSettings.Builder config;
  private boolean captureTraceContext;
  private volatile EventWriter writer;
  private volatile RedactionTally tally;
  private final CaptureRegistration capture = new CaptureRegistration(this);

  /** An encoder with the defaults, to configure with the setters before {@link #start()}. */
  public JsonEncoder() {
    this(EncoderSettings.builder(), true);
  }

  private JsonEncoder(EncoderSettings.Builder config, boolean captureTraceContext) {
    this.config = config;
    this.captureTraceContext = captureTraceContext;
  }

  /** Configuration in code: the options of {@code logback.xml}, checked when built. */
  public static Builder builder() {
    return new Builder();
  }

  /** How each event is written ({@code <format>} in {@code logback.xml}: {@code compact}, {@code pretty}, {@code text}). */
  public enum Format {
    /** One JSON object per line: the default, for ingestion. */
    COMPACT,
    /** Indented JSON, for reading; not for ingestion. */
    PRETTY,
    /** One readable line with the same fields, for development. */
    TEXT
  }

  /** Digits of the second's fraction in {@code timestamp} ({@code <timestampPrecision>}). */
  public enum TimestampPrecision {
    /** Three digits: the default. */
    MILLIS,
    /** Six digits. */
    MICROS,
    /** Nine digits. */
    NANOS
  }

  /** What ends each line ({@code <lineSeparator>}). */
  public enum LineSeparator {
    /** {@code \n}: the default. */
    LF,
    /** {@code \r\n}. */
    CRLF,
    /** The platform's line separator. */
    SYSTEM
  }

  /** Which MDC and key-value fields are replaced by name ({@code <redactionMode>}). */
  public enum RedactionMode {
    /** The default: fields named like a secret (the deny list) are replaced. */
    DENY_LIST,
    /** Fail-closed: every MDC and key-value field not named by an allowed field is replaced. */
    ALLOW_LIST
  }

  @Override
  public void start() {
    EncoderSettings settings = config.build();
    for (String problem : settings.problems()) {
      addError("JsonEncoder: " + problem);
    }
    Context context = getContext();
    RedactionTally t = tallyOf(context);
    tally = t;
    writer = new EventWriter(settings, t);
    if (captureTraceContext) {
      capture.install(context);
    }
    super.start();
  }

  @Override
  public void stop() {
    capture.unregister();
    super.stop();
  }

  /** The counts shared by the encoders of {@code context}, or this encoder's own without a context. */
  private static RedactionTally tallyOf(Context context) {
    return context != null ? RedactionTally.of(context) : RedactionTally.standalone();
  }

  @Override
  public byte @Nullable [] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    EventWriter w = writer;
    if (w == null) {
      w = defaultWriter();
    }
    capture.ensureCurrent();
    return w.encode(event);
  }

  /** Used before {@link #start()}: the defaults, so an unstarted encoder still writes valid lines. */
  private synchronized EventWriter defaultWriter() {
    if (writer == null) {
      RedactionTally t = tallyOf(getContext());
      tally = t;
      writer = new EventWriter(EncoderSettings.builder().build(), t);
    }
    return writer;
  }

  @Override
  public byte @Nullable [] footerBytes() {
    return null;
  }

  /** What this encoder (and every other one of its logback context) redacted so far. */
  public RedactionCounts redactionCounts() {
    if (tally == null) {
      defaultWriter();
    }
    return new RedactionCounts(tally);
  }

  /**
   * Events whose normal encoding failed (a bug, or a hostile value that escaped every guard) and that
   * were written as a minimal line with an {@code encoder_error} field instead of being lost.
   */
  public long encodingFailures() {
    EventWriter w = writer;
    return w == null ? 0 : w.failures();
  }

  /** For tests: where system properties and environment variables come from. */
  void setLookups(Function<String, String> systemProperties, Function<String, String> environment) {
    config.lookups(systemProperties, environment);
  }

  /** The settings being collected; warns when the running encoder will not see the change yet. */
  private EncoderSettings.Builder options(String option) {
    if (isStarted()) {
      addWarn("JsonEncoder: " + option + " was set after start(); the running encoder keeps its settings, "
          + "the new value applies when it is started again");
    }
    return config;
  }

  // ---------------------------------------------------------------- logback.xml properties

  /** {@code compact} (default, one JSON object per line), {@code pretty} (indented JSON) or {@code text}. */
  public void setFormat(String format) {
    options("format").format(format);
  }

  /**
   * Renames or removes a standard field: {@code timestamp=@timestamp}, or {@code thread=} to omit it.
   * Standard fields: timestamp, level, logger, thread, message, trace_id, span_id, trace_flags, service,
   * environment, markers, error.
   */
  public void addFieldName(String spec) {
    options("fieldName").fieldName(spec);
  }

  /** Value of the {@code service} field; system property {@code otel.service.name} and then environment variable {@code OTEL_SERVICE_NAME} win. */
  public void setServiceName(String serviceName) {
    options("serviceName").serviceName(serviceName);
  }

  /**
   * Value of the {@code environment} field; system property {@code englog.logging.environment} and then
   * environment variable {@code ENGLOG_LOGGING_ENVIRONMENT} win.
   */
  public void setEnvironment(String environment) {
    options("environment").environment(environment);
  }

  /** A field written on every line: {@code region=eu-west-1}. Repeatable. */
  public void addStaticField(String spec) {
    options("staticField").staticField(spec);
  }

  /** Whether MDC entries are written (default true). */
  public void setIncludeMdc(boolean includeMdc) {
    options("includeMdc").includeMdc(includeMdc);
  }

  /** Writes only these MDC keys (repeatable); by default all. */
  public void addIncludeMdcKey(String key) {
    options("includeMdcKey").includeMdcKey(key);
  }

  /** Never writes this MDC key (repeatable). */
  public void addExcludeMdcKey(String key) {
    options("excludeMdcKey").excludeMdcKey(key);
  }

  /**
   * Nests MDC entries in an object of this name instead of writing them at the top level. A name already
   * taken by a standard or static field or the key-value object is reported and ignored.
   */
  public void setMdcFieldName(String name) {
    options("mdcFieldName").mdcFieldName(name);
  }

  /** Whether SLF4J 2 key-value pairs are written (default true). */
  public void setIncludeKeyValues(boolean includeKeyValues) {
    options("includeKeyValues").includeKeyValues(includeKeyValues);
  }

  /**
   * Nests key-value pairs in an object of this name instead of writing them at the top level. A name
   * already taken by a standard or static field or the MDC object is reported and ignored.
   */
  public void setKeyValuesFieldName(String name) {
    options("keyValuesFieldName").keyValuesFieldName(name);
  }

  /** Whether marker names are written (default true). */
  public void setIncludeMarkers(boolean includeMarkers) {
    options("includeMarkers").includeMarkers(includeMarkers);
  }

  /** {@code millis} (default), {@code micros} or {@code nanos}. */
  public void setTimestampPrecision(String precision) {
    options("timestampPrecision").timestampPrecision(precision);
  }

  /** Characters of the message kept before the truncation marker (default 32768, range 16..67108864). */
  public void setMaxMessageLength(int maxMessageLength) {
    options("maxMessageLength").maxMessageLength(maxMessageLength);
  }

  /** Characters kept of any other text value (default 8192, range 16..67108864). */
  public void setMaxFieldLength(int maxFieldLength) {
    options("maxFieldLength").maxFieldLength(maxFieldLength);
  }

  /** Appended to a truncated value (default {@code ...[truncated]}). */
  public void setTruncationMarker(String marker) {
    options("truncationMarker").truncationMarker(marker);
  }

  /** Frames written per exception, not counting frames shared with the enclosing one (default 64, 0..10000). */
  public void setMaxStackFrames(int maxStackFrames) {
    options("maxStackFrames").maxStackFrames(maxStackFrames);
  }

  /** Exceptions written per event: the logged one, its causes and suppressed ones (default 16, 1..64). */
  public void setMaxThrowables(int maxThrowables) {
    options("maxThrowables").maxThrowables(maxThrowables);
  }

  /** Whether the exception gets a {@code stack_hash} (default true). */
  public void setStackHash(boolean stackHash) {
    options("stackHash").stackHash(stackHash);
  }

  /** {@code LF} (default), {@code CRLF} or {@code SYSTEM}. */
  public void setLineSeparator(String lineSeparator) {
    options("lineSeparator").lineSeparator(lineSeparator);
  }

  /** Redaction on (default) or off. */
  public void setRedaction(boolean redaction) {
    options("redaction").redaction(redaction);
  }

  /**
   * {@code DENY_LIST} (default: fields named like a secret are replaced) or {@code ALLOW_LIST}
   * (fail-closed: every MDC / key-value field not named by {@link #addAllowField} is replaced).
   */
  public void setRedactionMode(String mode) {
    options("redactionMode").redactionMode(mode);
  }

  /** Adds a field name to the deny list (repeatable); matched like the built-in entries. */
  public void addDenyField(String name) {
    options("denyField").denyField(name);
  }

  /** A field name exempt from the deny list, or, in allow-list mode, one that is written (repeatable). */
  public void addAllowField(String name) {
    options("allowField").allowField(name);
  }

  /** Turns on a built-in detector, e.g. {@code credit-card} (repeatable). */
  public void addEnableDetector(String name) {
    options("enableDetector").enableDetector(name);
  }

  /** Turns off a built-in detector, e.g. {@code email} (repeatable). */
  public void addDisableDetector(String name) {
    options("disableDetector").disableDetector(name);
  }

  /** A regular expression whose matches are personal data (kind {@code pii}); repeatable. */
  public void addPiiPattern(String regex) {
    options("piiPattern").piiPattern(regex);
  }

  /** A regular expression whose matches are credentials (kind {@code credential}); repeatable. */
  public void addCredentialPattern(String regex) {
    options("credentialPattern").credentialPattern(regex);
  }

  /** What replaces a redacted value (default {@code [REDACTED]}). */
  public void setRedactionReplacement(String replacement) {
    options("redactionReplacement").redactionReplacement(replacement);
  }

  /**
   * Whether starting this encoder installs the trace-capturing turbo filter in its logback context
   * (default true). With false, lines carry trace ids only if another encoder of the context installed it.
   */
  public void setCaptureTraceContext(boolean captureTraceContext) {
    options("captureTraceContext");
    this.captureTraceContext = captureTraceContext;
  }

  /**
   * The options of {@code logback.xml} in code, for an encoder made programmatically:
   *
   * <pre>{@code
   * JsonEncoder encoder = JsonEncoder.builder()
   *     .serviceName("englog-api")
   *     .staticField("region", "eu-west-1")
   *     .maxMessageLength(4096)
   *     .build();
   * encoder.setContext(loggerContext);
   * encoder.start();
   * }</pre>
   *
   * Each method records one option (meanings and defaults as the setters of the same name); {@link #build()}
   * checks them all and throws instead of falling back to defaults. A builder can build any number of
   * encoders; they share nothing.
   */
  public static final class Builder {
    private final List<Consumer<EncoderSettings.Builder>> options = new ArrayList<>();
    private boolean captureTraceContext = true;

    private Builder() {}

    private Builder option(Consumer<EncoderSettings.Builder> option) {
      options.add(option);
      return this;
    }

    public Builder format(Format format) {
      String spelling = spelling(Objects.requireNonNull(format, "format"));
      return option(b -> b.format(spelling));
    }

    /** Renames a standard field ({@code timestamp} to {@code @timestamp}); an empty name removes it. */
    public Builder fieldName(String standard, String name) {
      Objects.requireNonNull(standard, "standard");
      Objects.requireNonNull(name, "name");
      return option(b -> b.fieldName(standard + "=" + name));
    }

    public Builder serviceName(String serviceName) {
      Objects.requireNonNull(serviceName, "serviceName");
      return option(b -> b.serviceName(serviceName));
    }

    public Builder environment(String environment) {
      Objects.requireNonNull(environment, "environment");
      return option(b -> b.environment(environment));
    }

    public Builder staticField(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank() || name.indexOf('=') >= 0) {
        throw new IllegalArgumentException("staticField name must be non-blank without '=', got '" + name + "'");
      }
      return option(b -> b.staticField(name + "=" + value));
    }

    public Builder includeMdc(boolean includeMdc) {
      return option(b -> b.includeMdc(includeMdc));
    }

    public Builder includeMdcKey(String key) {
      Objects.requireNonNull(key, "key");
      return option(b -> b.includeMdcKey(key));
    }

    public Builder excludeMdcKey(String key) {
      Objects.requireNonNull(key, "key");
      return option(b -> b.excludeMdcKey(key));
    }

    public Builder mdcFieldName(String name) {
      Objects.requireNonNull(name, "name");
      return option(b -> b.mdcFieldName(name));
    }

    public Builder includeKeyValues(boolean includeKeyValues) {
      return option(b -> b.includeKeyValues(includeKeyValues));
    }

    public Builder keyValuesFieldName(String name) {
      Objects.requireNonNull(name, "name");
      return option(b -> b.keyValuesFieldName(name));
    }

    public Builder includeMarkers(boolean includeMarkers) {
      return option(b -> b.includeMarkers(includeMarkers));
    }

    public Builder timestampPrecision(TimestampPrecision precision) {
      String spelling = spelling(Objects.requireNonNull(precision, "precision"));
      return option(b -> b.timestampPrecision(spelling));
    }

    public Builder maxMessageLength(int maxMessageLength) {
      return option(b -> b.maxMessageLength(maxMessageLength));
    }

    public Builder maxFieldLength(int maxFieldLength) {
      return option(b -> b.maxFieldLength(maxFieldLength));
    }

    public Builder truncationMarker(String marker) {
      Objects.requireNonNull(marker, "marker");
      return option(b -> b.truncationMarker(marker));
    }

    public Builder maxStackFrames(int maxStackFrames) {
      return option(b -> b.maxStackFrames(maxStackFrames));
    }

    public Builder maxThrowables(int maxThrowables) {
      return option(b -> b.maxThrowables(maxThrowables));
    }

    public Builder stackHash(boolean stackHash) {
      return option(b -> b.stackHash(stackHash));
    }

    public Builder lineSeparator(LineSeparator lineSeparator) {
      String spelling = spelling(Objects.requireNonNull(lineSeparator, "lineSeparator"));
      return option(b -> b.lineSeparator(spelling));
    }

    public Builder redaction(boolean redaction) {
      return option(b -> b.redaction(redaction));
    }

    public Builder redactionMode(RedactionMode mode) {
      String spelling = spelling(Objects.requireNonNull(mode, "mode"));
      return option(b -> b.redactionMode(spelling));
    }

    public Builder denyField(String name) {
      Objects.requireNonNull(name, "name");
      return option(b -> b.denyField(name));
    }

    public Builder allowField(String name) {
      Objects.requireNonNull(name, "name");
      return option(b -> b.allowField(name));
    }

    public Builder enableDetector(RedactionDetector detector) {
      String spelling = spelling(Objects.requireNonNull(detector, "detector"));
      return option(b -> b.enableDetector(spelling));
    }

    public Builder disableDetector(RedactionDetector detector) {
      String spelling = spelling(Objects.requireNonNull(detector, "detector"));
      return option(b -> b.disableDetector(spelling));
    }

    public Builder piiPattern(String regex) {
      Objects.requireNonNull(regex, "regex");
      return option(b -> b.piiPattern(regex));
    }

    public Builder credentialPattern(String regex) {
      Objects.requireNonNull(regex, "regex");
      return option(b -> b.credentialPattern(regex));
    }

    public Builder redactionReplacement(String replacement) {
      Objects.requireNonNull(replacement, "replacement");
      return option(b -> b.redactionReplacement(replacement));
    }

    public Builder captureTraceContext(boolean captureTraceContext) {
      this.captureTraceContext = captureTraceContext;
      return this;
    }

    /** The {@code logback.xml} spelling of a value: {@code CREDIT_CARD} is {@code credit-card}. */
    static String spelling(Enum<?> value) {
      return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * A new, unstarted encoder with these options: set its context and start it.
     *
     * @throws IllegalArgumentException naming every invalid option, its allowed values and what it got
     */
    public JsonEncoder build() {
      EncoderSettings.Builder settings = EncoderSettings.builder();
      options.forEach(o -> o.accept(settings));
      List<String> problems = settings.build().problems();
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("JsonEncoder: " + String.join("; ", problems));
      }
      return new JsonEncoder(settings, captureTraceContext);
    }
  }
}
