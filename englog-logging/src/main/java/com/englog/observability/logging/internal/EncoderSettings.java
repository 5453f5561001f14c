package com.englog.observability.logging.internal;

import static com.englog.observability.logging.internal.SettingsParsing.FORMATS;
import static com.englog.observability.logging.internal.SettingsParsing.LINE_SEPARATORS;
import static com.englog.observability.logging.internal.SettingsParsing.PRECISIONS;
import static com.englog.observability.logging.internal.SettingsParsing.REDACTION_MODES;
import static com.englog.observability.logging.internal.SettingsParsing.blankToNull;
import static com.englog.observability.logging.internal.SettingsParsing.checkRange;
import static com.englog.observability.logging.internal.SettingsParsing.choice;
import static com.englog.observability.logging.internal.SettingsParsing.objectName;

import com.englog.observability.common.internal.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Immutable configuration of the encoder, built once from the logback.xml properties when the encoder
 * starts. Invalid values are reported as problems (the encoder turns them into logback error statuses)
 * and replaced by the default, so a typo never leaves a service without logs.
 */
public final class EncoderSettings {

  public enum Format { COMPACT, PRETTY, TEXT }

  /** The module of the settings a deployment may override ({@code englog.logging.*}). */
  public static final String MODULE = "logging";
  /**
   * The {@code environment} field's setting: {@code englog.logging.environment} /
   * {@code ENGLOG_LOGGING_ENVIRONMENT}, formerly {@code englog.environment} / {@code ENGLOG_ENVIRONMENT}.
   */
  public static final String ENVIRONMENT = "environment";
  /** OpenTelemetry's own service name setting, shared with tracing: not an EngLog name, never renamed. */
  public static final String OTEL_SERVICE_NAME_PROPERTY = "otel.service.name";
  public static final String OTEL_SERVICE_NAME_VARIABLE = "OTEL_SERVICE_NAME";

  public static final int DEFAULT_MAX_MESSAGE_LENGTH = 32_768;
  public static final int DEFAULT_MAX_FIELD_LENGTH = 8_192;
  public static final int DEFAULT_MAX_STACK_FRAMES = 64;
  public static final int DEFAULT_MAX_THROWABLES = 16;
  public static final String DEFAULT_TRUNCATION_MARKER = "...[truncated]";
  /** Longer MDC / key-value names are cut to this many characters plus the truncation marker. */
  public static final int MAX_KEY_LENGTH = 256;
  /** Maps, collections and arrays in key-value values: nesting and entries written per level. */
  public static final int MAX_VALUE_DEPTH = 4;
  public static final int MAX_VALUE_ENTRIES = 64;

  /** Standard top-level fields in output order, by their default names. */
  public static final List<String> STANDARD_FIELDS = List.of(
      "timestamp", "level", "logger", "thread", "message", "trace_id", "span_id", "trace_flags",
      "service", "environment", "markers", "error");

  /** Names the failure in the minimal line written when an event cannot be encoded. */
  public static final String FALLBACK_ERROR_FIELD = "encoder_error";

  static final int F_TIMESTAMP = 0;
  static final int F_LEVEL = 1;
  static final int F_LOGGER = 2;
  static final int F_THREAD = 3;
  static final int F_MESSAGE = 4;
  static final int F_TRACE_ID = 5;
  static final int F_SPAN_ID = 6;
  static final int F_TRACE_FLAGS = 7;
  static final int F_SERVICE = 8;
  static final int F_ENVIRONMENT = 9;
  static final int F_MARKERS = 10;
  static final int F_ERROR = 11;

  /** Field names inside the {@code error} object. */
  public static final List<String> ERROR_FIELDS = List.of(
      "type", "message", "stack_hash", "frames", "frames_omitted", "frames_common", "circular", "cause",
      "cause_omitted", "suppressed", "suppressed_omitted");

