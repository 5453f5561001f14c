package com.englog.observability.metrics.internal;

import com.englog.observability.metrics.LabelValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Not public API.
 *
 * <p>One label of a metric: its name and, for a closed label, the only values it may take. Turns any
 * input (null, empty, huge, control characters, wrong case) into a canonical value without throwing.
 */
public final class LabelSpec {

  /** The value open labels fold into once their metric reached its series limit. */
  public static final String OTHER = LabelValues.OTHER;
  /** The value of an open label whose input was null, empty or blank. */
  public static final String UNKNOWN = LabelValues.UNKNOWN;

  private final String name;
  private final Set<String> closedValues;
  /** Each closed value mapped to itself: canonical values are the set's own instances. */
  private final Map<String, String> closedInstances;
  private final String fallback;
  private final boolean upperCase;
  private final boolean foldsLast;
  private final boolean enumerable;

  private LabelSpec(String name, Set<String> closedValues, String fallback, boolean upperCase,
      boolean foldsLast, boolean enumerable) {
    this.name = Objects.requireNonNull(name, "name");
    this.closedValues = closedValues;
    if (closedValues == null) {
      this.closedInstances = null;
    } else {
      Map<String, String> instances = new HashMap<>();
      closedValues.forEach(v -> instances.put(v, v));
      this.closedInstances = instances;
    }
    this.fallback = fallback == null || closedInstances == null ? fallback : closedInstances.get(fallback);
    this.upperCase = upperCase;
    this.foldsLast = foldsLast;
    this.enumerable = enumerable;
  }

  /** A label whose values are guarded by the metric's series limit. */
  public static LabelSpec open(String name) {
    return new LabelSpec(name, null, null, false, false, false);
  }

  /**
   * A label that takes only {@code values}; anything else becomes {@code fallback} (which must be one
   * of the values), or is rejected when {@code fallback} is null.
   */
  public static LabelSpec closed(String name, List<String> values, String fallback, boolean upperCase) {
    return closed(name, values, fallback, upperCase, false, true);
  }

  /**
   * A closed label that keeps its value while a metric folds open labels, and becomes its
   * {@code fallback} only in the last resort (every open label {@code other}): {@code method}, whose
   * ten values would otherwise multiply the series reserved for that last resort.
   */
  public static LabelSpec closedFoldingLast(String name, List<String> values, String fallback,
      boolean upperCase) {
    return closed(name, values, fallback, upperCase, true, true);
  }

  /**
   * A closed label with too many values to start them all at 0, which never folds: {@code status_code}
   * (every status from 100 to 599, then {@code other}). Only values the service declares start at 0.
   */
  public static LabelSpec bounded(String name, List<String> values, String fallback) {
    return closed(name, values, fallback, false, false, false);
  }

  private static LabelSpec closed(String name, List<String> values, String fallback, boolean upperCase,
      boolean foldsLast, boolean enumerable) {
    Set<String> set = Collections.unmodifiableSet(new LinkedHashSet<>(values));
    if (fallback != null && !set.contains(fallback)) {
      throw new IllegalArgumentException("fallback " + fallback + " is not one of " + set);
    }
    if (foldsLast && fallback == null) {
      throw new IllegalArgumentException("label " + name + " folds last but has no fallback value");
    }
    return new LabelSpec(name, set, fallback, upperCase, foldsLast, enumerable);
  }

  public String name() {
    return name;
  }

  public boolean isClosed() {
    return closedValues != null;
  }

  /**
   * Whether a counter or histogram starts with every closed value at 0 when the other labels are
   * declared; false for open labels and for closed labels with hundreds of values.
   */
  public boolean isEnumerable() {
    return enumerable;
  }

  /** Whether this label keeps its value in every fold (a closed label that does not fold last). */
  boolean isKeptInLastResort() {
    return closedValues != null && !foldsLast;
  }

  /** The closed values in declaration order; empty for an open label. */
  public List<String> closedValues() {
    return closedValues == null ? List.of() : List.copyOf(closedValues);
  }

  /** The value recorded for null or empty input; null when such input is rejected. */
  String missingValue() {
    return closedValues == null ? UNKNOWN : fallback;
  }

  /**
   * The value of this label in the last-resort series an overflowing metric folds into: {@code other}
   * for an open label, the fallback for a label that folds last, the value itself otherwise.
   */
  String overflowValue(String canonical) {
    if (closedValues == null) {
      return OTHER;
    }
    return foldsLast ? fallback : canonical;
  }

  /**
   * The canonical value for {@code raw}, or null when a closed label rejects it. Never throws.
   *
   * @param maxLength longest value kept for an open label; longer ones are cut
   */
  public String canonical(String raw, int maxLength) {
    if (raw == null || raw.isEmpty()) {
      return missingValue();
    }
    if (closedInstances != null) {
      // The set's own instance, not the caller's equal copy: the series maps are then keyed by the
      // constants callers usually pass, which SeriesFamily.Level finds by reference.
      String own = closedInstances.get(raw);
      if (own == null) {
        own = closedInstances.get(upperCase ? raw.toUpperCase(Locale.ROOT) : raw.toLowerCase(Locale.ROOT));
      }
      return own != null ? own : fallback;
    }
    return sanitize(raw, maxLength);
  }

  /** Cuts to {@code maxLength}, replaces control characters and broken surrogates, trims blanks. */
  static String sanitize(String raw, int maxLength) {
    if (raw.isBlank()) {
      return UNKNOWN;
    }
    int end = Math.min(raw.length(), maxLength);
    if (end < raw.length() && end > 0 && Character.isHighSurrogate(raw.charAt(end - 1))) {
      end--;
    }
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = raw.charAt(i);
      boolean bad;
      if (Character.isHighSurrogate(c)) {
        bad = i + 1 >= end || !Character.isLowSurrogate(raw.charAt(i + 1));
        if (!bad) {
          if (out != null) {
            out.append(c).append(raw.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        bad = Character.isLowSurrogate(c) || Character.isISOControl(c);
      }
      if (bad && out == null) {
        out = new StringBuilder(end).append(raw, 0, i);
      }
      if (out != null) {
        out.append(bad ? '_' : c);
      }
    }
    String value = out != null ? out.toString() : end < raw.length() ? raw.substring(0, end) : raw;
    String trimmed = value.strip();
    return trimmed.isEmpty() ? UNKNOWN : trimmed;
  }

  /** Validates declared values against a closed set; returns them canonicalised. */
  List<String> canonicalDeclared(List<String> declared, int maxLength) {
    List<String> result = new ArrayList<>();
    for (String v : declared) {
      String c = canonical(v, maxLength);
      if (closedValues != null && (c == null || !closedValues.contains(v) && !v.equalsIgnoreCase(c))) {
        throw new IllegalArgumentException("label " + name + " takes only " + closedValues
            + "; cannot declare " + v);
      }
      if (c != null && !result.contains(c)) {
        result.add(c);
      }
    }
    return result;
  }

  @Override
  public String toString() {
    return closedValues == null ? name : name + closedValues;
  }
}
