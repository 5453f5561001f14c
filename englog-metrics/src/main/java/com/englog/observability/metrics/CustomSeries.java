package com.englog.observability.metrics;

import com.englog.observability.metrics.internal.GuardedMeters;
import com.englog.observability.metrics.internal.HookGauges;
import com.englog.observability.metrics.internal.LabelSpec;
import com.englog.observability.metrics.internal.Naming;
import com.englog.observability.metrics.internal.SeriesFamily;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * The guarded series of one custom metric, and what the three custom builders share: their settings,
 * registering through the guarded-meter core ({@link GuardedMeters}: name claim, limit, series budget,
 * cardinality guard), function-backed series, the allocation-free lookup for each label count.
 */
final class CustomSeries {

  private final Definition definition;
  private final SeriesFamily<Object> family;
  private final int arity;

  private CustomSeries(Definition definition, SeriesFamily<Object> family) {
    this.definition = definition;
    this.family = family;
    this.arity = family.labelCount();
  }

  /**
   * Checks {@code spec}, claims {@code exposedName} and creates the guarded family whose series
   * {@code factory} makes from the registered definition.
   *
   * @throws IllegalStateException if help is missing
   * @throws IllegalArgumentException if the name is taken or declared values name no label
   */
  static CustomSeries register(EnglogMetrics owner, Spec spec, String exposedName,
      int seriesPerCombination, Function<Definition, SeriesFamily.Factory<Object>> factory) {
    spec.checkReady();
    Definition d = new Definition(spec.name, spec.help, spec.labels());
    return new CustomSeries(d, owner.meters().custom(exposedName, spec.name, d.labels, spec.limit,
        seriesPerCombination, () -> factory.apply(d)));
  }

  SeriesFamily<Object> family() {
    return family;
  }

  /**
   * Creates the series of {@code labelValues} with {@code meter} (a function-backed meter, given the
   * series' tags) instead of the family's own factory.
   *
   * @throws IllegalArgumentException if that series exists already or the limit is reached
   */
  void bind(String[] labelValues, Function<Tags, Object> meter) {
    Objects.requireNonNull(labelValues, "labelValues");
    family.register(Arrays.asList(labelValues), values -> meter.apply(definition.tags(values)));
  }

  /** Reads a supplier on the scrape thread; one that throws reads as NaN instead of failing the scrape. */
  static double read(DoubleSupplier supplier) {
    return HookGauges.read(supplier);
  }

  /**
   * What a custom metric was registered with. Immutable, so a builder changed or reused after
   * {@code register()} cannot change the series that metric creates later.
   */
  static final class Definition {
    final String name;
    final String help;
    final List<LabelSpec> labels;

    private Definition(String name, String help, List<LabelSpec> labels) {
      this.name = name;
      this.help = help;
      this.labels = List.copyOf(labels);
    }

    Tags tags(List<String> values) {
      return GuardedMeters.tags(labels, values);
    }
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

    /**
     * Refuses a label-less function registration on a builder that named labels.
     *
     * @throws IllegalStateException if labels were named
     */
    void checkNoLabels(String perSeries) {
      if (!labelNames.isEmpty()) {
        throw new IllegalStateException(name + " has labels " + labelNames
            + "; use register() and " + perSeries + " per series");
      }
    }

    void checkReady() {
      if (help == null) {
        throw new IllegalStateException("help(...) is required for " + name
            + " (promtool rejects metrics without help text)");
      }
      for (String label : declared.keySet()) {
        if (!labelNames.contains(label)) {
          throw new IllegalArgumentException("declareLabelValues(\"" + label + "\", ...) names no label of "
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
