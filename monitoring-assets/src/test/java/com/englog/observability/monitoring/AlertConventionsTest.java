package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * House rules for every shipped alert (the checks monitoring-mixins' mixtool lint makes, which is not
 * packaged for Debian): routing labels are static, severities are the known ones, summaries are static
 * sentences and descriptions say more, every alert names its runbook and dashboard, and every alert
 * but the Watchdog states how long it waits.
 */
class AlertConventionsTest {

  private static final Pattern NAME = Pattern.compile("[A-Z][A-Za-z0-9]{2,39}");
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

  @Test
  void everyAlertFollowsTheConventions() {
    List<String> problems = new ArrayList<>();
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      if (!NAME.matcher(rule.alert).matches()) {
        problems.add(rule + ": name must be CamelCase, at most 40 characters");
      }
      String severity = rule.labels.get("severity");
      if (rule.alert.equals("Watchdog") ? !"none".equals(severity) : !SEVERITIES.contains(severity)) {
        problems.add(rule + ": severity " + severity + " is not one of " + SEVERITIES);
      }
      if (rule.labels.get("service") == null) {
        problems.add(rule + ": no service label");
      }
      rule.labels.forEach((k, v) -> {
        if (v.contains("{{")) {
          problems.add(rule + ": label " + k + " is templated; routing labels must be static");
        }
      });
      String summary = rule.annotations.getOrDefault("summary", "");
      if (summary.isEmpty() || summary.contains("{{") || !summary.endsWith(".")) {
        problems.add(rule + ": summary must be a static sentence ending with '.', got: " + summary);
      }
      if (rule.annotations.getOrDefault("description", "").length() <= summary.length()) {
        problems.add(rule + ": description must say more than the summary");
      }
      for (String a : List.of("runbook_url", "dashboard_url")) {
        if (!rule.annotations.getOrDefault(a, "").startsWith("https://")) {
          problems.add(rule + ": no " + a);
        }
      }
      if (rule.forDuration == null && !rule.alert.equals("Watchdog")) {
        problems.add(rule + ": `for` is not set (write `for: 0m` to mean it)");
      }
    }
    assertThat(problems).isEmpty();
  }

  /**
   * MVP-024's alert names and severities are the operators' contract: each is shipped under its name,
   * with MVP-024's severity as one of its tiers (EngLogAPIDown adds a warning tier for one instance).
   */
  @Test
  void everySeedAlertIsShippedUnderItsNameWithItsSeverity() {
    Map<String, String> mvp024 = Map.ofEntries(Map.entry("EngLogAPIDown", "critical"),
        Map.entry("EngLogWorkerDown", "warning"), Map.entry("HighResponseTime", "warning"),
        Map.entry("HighErrorRate", "critical"), Map.entry("AIProcessingFailures", "warning"),
        Map.entry("SlowAIProcessing", "warning"), Map.entry("HighMemoryUsage", "warning"),
        Map.entry("HighCPUUsage", "warning"), Map.entry("DatabaseDown", "critical"),
        Map.entry("SlowDatabaseQueries", "warning"), Map.entry("LowUserActivity", "info"),
        Map.entry("NoJournalsCreated", "warning"));
    Map<String, Set<String>> shipped = RuleFiles.severitiesByAlert();
    mvp024.forEach((name, severity) -> assertThat(shipped.get(name)).as(name).isNotNull().contains(severity));
  }

  @Test
  void tiersOfOneAlertShareTheirRunbookAndDifferInSeverity() {
    Map<String, String> runbooks = new HashMap<>();
    Map<String, String> ids = new HashMap<>();
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      String previous = runbooks.putIfAbsent(rule.alert, rule.annotations.get("runbook_url"));
      if (previous != null) {
        assertThat(rule.annotations.get("runbook_url")).as(rule.toString()).isEqualTo(previous);
      }
      assertThat(ids.put(rule.id() + rule.expr.contains("critical=\"false\""), rule.toString()))
          .as("two rules with the same name and severity: %s", rule).isNull();
    }
  }

  @Test
  void ruleGroupNamesAreUniqueAcrossFiles() {
    Map<String, String> groups = new HashMap<>();
    for (RuleFiles.Rule rule : RuleFiles.shipped()) {
      String file = rule.file.getFileName().toString();
      String previous = groups.putIfAbsent(rule.group, file);
      assertThat(previous == null || previous.equals(file))
          .as("group %s is in %s and %s", rule.group, previous, file).isTrue();
    }
  }
}
