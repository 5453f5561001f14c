package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric and label a shipped rule uses exists in a metric catalog on the test classpath (the
 * library's own, or a declared exporter list), with the right type; every label an annotation
 * template prints is one the alert's result has.
 */
class MetricContractTest {

  private static final Pattern TEMPLATE_LABEL = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");

  private final MetricCatalog catalog = MetricCatalog.load();
  private final List<RuleFiles.Rule> rules = RuleFiles.shipped();
  private final QueryChecker checker = QueryChecker.forRules(catalog, rules);

  @Test
  void theLibraryCatalogsAreOnTheTestClasspath() {
    assertThat(catalog.sources())
        .anyMatch(s -> s.endsWith("englog-metrics.json"))
        .anyMatch(s -> s.endsWith("englog-health.json"))
        .anyMatch(s -> s.endsWith("englog-logging.json"))
        .anyMatch(s -> s.endsWith("englog-servlet-filters.json"));
    assertThat(catalog.metrics()).containsKeys("englog_http_requests_total", "englog_health_status",
        "englog_logging_events_dropped_total", "englog_http_correlation_ids_replaced_total",
        "node_cpu_seconds_total", "pg_up", "redis_up", "probe_success");
  }

  @Test
  void everyRuleUsesOnlyCatalogMetricsAndLabelsWithTheRightTypes() {
    List<String> problems = new ArrayList<>();
    for (RuleFiles.Rule rule : rules) {
      for (String p : checker.check(rule.expr)) {
        problems.add(rule + ": " + p);
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyLabelAnAnnotationPrintsIsOnTheAlert() {
    List<String> problems = new ArrayList<>();
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      QueryChecker.Labels labels = checker.labelsOf(rule.expr);
      assertThat(labels.known()).as("labels of %s are inferred", rule).isTrue();
      for (Map.Entry<String, String> a : rule.annotations.entrySet()) {
        Matcher m = TEMPLATE_LABEL.matcher(a.getValue());
        while (m.find()) {
          String label = m.group(1);
          if (!labels.names.contains(label) && !rule.labels.containsKey(label)) {
            problems.add(rule + ": annotation " + a.getKey() + " prints $labels." + label
                + ", but the alert only has " + labels + " and " + rule.labels.keySet());
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everySloRecordingRuleOfTheContractIsProducedWithItsLabel() {
    for (String w : List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d", "7d", "30d")) {
      assertThat(checker.recordedLabels("englog:slo_sli_error:ratio_rate" + w))
          .as("englog:slo_sli_error:ratio_rate%s", w).isNotNull()
          .satisfies(l -> assertThat(l.names).containsExactly("slo"));
    }
    assertThat(checker.recordedLabels("englog:slo_objective:ratio").names).containsExactly("slo");
    assertThat(checker.recordedLabels("englog:slo_error_budget_remaining:ratio").names)
        .containsExactly("slo");
    for (String w : List.of("1h", "1d", "7d", "30d")) {
      assertThat(checker.recordedLabels("englog:dependency_availability:ratio_avg" + w).names)
          .as("englog:dependency_availability:ratio_avg%s", w).containsExactly("component");
    }
  }
}
