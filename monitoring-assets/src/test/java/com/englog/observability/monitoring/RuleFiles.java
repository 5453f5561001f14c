package com.englog.observability.monitoring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The rules of the shipped rule files, as the tests see them. */
final class RuleFiles {

  /** One alerting or recording rule. */
  static final class Rule {
    final Path file;
    final String group;
    final String alert;
    final String record;
    final String expr;
    final String forDuration;
    final String keepFiringFor;
    final Map<String, String> labels;
    final Map<String, String> annotations;

    Rule(Path file, String group, String alert, String record, String expr, String forDuration,
        String keepFiringFor, Map<String, String> labels, Map<String, String> annotations) {
      this.file = file;
      this.group = group;
      this.alert = alert;
      this.record = record;
      this.expr = expr;
      this.forDuration = forDuration;
      this.keepFiringFor = keepFiringFor;
      this.labels = labels;
      this.annotations = annotations;
    }

    boolean isAlert() {
      return alert != null;
    }

    String name() {
      return alert != null ? alert : record;
    }

    /** Alert name plus severity (and slo): what distinguishes tiers of the same alert. */
    String id() {
      return id(name(), labels);
    }

    /** {@code name[severity,slo]}, the {@link #id()} of an alert with these labels. */
    static String id(String name, Map<String, ?> labels) {
      StringBuilder b = new StringBuilder(name);
      if (labels.containsKey("severity")) {
        b.append('[').append(labels.get("severity"));
        if (labels.containsKey("slo")) {
          b.append(',').append(labels.get("slo"));
        }
        b.append(']');
      }
      return b.toString();
    }

    @Override
    public String toString() {
      return id() + " (" + file.getFileName() + "/" + group + ")";
    }
  }

  private RuleFiles() {}

  static List<Rule> load(List<Path> files) {
    List<Rule> rules = new ArrayList<>();
    for (Path file : files) {
      Map<String, Object> root = Assets.yamlMap(file);
      for (Object g : Assets.list(root.get("groups"))) {
        Map<String, Object> group = Assets.map(g);
        for (Object r : Assets.list(group.get("rules"))) {
          Map<String, Object> rule = Assets.map(r);
          rules.add(new Rule(file, (String) group.get("name"), (String) rule.get("alert"),
              (String) rule.get("record"), String.valueOf(rule.get("expr")).trim(),
              rule.get("for") == null ? null : String.valueOf(rule.get("for")),
              rule.get("keep_firing_for") == null ? null : String.valueOf(rule.get("keep_firing_for")),
              strings(rule.get("labels")), strings(rule.get("annotations"))));
        }
      }
    }
    return rules;
  }

  /** Every rule of every shipped rule file. */
  static List<Rule> shipped() {
    return load(Assets.ruleFiles());
  }

  static List<Rule> alerts() {
    return shipped().stream().filter(Rule::isAlert).collect(Collectors.toList());
  }

  /** The first shipped alert rule named {@code name} (its first tier when it has several). */
  static Rule alert(String name) {
    return alerts().stream().filter(r -> r.alert.equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no shipped alert " + name));
  }

  /** Alert name → the severities of its tiers. */
  static Map<String, Set<String>> severitiesByAlert() {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Rule r : alerts()) {
      out.computeIfAbsent(r.alert, a -> new TreeSet<>()).add(r.labels.get("severity"));
    }
    return out;
  }

  private static Map<String, String> strings(Object o) {
    Map<String, String> out = new LinkedHashMap<>();
    Assets.map(o).forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }
}