  final Format format;
  /** Name per standard field, null when the field is disabled. */
  final String[] names;
  final String serviceName;
  final String environment;
  final Map<String, String> staticFields;
  final boolean includeMdc;
  final Set<String> mdcIncludes;
  final Set<String> mdcExcludes;
  final boolean hasMdcIncludes;
  final boolean hasMdcExcludes;
  final String mdcObjectName;
  final boolean includeKeyValues;
  final String keyValuesObjectName;
  final boolean includeMarkers;
  final int timestampDigits;
  final int maxMessageLength;
  final int maxFieldLength;
  final String truncationMarker;
  final int maxStackFrames;
  final int maxThrowables;
  final boolean stackHash;
  final byte[] lineSeparator;
  final Redactor redactor;
  /** Top-level names an MDC or key-value name must not take. */
  final Set<String> reservedTopNames;
  final List<String> problems;

  private EncoderSettings(Builder b, List<String> problems) {
    this.problems = Collections.unmodifiableList(problems);
    this.format = b.parsedFormat(problems);
    this.names = b.parsedNames(problems);
    this.serviceName = blankToNull(b.otelServiceName());
    this.environment = blankToNull(b.settings().get(ENVIRONMENT, b.environment, null));
    this.includeMdc = b.includeMdc;
    this.mdcIncludes = Set.copyOf(b.mdcIncludes);
    this.mdcExcludes = Set.copyOf(b.mdcExcludes);
    this.hasMdcIncludes = !mdcIncludes.isEmpty();
    this.hasMdcExcludes = !mdcExcludes.isEmpty();
    this.includeKeyValues = b.includeKeyValues;
    this.includeMarkers = b.includeMarkers;
    this.timestampDigits = b.parsedPrecision(problems);
    this.maxMessageLength = checkRange(problems, "maxMessageLength", b.maxMessageLength, 16,
        64 * 1024 * 1024, DEFAULT_MAX_MESSAGE_LENGTH);
    this.maxFieldLength = checkRange(problems, "maxFieldLength", b.maxFieldLength, 16, 64 * 1024 * 1024,
        DEFAULT_MAX_FIELD_LENGTH);
    this.truncationMarker = b.truncationMarker == null ? DEFAULT_TRUNCATION_MARKER : b.truncationMarker;
    this.maxStackFrames = checkRange(problems, "maxStackFrames", b.maxStackFrames, 0, 10_000,
        DEFAULT_MAX_STACK_FRAMES);
    this.maxThrowables = checkRange(problems, "maxThrowables", b.maxThrowables, 1, 64, DEFAULT_MAX_THROWABLES);
    this.stackHash = b.stackHash;
    this.lineSeparator = b.parsedLineSeparator(problems);
    this.redactor = b.buildRedactor(problems);

    // Who holds each top-level name, for the messages about a second taker.
    Map<String, String> holders = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      if (names[i] != null) {
        holders.put(names[i], "the standard field '" + STANDARD_FIELDS.get(i) + "'");
      }
    }
    Map<String, String> statics = new LinkedHashMap<>();
    NameScope staticNames = new NameScope();
    staticNames.reset(Set.copyOf(holders.keySet()));
    for (Map.Entry<String, String> e : b.staticFields.entrySet()) {
      String key = e.getKey();
      String unique = staticNames.unique(key, "static");
      if (!unique.equals(key)) {
        problems.add("staticField '" + key + "' collides with a standard field; written as '" + unique + "'");
      }
      holders.put(unique, "a staticField");
      statics.put(unique, e.getValue());
    }
    this.staticFields = Collections.unmodifiableMap(statics);
    // The objects' names are checked rather than renamed like dynamic names: a renamed object would
    // move every entry of a dashboard's query, so the option is refused loudly and the entries are
    // written at the top level, where each name is made unique per line.
    this.mdcObjectName = objectName("mdcFieldName", b.mdcObjectName, holders, problems,
        "MDC entries are written at the top level");
    this.keyValuesObjectName = objectName("keyValuesFieldName", b.keyValuesObjectName, holders, problems,
        "key-value pairs are written at the top level");
    this.reservedTopNames = Set.copyOf(holders.keySet());
  }

  public Format format() {
    return format;
  }

  public Redactor redactor() {
    return redactor;
  }

  public List<String> problems() {
    return problems;
  }

  public String serviceName() {
    return serviceName;
  }

  public String environment() {
    return environment;
  }

  /** A new sink of this format writing into {@code out}, sharing {@code names} (encoded-name cache). */
  LineSink newSink(Utf8Output out, StringBytesCache names) {
    switch (format) {
      case TEXT:
        return new TextSink(out);
      case PRETTY:
        return new JsonSink(out, true, names);
      default:
        return new JsonSink(out, false, names);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects raw configuration values; {@link #build()} validates them. */
  public static final class Builder {
    private String format;
    private final Map<String, String> renames = new LinkedHashMap<>();
    private final List<String> rawProblems = new ArrayList<>();
    private String serviceName;
    private String environment;
    private final Map<String, String> staticFields = new LinkedHashMap<>();
    private boolean includeMdc = true;
    private final Set<String> mdcIncludes = new LinkedHashSet<>();
    private final Set<String> mdcExcludes = new LinkedHashSet<>();
    private String mdcObjectName;
    private boolean includeKeyValues = true;
    private String keyValuesObjectName;
    private boolean includeMarkers = true;
    private String timestampPrecision;
    private Integer maxMessageLength;
    private Integer maxFieldLength;
    private String truncationMarker;
    private Integer maxStackFrames;
    private Integer maxThrowables;
    private boolean stackHash = true;
    private String lineSeparator;
    private boolean redaction = true;
    private String redactionMode;
    private final List<String> denyFields = new ArrayList<>();
    private final List<String> allowFields = new ArrayList<>();
    private final List<String> enableDetectors = new ArrayList<>();
    private final List<String> disableDetectors = new ArrayList<>();
    private final List<String> piiPatterns = new ArrayList<>();
    private final List<String> credentialPatterns = new ArrayList<>();
    private String replacement;
    private Function<String, String> systemProperties = System::getProperty;
    private Function<String, String> environmentVariables = System::getenv;

    /** The settings a deployment overrides by system property or environment variable. */
    Settings settings() {
      return Settings.of(MODULE, systemProperties, environmentVariables)
          .withAlias(ENVIRONMENT, "englog.environment", "ENGLOG_ENVIRONMENT");
    }

    /**
     * OpenTelemetry's service name, by the same rule as every EngLog setting (system property, then
     * environment variable, then the configured value; blank is unset), so that logs and traces name
     * the service alike.
     */
    String otelServiceName() {
      String v = blankToNull(systemProperties.apply(OTEL_SERVICE_NAME_PROPERTY));
      if (v == null) {
        v = blankToNull(environmentVariables.apply(OTEL_SERVICE_NAME_VARIABLE));
      }
      return v != null ? v : serviceName;
    }

    /** Where system properties and environment variables are read from (tests). */
    public Builder lookups(Function<String, String> systemProperties, Function<String, String> environment) {
      this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
      this.environmentVariables = Objects.requireNonNull(environment, "environment");
      return this;
    }

    public Builder format(String format) {
      this.format = format;
      return this;
    }

    /** {@code standard=custom}; an empty custom name disables the field. */
    public Builder fieldName(String spec) {
      int eq = spec == null ? -1 : spec.indexOf('=');
      if (eq <= 0) {
        rawProblems.add("fieldName must look like 'standard=custom' with standard one of " + STANDARD_FIELDS
            + ", got '" + spec + "'");
        return this;
      }
      String standard = spec.substring(0, eq).trim();
      if (!STANDARD_FIELDS.contains(standard)) {
        rawProblems.add("fieldName: '" + standard + "' is not a standard field; one of " + STANDARD_FIELDS);
        return this;
      }
      renames.put(standard, spec.substring(eq + 1).trim());
      return this;
    }

    public Builder serviceName(String v) {
      this.serviceName = v;
      return this;
    }

    public Builder environment(String v) {
      this.environment = v;
      return this;
    }

    /** {@code name=value}. */
    public Builder staticField(String spec) {
      int eq = spec == null ? -1 : spec.indexOf('=');
      if (eq <= 0) {
        rawProblems.add("staticField must look like 'name=value', got '" + spec + "'");
        return this;
      }
      staticFields.put(spec.substring(0, eq).trim(), spec.substring(eq + 1));
      return this;
    }

    public Builder includeMdc(boolean v) {
      this.includeMdc = v;
      return this;
    }

    public Builder includeMdcKey(String key) {
      mdcIncludes.add(Objects.requireNonNull(key, "key").trim());
      return this;
    }

    public Builder excludeMdcKey(String key) {
      mdcExcludes.add(Objects.requireNonNull(key, "key").trim());
      return this;
    }

    public Builder mdcFieldName(String v) {
      this.mdcObjectName = v;
      return this;
    }

    public Builder includeKeyValues(boolean v) {
      this.includeKeyValues = v;
      return this;
    }

    public Builder keyValuesFieldName(String v) {
      this.keyValuesObjectName = v;
      return this;
    }

    public Builder includeMarkers(boolean v) {
      this.includeMarkers = v;
      return this;
    }

    public Builder timestampPrecision(String v) {
      this.timestampPrecision = v;
      return this;
    }

    public Builder maxMessageLength(int v) {
      this.maxMessageLength = v;
      return this;
    }

    public Builder maxFieldLength(int v) {
      this.maxFieldLength = v;
      return this;
    }

    public Builder truncationMarker(String v) {
      this.truncationMarker = v;
      return this;
    }

    public Builder maxStackFrames(int v) {
      this.maxStackFrames = v;
      return this;
    }

    public Builder maxThrowables(int v) {
      this.maxThrowables = v;
      return this;
    }

    public Builder stackHash(boolean v) {
      this.stackHash = v;
      return this;
    }

    public Builder lineSeparator(String v) {
      this.lineSeparator = v;
      return this;
    }

    public Builder redaction(boolean v) {
      this.redaction = v;
      return this;
    }

    public Builder redactionMode(String v) {
      this.redactionMode = v;
      return this;
    }

    public Builder denyField(String v) {
      denyFields.add(v);
      return this;
    }

    public Builder allowField(String v) {
      allowFields.add(v);
      return this;
    }

    public Builder enableDetector(String v) {
      enableDetectors.add(v);
      return this;
    }

    public Builder disableDetector(String v) {
      disableDetectors.add(v);
      return this;
    }

    public Builder piiPattern(String regex) {
      piiPatterns.add(regex);
      return this;
    }

    public Builder credentialPattern(String regex) {
      credentialPatterns.add(regex);
      return this;
    }

    public Builder redactionReplacement(String v) {
      this.replacement = v;
      return this;
    }

    Format parsedFormat(List<String> problems) {
      return choice("format", format, FORMATS, problems);
    }

    String[] parsedNames(List<String> problems) {
      return SettingsParsing.names(renames, problems);
    }

    int parsedPrecision(List<String> problems) {
      return choice("timestampPrecision", timestampPrecision, PRECISIONS, problems);
    }

    byte[] parsedLineSeparator(List<String> problems) {
      return choice("lineSeparator", lineSeparator, LINE_SEPARATORS, problems).clone();
    }

    Redactor buildRedactor(List<String> problems) {
      if (!redaction) {
        return Redactor.disabled();
      }
      Redactor.Builder r = Redactor.builder();
      r.allowListMode(choice("redactionMode", redactionMode, REDACTION_MODES, problems));
      denyFields.forEach(f -> r.denyField(f.trim()));
      allowFields.forEach(f -> r.allowField(f.trim()));
      for (String d : enableDetectors) {
        try {
          r.enableDetector(d);
        } catch (IllegalArgumentException e) {
          problems.add("enableDetector: " + e.getMessage());
        }
      }
      for (String d : disableDetectors) {
        try {
          r.disableDetector(d);
        } catch (IllegalArgumentException e) {
          problems.add("disableDetector: " + e.getMessage());
        }
      }
      addPatterns(r, piiPatterns, Redactor.PII, "piiPattern", problems);
      addPatterns(r, credentialPatterns, Redactor.CREDENTIAL, "credentialPattern", problems);
      if (replacement != null) {
        r.replacement(replacement);
      }
      return r.build();
    }

    private static void addPatterns(Redactor.Builder r, List<String> regexes, int kind, String option,
        List<String> problems) {
      for (String regex : regexes) {
        try {
          r.pattern(Pattern.compile(regex), kind);
        } catch (PatternSyntaxException e) {
          problems.add(option + " is not a valid regular expression ('" + regex + "'): "
              + e.getDescription() + "; ignored");
        }
      }
    }

    public EncoderSettings build() {
      return new EncoderSettings(this, new ArrayList<>(rawProblems));
    }
  }
}
