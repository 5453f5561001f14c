package com.englog.observability.monitoring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** The SLO definitions of {@code src/slo/objectives.yml}, validated. */
final class SloObjectives {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*[a-z0-9]");
  private static final Pattern WINDOW = Pattern.compile("[1-9][0-9]*[mhdw]");

  /** One service level objective. Exactly one of {@code errors} and {@code good} is set. */
  static final class Slo {
    final String name;
    final String service;
    final String description;
    final double objective;
    final String total;
    final String errors;
    final String good;
    final long minEvents;

    Slo(String name, String service, String description, double objective, String total,
        String errors, String good, long minEvents) {
      this.name = name;
      this.service = service;
      this.description = description;
      this.objective = objective;
      this.total = total;
      this.errors = errors;
      this.good = good;
      this.minEvents = minEvents;
    }
  }

  final List<Slo> slos;
  final List<String> dependencyWindows;

  private SloObjectives(List<Slo> slos, List<String> dependencyWindows) {
    this.slos = List.copyOf(slos);
    this.dependencyWindows = List.copyOf(dependencyWindows);
  }

  static SloObjectives load(Path file) {
    return parse(Assets.read(file));
  }

  static SloObjectives parse(String yaml) {
    Map<String, Object> root = Assets.map(Assets.yaml(yaml));
    List<Slo> slos = new ArrayList<>();
    for (Object o : Assets.list(root.get("slos"))) {
      Map<String, Object> m = Assets.map(o);
      String name = text(m, "name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("slos[].name must be kebab-case, got '" + name + "'");
      }
      if (slos.stream().anyMatch(s -> s.name.equals(name))) {
        throw new IllegalArgumentException("slos[].name '" + name + "' is defined twice");
      }
      double objective = ((Number) Objects.requireNonNull(m.get("objective"), name + ".objective"))
          .doubleValue();
      // The fastest tier pages at 14.4 times the budget rate; above 100% errors it could never fire.
      if (!(objective > 1 - 1 / SloRuleGenerator.PAGE.factorA) || objective >= 1) {
        throw new IllegalArgumentException(name + ".objective must be in ("
            + (1 - 1 / SloRuleGenerator.PAGE.factorA) + ", 1), got " + objective);
      }
      String errors = (String) m.get("errors");
      String good = (String) m.get("good");
      if ((errors == null) == (good == null)) {
        throw new IllegalArgumentException(name + ": set exactly one of 'errors' and 'good'");
      }
      long minEvents = m.containsKey("min_events") ? ((Number) m.get("min_events")).longValue() : 0;
      if (minEvents < 0) {
        throw new IllegalArgumentException(name + ".min_events must be >= 0, got " + minEvents);
      }
      slos.add(new Slo(name, text(m, "service"), text(m, "description"), objective,
          text(m, "total"), errors, good, minEvents));
    }
    if (slos.isEmpty()) {
      throw new IllegalArgumentException("slos must list at least one SLO");
    }
    List<String> windows = new ArrayList<>();
    for (Object w : Assets.list(Assets.map(root.get("dependency_availability")).get("windows"))) {
      String window = String.valueOf(w);
      if (!WINDOW.matcher(window).matches()) {
        throw new IllegalArgumentException(
            "dependency_availability.windows: '" + window + "' is not a duration like 1h or 30d");
      }
      windows.add(window);
    }
    return new SloObjectives(slos, windows);
  }

  private static String text(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof String) || ((String) v).isBlank()) {
      throw new IllegalArgumentException("slos[]." + key + " is required, got " + v);
    }
    return ((String) v).trim();
  }
}
