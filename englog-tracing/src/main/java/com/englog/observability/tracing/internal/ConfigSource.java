package com.englog.observability.tracing.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads the standard OpenTelemetry settings with DESIGN.md's precedence: a system property
 * ({@code otel.service.name}) wins over the environment variable of the same name
 * ({@code OTEL_SERVICE_NAME}); the caller falls back to code, then to the default. Blank values count
 * as absent, as in the OpenTelemetry SDK. Parse errors name the setting, where it came from and the
 * allowed values.
 *
 * <p>Not public API.
 */
public final class ConfigSource {

  /** A value and where it came from, for error messages. */
  public static final class Setting {
    private final String value;
    private final String origin;

    Setting(String value, String origin) {
      this.value = value;
      this.origin = origin;
    }

    public String value() {
      return value;
    }

    /** E.g. {@code environment variable OTEL_TRACES_SAMPLER_ARG}. */
    public String origin() {
      return origin;
    }
  }

  private final Function<String, String> systemProperties;
  private final Function<String, String> environment;

  public ConfigSource(Function<String, String> systemProperties, Function<String, String> environment) {
    this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** The environment variable for a property: {@code otel.bsp.max.queue.size} → {@code OTEL_BSP_MAX_QUEUE_SIZE}. */
  public static String environmentName(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The setting, or null when neither the system property nor the environment variable is set. */
  public Setting get(String property) {
    String value = systemProperties.apply(property);
    if (value != null && !value.isBlank()) {
      return new Setting(value.trim(), "system property " + property);
    }
    String env = environmentName(property);
    value = environment.apply(env);
    if (value != null && !value.isBlank()) {
      return new Setting(value.trim(), "environment variable " + env);
    }
    return null;
  }

  /** The first of {@code properties} that is set (the more specific one first), or null. */
  public Setting first(String... properties) {
    for (String property : properties) {
      Setting s = get(property);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  public String string(String property) {
    Setting s = get(property);
    return s == null ? null : s.value();
  }

  public Boolean bool(String property) {
    Setting s = get(property);
    if (s == null) {
      return null;
    }
    String v = s.value().toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return Boolean.TRUE;
    }
    if (v.equals("false")) {
      return Boolean.FALSE;
    }
    throw invalid(s, "true or false");
  }

  /** An integer in [{@code min}, {@code max}], or null. */
  public Integer integer(String property, int min, int max) {
    Setting s = get(property);
    if (s == null) {
      return null;
    }
    try {
      long v = Long.parseLong(s.value());
      if (v < min || v > max) {
        throw invalid(s, "an integer in [" + min + ", " + max + "]");
      }
      return (int) v;
    } catch (NumberFormatException e) {
      throw invalid(s, "an integer in [" + min + ", " + max + "]");
    }
  }

  /**
   * A duration, or null: a whole number of milliseconds ({@code 5000}, as the OpenTelemetry
   * specification writes them) or a number with a unit {@code ms}, {@code s}, {@code m}, {@code h}.
   * Must lie in [{@code min}, {@code max}].
   */
  public Duration duration(String property, Duration min, Duration max) {
    Setting s = get(property);
    if (s == null) {
      return null;
    }
    Duration d = parseDuration(s.value());
    String allowed = "a duration in [" + min.toMillis() + "ms, " + max.toMillis()
        + "ms] written as milliseconds (5000) or with a unit (500ms, 5s, 1m)";
    if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw invalid(s, allowed);
    }
    return d;
  }

  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 12) {
      return null;
    }
    long amount = Long.parseLong(t.substring(0, i));
    String unit = t.substring(i).trim();
    switch (unit) {
      case "":
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      case "m":
        return Duration.ofMinutes(amount);
      case "h":
        return Duration.ofHours(amount);
      default:
        return null;
    }
  }

  public static double parseNumber(Setting s, double min, double max) {
    try {
      double v = Double.parseDouble(s.value());
      if (Double.isNaN(v) || v < min || v > max) {
        throw invalid(s, "a number in [" + min + ", " + max + "]");
      }
      return v;
    } catch (NumberFormatException e) {
      throw invalid(s, "a number in [" + min + ", " + max + "]");
    }
  }

  /**
   * A W3C-baggage-style list {@code key1=value1,key2=value2} (values percent-decoded), as used by
   * {@code OTEL_RESOURCE_ATTRIBUTES} and {@code OTEL_EXPORTER_OTLP_HEADERS}; empty map when unset.
   * The message of a parse error never repeats values: headers carry credentials.
   */
  public Map<String, String> keyValues(String property) {
    Setting s = get(property);
    Map<String, String> map = new LinkedHashMap<>();
    if (s == null) {
      return map;
    }
    int index = 0;
    for (String entry : s.value().split(",", -1)) {
      index++;
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(s.origin() + ": entry " + index
            + " is not key=value (expected a comma-separated list key1=value1,key2=value2)");
      }
      String key = e.substring(0, eq).trim();
      String value;
      try {
        value = percentDecode(e.substring(eq + 1).trim());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(s.origin() + ": the value of '" + key
            + "' has an invalid percent-encoding", ex);
      }
      map.put(key, value);
    }
    return map;
  }

  static String percentDecode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(value.length());
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == '%') {
        if (i + 2 >= value.length()) {
          throw new IllegalArgumentException("truncated %-escape");
        }
        int hi = Character.digit(value.charAt(i + 1), 16);
        int lo = Character.digit(value.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("invalid %-escape");
        }
        out.write(hi * 16 + lo);
        i += 3;
      } else {
        int end = value.indexOf('%', i);
        end = end < 0 ? value.length() : end;
        byte[] bytes = value.substring(i, end).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        i = end;
      }
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  public static IllegalArgumentException invalid(Setting s, String allowed) {
    return new IllegalArgumentException(
        s.origin() + " must be " + allowed + ", was '" + abbreviate(s.value()) + "'");
  }

  private static String abbreviate(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "…";
  }
}
