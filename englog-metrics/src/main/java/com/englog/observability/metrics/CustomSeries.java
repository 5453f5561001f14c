package com.englog.observability.metrics;

import com.englog.observability.metrics.internal.LabelSpec;
import com.englog.observability.metrics.internal.Naming;
import com.englog.observability.metrics.internal.SeriesFamily;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The guarded series of one custom metric; picks the allocation-free lookup for its label count. */
final class CustomSeries {

  private final SeriesFamily<Object> family;
  private final int arity;

  CustomSeries(SeriesFamily<Object> family) {
    this.family = family;
    this.arity = family.labelCount();
  }

  SeriesFamily<Object> family() {
    return family;
  }

  Object get() {
    return arity == 0 ? family.get() : family.getAll();
  }

  Object get(String a) {
    return arity == 1 ? family.get(a) : family.getAll(a);
  }

  Object get(String a, String b) {
    return arity == 2 ? family.get(a, b) : family.getAll(a, b);
  }

  Object get(String a, String b, String c) {
    return arity == 3 ? family.get(a, b, c) : family.getAll(a, b, c);
  }

  Object getAll(String... values) {
    return family.getAll(values);
  }

  /** Shared builder state: help, label names, declared values, limit. */
  static final class Spec {
    final String name;
    String help;
    final List<String> labelNames = new ArrayList<>();
    final Map<String, List<String>> declared = new LinkedHashMap<>();
    int limit;

    Spec(String name) {
      this.name = name;
    }

    void help(String text) {
      Objects.requireNonNull(text, "help");
      if (text.isBlank()) {
        throw new IllegalArgumentException("help of " + name + " must not be blank (promtool requires "
            + "help text)");
      }
      this.help = text;
    }

    void labelNames(String... names) {
      Objects.requireNonNull(names, "labelNames");
      labelNames.clear();
      for (String n : names) {
        Naming.checkLabelName(name, n);
        if (labelNames.contains(n)) {
          throw new IllegalArgumentException("label " + n + " of " + name + " is listed twice");
        }
        labelNames.add(n);
      }
    }

    void declare(String label, String... values) {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(values, "values");
      List<String> list = declared.computeIfAbsent(label, k -> new ArrayList<>());
      for (String v : values) {
        list.add(Objects.requireNonNull(v, "values[]"));
      }
    }

    void limit(int limit) {
      if (limit < 2 || limit > 1_000_000) {
        throw new IllegalArgumentException("cardinalityLimit of " + name
            + " must be between 2 and 1000000, was " + limit);
      }
      this.limit = limit;
    }

    List<LabelSpec> labels() {
      List<LabelSpec> specs = new ArrayList<>();
      for (String n : labelNames) {
        specs.add(LabelSpec.open(n));
      }
      return specs;
    }

    void checkReady() {
      if (help == null) {
        throw new IllegalStateException("help(...) is required for " + name
            + " (promtool rejects metrics without help text)");
      }
      for (String label : declared.keySet()) {
        if (!labelNames.contains(label)) {
          throw new IllegalArgumentException("labelValues(\"" + label + "\", ...) names no label of "
              + name + " " + labelNames);
        }
      }
    }

    /** Pre-registers the declared combinations when every label has declared values. */
    void preRegister(SeriesFamily<Object> family) {
      if (labelNames.isEmpty()) {
        family.get();
        return;
      }
      List<List<String>> values = new ArrayList<>();
      for (String n : labelNames) {
        List<String> v = declared.get(n);
        if (v == null) {
          return;
        }
        values.add(v);
      }
      family.preRegister(values);
    }
  }
}
