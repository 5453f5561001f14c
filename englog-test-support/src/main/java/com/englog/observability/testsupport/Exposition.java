package com.englog.observability.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small parser of the Prometheus text format (0.0.4) for assertions, independent of the code under
 * test: families with their type and help, and samples with labels and values. Used on EngLog's own
 * scrapes and on what real exporters serve.
 */
public final class Exposition {

  /** One sample line: its series name, labels and value (a timestamp after the value is ignored). */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A family: the samples after its {@code # TYPE}/{@code # HELP} lines whose names belong to it. */
  public static final class Family {
    public final String name;
    public String type = "untyped";
    public String help;
    public final List<Sample> samples = new ArrayList<>();

    Family(String name) {
      this.name = name;
    }

    /** Label names of the family's series, without {@code le}/{@code quantile}. */
    public TreeSet<String> labelNames() {
      TreeSet<String> names = new TreeSet<>();
      for (Sample s : samples) {
        names.addAll(s.labels.keySet());
      }
      names.remove("le");
      names.remove("quantile");
      return names;
    }

    /** Whether every series carries the same label names (one label set per metric). */
    public boolean uniformLabelNames() {
      TreeSet<String> first = null;
      for (Sample s : samples) {
        TreeSet<String> n = new TreeSet<>(s.labels.keySet());
        n.remove("le");
        n.remove("quantile");
        if (first == null) {
          first = n;
        } else if (!first.equals(n)) {
          return false;
        }
      }
      return true;
    }

    /** Upper bounds of the histogram buckets, without +Inf. */
    public TreeSet<Double> buckets() {
      TreeSet<Double> b = new TreeSet<>();
      for (Sample s : samples) {
        String le = s.labels.get("le");
        if (le != null && !le.equals("+Inf")) {
          b.add(Double.parseDouble(le));
        }
      }
      return b;
    }

    /** Distinct series, by label values (without {@code le}). */
    public int series() {
      TreeSet<String> keys = new TreeSet<>();
      for (Sample s : samples) {
        Map<String, String> l = new TreeMap<>(s.labels);
        l.remove("le");
        keys.add(l.toString());
      }
      return keys.size();
    }

    /** The value of the sample with exactly these labels (and sample name), or NaN. */
    public double value(String sampleName, Map<String, String> labels) {
      for (Sample s : samples) {
        if (s.name.equals(sampleName) && s.labels.equals(labels)) {
          return s.value;
        }
      }
      return Double.NaN;
    }
  }

  /** The families by name, in exposition order. */
  public final Map<String, Family> families = new LinkedHashMap<>();

  /** The samples of one series name ({@code foo_total}, {@code foo_bucket}) and their family's type. */
  public static final class Samples {
    public final String type;
    public final List<Map<String, String>> labelSets = new ArrayList<>();

    Samples(String type) {
      this.type = type;
    }
  }

  /** Parses a whole exposition. */
  public static Exposition parse(String text) {
    Exposition e = new Exposition();
    Family current = null;
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String rest = line.substring(7);
        int sp = rest.indexOf(' ');
        String name = sp < 0 ? rest : rest.substring(0, sp);
        current = e.families.computeIfAbsent(name, Family::new);
        current.help = sp < 0 ? "" : rest.substring(sp + 1);
      } else if (line.startsWith("# TYPE ")) {
        String[] p = line.substring(7).split(" ");
        current = e.families.computeIfAbsent(p[0], Family::new);
        current.type = p[1];
      } else if (line.startsWith("#")) {
        continue;
      } else {
        Sample s = sample(line);
        Family f = current != null && belongs(s.name, current) ? current
            : e.families.computeIfAbsent(s.name, Family::new);
        f.samples.add(s);
      }
    }
    return e;
  }

  private static boolean belongs(String sample, Family f) {
    if (sample.equals(f.name)) {
      return true;
    }
    for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
      if (sample.equals(f.name + suffix)) {
        return true;
      }
    }
    return false;
  }

  /** Parses one sample line. */
  public static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    Map<String, String> labels = new LinkedHashMap<>();
    String name;
    String rest;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int i = brace + 1;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq);
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value not quoted in: " + line);
        }
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        while (line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\') {
            char n = line.charAt(++j);
            v.append(n == 'n' ? '\n' : n);
          } else {
            v.append(c);
          }
          j++;
        }
        labels.put(key, v.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      rest = line.substring(i + 1).trim();
    } else {
      name = line.substring(0, space);
      rest = line.substring(space + 1).trim();
    }
    String value = rest.split(" ")[0];
    double v = value.equals("+Inf") ? Double.POSITIVE_INFINITY
        : value.equals("-Inf") ? Double.NEGATIVE_INFINITY : value.equals("NaN") ? Double.NaN
        : Double.parseDouble(value);
    return new Sample(name, labels, v);
  }

  /**
   * Every sample named {@code seriesName} (a series name, not a family name: {@code foo_bucket}, not
   * {@code foo}) with the type of the family it belongs to; null when there is none.
   */
  public Samples samples(String seriesName) {
    Samples found = null;
    for (Family f : families.values()) {
      for (Sample s : f.samples) {
        if (s.name.equals(seriesName)) {
          if (found == null) {
            found = new Samples(f.type);
          }
          found.labelSets.add(s.labels);
        }
      }
    }
    return found;
  }

  /** The family {@code name}; fails the test when there is none. */
  public Family family(String name) {
    Family f = families.get(name);
    if (f == null) {
      throw new AssertionError("no family " + name + " in " + families.keySet());
    }
    return f;
  }
}
