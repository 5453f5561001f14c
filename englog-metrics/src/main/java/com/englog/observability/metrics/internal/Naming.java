package com.englog.observability.metrics.internal;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Not public API.
 *
 * <p>Naming rules for custom metrics, so they expose exactly the name a service chose and pass
 * {@code promtool check metrics}.
 */
public final class Naming {

  /** Suffixes the exposition formats add themselves; a name that ends in one would be rewritten. */
  public static final List<String> RESERVED_SUFFIXES =
      List.of("_total", "_created", "_bucket", "_count", "_sum", "_info");

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final List<String> ABBREVIATED_UNITS =
      List.of("_ms", "_ns", "_us", "_sec", "_secs", "_kb", "_mb", "_gb", "_millis", "_nanos");

  private Naming() {}

  /**
   * Checks a custom metric name.
   *
   * @throws IllegalArgumentException naming the rule the name breaks
   */
  public static String checkMetricName(String name, String kind) {
    if (name == null || !METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(kind + " name must match [a-zA-Z_][a-zA-Z0-9_]* (no dots, no "
          + "colons: colons are for recording rules), was " + quote(name));
    }
    if (name.startsWith("__")) {
      throw new IllegalArgumentException(kind + " name must not start with __ (reserved), was " + name);
    }
    for (String suffix : RESERVED_SUFFIXES) {
      if (name.endsWith(suffix)) {
        String hint = suffix.equals("_total")
            ? " — counters get _total on exposition: register " + name.substring(0, name.length() - 6)
            : "";
        throw new IllegalArgumentException(kind + " name " + name + " ends in the reserved suffix "
            + suffix + " (reserved: " + RESERVED_SUFFIXES + ")" + hint);
      }
    }
    for (String unit : ABBREVIATED_UNITS) {
      if (name.contains(unit + "_") || name.endsWith(unit)) {
        throw new IllegalArgumentException(kind + " name " + name + " uses the abbreviated unit "
            + unit.substring(1) + "; use base units (seconds, bytes)");
      }
    }
    return name;
  }

  /**
   * Checks a label name.
   *
   * @throws IllegalArgumentException naming the rule the name breaks
   */
  public static String checkLabelName(String metric, String label) {
    if (label == null || !LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
      throw new IllegalArgumentException("label name of " + metric + " must match [a-zA-Z_][a-zA-Z0-9_]* "
          + "and not start with __, was " + quote(label));
    }
    if (label.equals("le") || label.equals("quantile")) {
      throw new IllegalArgumentException("label name " + label + " of " + metric
          + " is reserved for histogram buckets and summary quantiles");
    }
    return label;
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
