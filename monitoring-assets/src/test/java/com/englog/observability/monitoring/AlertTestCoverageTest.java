package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every alert has promtool cases that must fire and cases that must not, and the scenarios its kind of
 * expression calls for (DESIGN.md, "Deviations"): a healthy baseline and a missing series for all; a
 * restart blip when it waits (`for`) or reads counters; a zero denominator for ratios and quantiles; low
 * traffic for ratios of event rates. The Watchdog only fires.
 *
 * <p>Test group names read "{@code <alert>: <scenario> (free text)}".
 */
class AlertTestCoverageTest {

  static final Set<String> SCENARIOS = Set.of("fires", "healthy baseline", "missing series",
      "restart blip", "zero denominator", "low traffic");

  /** What the test files say about one alert rule (alert name + severity + slo). */
  static final class Coverage {
    boolean mustFire;
    boolean mustNotFire;
  }

  @Test
  void everyAlertHasMustFireAndMustNotFireCases() {
    Map<String, Coverage> coverage = coverage();
    List<String> missing = new ArrayList<>();
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      Coverage c = coverage.getOrDefault(rule.id(), new Coverage());
      if (!c.mustFire) {
        missing.add(rule.id() + " has no case where it must fire");
      }
      if (!c.mustNotFire && !rule.alert.equals("Watchdog")) {
        missing.add(rule.id() + " has no case where it must not fire");
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void everyAlertHasTheScenariosItsExpressionCallsFor() {
    Map<String, Set<String>> scenarios = scenariosByAlert();
    List<String> missing = new ArrayList<>();
    Map<String, Set<String>> required = new TreeMap<>();
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      required.computeIfAbsent(rule.alert, a -> new TreeSet<>()).addAll(requiredScenarios(rule));
    }
    required.forEach((alert, needed) -> {
      Set<String> have = scenarios.getOrDefault(alert, Set.of());
      for (String s : needed) {
        if (!have.contains(s)) {
          missing.add(alert + " needs a \"" + s + "\" case (has " + have + ")");
        }
      }
    });
    assertThat(missing).isEmpty();
  }

  @Test
  void testGroupsNameAKnownAlertAndScenario() {
    Set<String> alerts = new TreeSet<>();
    RuleFiles.alerts().forEach(r -> alerts.add(r.alert));
    List<String> wrong = new ArrayList<>();
    for (Path file : Assets.promtoolTestFiles()) {
      for (Object t : Assets.list(Assets.yamlMap(file).get("tests"))) {
        String name = String.valueOf(Assets.map(t).get("name"));
        String[] parts = name.split(": ", 2);
        if (parts.length != 2) {
          wrong.add(file.getFileName() + ": \"" + name + "\" is not \"<alert>: <scenario>\"");
          continue;
        }
        boolean recordingTest = !Assets.map(t).containsKey("alert_rule_test");
        if (!recordingTest && !alerts.contains(parts[0])) {
          wrong.add(file.getFileName() + ": \"" + name + "\" names no shipped alert");
        }
        if (!recordingTest && !SCENARIOS.contains(scenario(parts[1]))) {
          wrong.add(file.getFileName() + ": \"" + name + "\" names no scenario of " + SCENARIOS);
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void everyTestFileSetsTheSeriesIntervalExplicitly() {
    // promtool before 2.49 defaults the interval to 1m whatever the rules' evaluation interval.
    List<String> missing = new ArrayList<>();
    for (Path file : Assets.promtoolTestFiles()) {
      Map<String, Object> root = Assets.yamlMap(file);
      if (!root.containsKey("evaluation_interval")) {
        missing.add(file.getFileName() + " sets no evaluation_interval");
      }
      for (Object t : Assets.list(root.get("tests"))) {
        if (!Assets.map(t).containsKey("interval")) {
          missing.add(file.getFileName() + ": " + Assets.map(t).get("name") + " sets no interval");
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  static Set<String> requiredScenarios(RuleFiles.Rule rule) {
    Set<String> needed = new LinkedHashSet<>();
    if (rule.alert.equals("Watchdog")) {
      needed.add("fires");
      return needed;
    }
    needed.add("healthy baseline");
    needed.add("missing series");
    String expr = rule.expr;
    boolean waits = rule.forDuration != null && !rule.forDuration.equals("0m")
        && !rule.forDuration.equals("0s");
    boolean readsCounters = expr.contains("rate(") || expr.contains("increase(");
    boolean divides = expr.contains("/") || expr.contains("histogram_quantile")
        || expr.contains("englog:slo_sli_error:");
    if (waits || readsCounters) {
      needed.add("restart blip");
    }
    if (divides) {
      needed.add("zero denominator");
    }
    if (divides && readsCounters || expr.contains("englog:slo_sli_error:")) {
      needed.add("low traffic");
    }
    return needed;
  }

  private static String scenario(String text) {
    int paren = text.indexOf(" (");
    return (paren < 0 ? text : text.substring(0, paren)).trim();
  }

  /** Alert name → scenarios its test groups cover. */
  static Map<String, Set<String>> scenariosByAlert() {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Path file : Assets.promtoolTestFiles()) {
      for (Object t : Assets.list(Assets.yamlMap(file).get("tests"))) {
        String[] parts = String.valueOf(Assets.map(t).get("name")).split(": ", 2);
        if (parts.length == 2) {
          out.computeIfAbsent(parts[0], a -> new TreeSet<>()).add(scenario(parts[1]));
        }
      }
    }
    return out;
  }

  /** Rule id (alert[severity,slo]) → whether some case expects it firing, and some expects it not. */
  static Map<String, Coverage> coverage() {
    Map<String, Set<String>> idsByAlert = new TreeMap<>();
    for (RuleFiles.Rule r : RuleFiles.alerts()) {
      idsByAlert.computeIfAbsent(r.alert, a -> new TreeSet<>()).add(r.id());
    }
    Map<String, Coverage> out = new TreeMap<>();
    for (Path file : Assets.promtoolTestFiles()) {
      for (Object t : Assets.list(Assets.yamlMap(file).get("tests"))) {
        for (Object a : Assets.list(Assets.map(t).get("alert_rule_test"))) {
          Map<String, Object> test = Assets.map(a);
          String alert = String.valueOf(test.get("alertname"));
          Set<String> firing = new TreeSet<>();
          for (Object e : Assets.list(test.get("exp_alerts"))) {
            Map<String, Object> labels = Assets.map(Assets.map(e).get("exp_labels"));
            StringBuilder id = new StringBuilder(alert);
            if (labels.containsKey("severity")) {
              id.append('[').append(labels.get("severity"));
              if (labels.containsKey("slo")) {
                id.append(',').append(labels.get("slo"));
              }
              id.append(']');
            }
            firing.add(id.toString());
          }
          for (String id : idsByAlert.getOrDefault(alert, Set.of())) {
            Coverage c = out.computeIfAbsent(id, k -> new Coverage());
            if (firing.contains(id)) {
              c.mustFire = true;
            } else {
              c.mustNotFire = true;
            }
          }
        }
      }
    }
    return out;
  }
}
