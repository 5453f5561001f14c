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
 * expression calls for (docs/migrating-from-mvp-024.md): a healthy baseline and a missing series for all; a
 * restart blip when it waits (`for`) or reads counters; a zero denominator for ratios and quantiles; low
 * traffic for ratios of event rates. The Watchdog only fires.
 *
 * <p>Scenarios are required per tier (alert name and severity): a critical tier with a shorter
 * {@code for} or a tighter threshold does not borrow its warning tier's restart blip. Test group names
 * read "{@code <alert>: <scenario> (free text)}" for an alert with one severity, and
 * "{@code <alert>[<severity>,...]: <scenario> (free text)}" for one with several, naming every tier
 * the case shows the scenario for (a "fires" case must expect each named tier firing at some
 * evaluation).
 */
class AlertTestCoverageTest {

  static final Set<String> SCENARIOS = Set.of("fires", "healthy baseline", "missing series",
      "restart blip", "zero denominator", "low traffic", "near miss");

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
  void everyAlertTierHasTheScenariosItsExpressionCallsFor() {
    Map<String, Set<String>> scenarios = scenariosByTier(new ArrayList<>());
    List<String> missing = new ArrayList<>();
    Map<String, Set<String>> required = new TreeMap<>();
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      required.computeIfAbsent(tier(rule.alert, rule.labels.get("severity")), a -> new TreeSet<>())
          .addAll(requiredScenarios(rule));
    }
    required.forEach((tier, needed) -> {
      Set<String> have = scenarios.getOrDefault(tier, Set.of());
      for (String s : needed) {
        if (!have.contains(s)) {
          missing.add(tier + " needs a \"" + s + "\" case (has " + have + ")");
        }
      }
    });
    assertThat(missing).isEmpty();
  }

  @Test
  void testGroupsNameAKnownAlertTheirTiersAndAScenario() {
    Map<String, Set<String>> severities = RuleFiles.severitiesByAlert();
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
        if (!recordingTest && !severities.containsKey(alertOf(parts[0]))) {
          wrong.add(file.getFileName() + ": \"" + name + "\" names no shipped alert");
        }
        if (!recordingTest && !SCENARIOS.contains(scenario(parts[1]))) {
          wrong.add(file.getFileName() + ": \"" + name + "\" names no scenario of " + SCENARIOS);
        }
      }
    }
    scenariosByTier(wrong);
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

  /**
   * Tier ({@code alert[severity]}) → scenarios its test groups cover. Adds to {@code wrong} every
   * group that names no tier of a multi-tier alert, a tier the alert does not have, or a tier its
   * expectations do not show the scenario for.
   */
  static Map<String, Set<String>> scenariosByTier(List<String> wrong) {
    Map<String, Set<String>> severities = RuleFiles.severitiesByAlert();
    Map<String, Set<String>> out = new TreeMap<>();
    for (Path file : Assets.promtoolTestFiles()) {
      for (Object t : Assets.list(Assets.yamlMap(file).get("tests"))) {
        Map<String, Object> group = Assets.map(t);
        String name = String.valueOf(group.get("name"));
        String[] parts = name.split(": ", 2);
        if (parts.length != 2 || !group.containsKey("alert_rule_test")) {
          continue;
        }
        String alert = alertOf(parts[0]);
        Set<String> has = severities.getOrDefault(alert, Set.of());
        Set<String> named = new TreeSet<>();
        if (parts[0].endsWith("]") && parts[0].contains("[")) {
          for (String sev : parts[0].substring(parts[0].indexOf('[') + 1, parts[0].length() - 1).split(",")) {
            named.add(sev.trim());
          }
        } else if (has.size() == 1) {
          named.addAll(has);
        } else if (has.size() > 1) {
          wrong.add(file.getFileName() + ": \"" + name + "\" must name the tiers it covers, "
              + alert + has);
        }
        String scenario = scenario(parts[1]);
        for (String sev : named) {
          if (!has.contains(sev)) {
            wrong.add(file.getFileName() + ": \"" + name + "\": " + alert + " has no " + sev + " tier");
            continue;
          }
          // Other scenarios describe the input, not the outcome (a missing series fires
          // TargetAbsent): naming their tiers is the reviewer's statement.
          if (scenario.equals("fires") && !firesTier(group, alert, sev)) {
            wrong.add(file.getFileName() + ": \"" + name + "\" never expects the " + sev + " tier firing");
            continue;
          }
          out.computeIfAbsent(tier(alert, sev), a -> new TreeSet<>()).add(scenario);
        }
      }
    }
    return out;
  }

  /** Whether some evaluation of {@code alert} in the group expects the tier firing. */
  private static boolean firesTier(Map<String, Object> group, String alert, String severity) {
    for (Object a : Assets.list(group.get("alert_rule_test"))) {
      Map<String, Object> test = Assets.map(a);
      if (!alert.equals(String.valueOf(test.get("alertname")))) {
        continue;
      }
      for (Object e : Assets.list(test.get("exp_alerts"))) {
        if (severity.equals(Assets.map(Assets.map(e).get("exp_labels")).get("severity"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static String alertOf(String prefix) {
    int bracket = prefix.indexOf('[');
    return bracket < 0 ? prefix : prefix.substring(0, bracket);
  }

  private static String tier(String alert, String severity) {
    return alert + "[" + severity + "]";
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
            firing.add(RuleFiles.Rule.id(alert, Assets.map(Assets.map(e).get("exp_labels"))));
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
