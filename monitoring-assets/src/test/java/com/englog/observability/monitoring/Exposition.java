package com.englog.observability.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Prometheus text format (0.0.4) as an exporter serves it: each family's declared type and the
 * label sets of its samples. Enough to compare what an exporter really exposes with the metric lists
 * the rules are checked against.
 */
final class Exposition {

  /** The samples of one series name: its TYPE (of the family it belongs to) and every label set. */
  static final class Samples {
    final String type;
    final List<Map<String, String>> labelSets = new ArrayList<>();

    Samples(String type) {
      this.type = type;
    }
  }

  private final Map<String, Samples> byName;

  private Exposition(Map<String, Samples> byName) {
    this.byName = byName;
  }

  /** The samples exposed under {@code name} (a series name: {@code foo_total}, {@code foo_bucket}), or null. */
  Samples samples(String name) {
    return byName.get(name);
  }

  static Exposition parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, Samples> byName = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 4 && parts[1].equals("TYPE")) {
          types.put(parts[2], parts[3].trim());
        }
        continue;
      }
      int i = 0;
      while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
        i++;
      }
      String name = line.substring(0, i);
      Map<String, String> labels = new TreeMap<>();
      if (i < line.length() && line.charAt(i) == '{') {
        i = labels(line, i + 1, labels);
      }
      byName.computeIfAbsent(name, n -> new Samples(typeOf(n, types))).labelSets.add(labels);
    }
    return new Exposition(byName);
  }

  /** The family type of a series name: its own TYPE, or its histogram/summary's for the suffixes. */
  private static String typeOf(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      return types.get(name);
    }
    for (String suffix : List.of("_bucket", "_count", "_sum")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        if (types.containsKey(base)) {
          return types.get(base);
        }
      }
    }
    return "untyped";
  }

  /** Reads {@code name="value",…}} from {@code from}; returns the index after the closing brace. */
  private static int labels(String line, int from, Map<String, String> out) {
    int i = from;
    while (i < line.length() && line.charAt(i) != '}') {
      int eq = line.indexOf('=', i);
      String label = line.substring(i, eq).trim();
      i = eq + 1;
      if (line.charAt(i) != '"') {
        throw new IllegalArgumentException("label value not quoted in: " + line);
      }
      StringBuilder value = new StringBuilder();
      i++;
      while (line.charAt(i) != '"') {
        char c = line.charAt(i);
        if (c == '\\') {
          char next = line.charAt(++i);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
        i++;
      }
      out.put(label, value.toString());
      i++;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
    return i + 1;
  }
}
