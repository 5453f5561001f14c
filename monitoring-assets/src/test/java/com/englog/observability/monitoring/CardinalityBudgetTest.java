package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.metrics.EnglogMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The cardinality budget (anchors §4.9): the series one instance of an EngLog service can expose,
 * computed from the metric catalogs on the test classpath: closed labels count their values, open
 * labels count the bound declared in {@code cardinality-budget.json}, and englog-metrics' guard caps
 * every {@code englog_*} metric of its catalog at the label sets its default cardinality limit
 * ({@link EnglogMetrics#DEFAULT_CARDINALITY_LIMITS}, in exposed series) allows. Opt-in labels are left
 * out: the budget is that of a service with the defaults. A new label, bucket or metric that pushes the
 * total over the documented budget fails here, before it costs memory in every Prometheus.
 */
class CardinalityBudgetTest {

  private static final String ENGLOG_METRICS_CATALOG = "englog-metrics.json";

  @Test
  void oneInstanceStaysWithinTheSeriesBudget() {
    JsonNode budget = budget();
    long limit = budget.path("budget_per_instance").asLong();
    Map<String, Long> series = seriesPerMetric(budget);
    long total = series.values().stream().mapToLong(Long::longValue).sum();
    List<Map.Entry<String, Long>> biggest = new ArrayList<>(series.entrySet());
    biggest.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
    assertThat(total)
        .as("series of one instance (largest: %s)", biggest.subList(0, 5))
        .isPositive()
        .isLessThanOrEqualTo(limit);
    // The figures the budget is made of: the HTTP histogram dominates; the guard caps the counter.
    assertThat(series.get("englog_http_request_duration_seconds"))
        .as("10 methods x 100 route templates, capped by the guard at 9,840 / 16 = 615 label sets, "
            + "x (11 buckets + +Inf + _count + _sum)").isEqualTo(615 * 14);
    assertThat(series.get("englog_http_requests_total"))
        .as("10 x 100 x 20 status codes, capped by the guard at 8,360 / 2 label sets")
        .isEqualTo(EnglogMetrics.DEFAULT_CARDINALITY_LIMITS.get("englog_http_requests_total") / 2);
  }

  @Test
  void everyOpenLabelOfEveryCatalogMetricHasADeclaredBound() {
    JsonNode budget = budget();
    List<String> undeclared = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : catalogMetrics().entrySet()) {
      for (JsonNode label : e.getValue().path("labels")) {
        if (!label.has("values") && !label.has("opt_in") && bound(budget, e.getValue().path("name").asText(),
            label.path("name").asText()) == null) {
          undeclared.add(e.getValue().path("name").asText() + "{" + label.path("name").asText() + "}");
        }
      }
    }
    assertThat(undeclared).as("open labels without a bound in cardinality-budget.json").isEmpty();
  }

  @Test
  void theDocsStateTheBudgetTheTestEnforces() {
    long limit = budget().path("budget_per_instance").asLong();
    String docs = Assets.read(Assets.MODULE.resolve("../docs/monitoring-assets.md").normalize());
    assertThat(docs).contains("## Cardinality budget")
        .contains(String.format(Locale.ROOT, "%,d", limit));
  }

  /** Exposed series per catalog metric name, at the declared bounds. */
  static Map<String, Long> seriesPerMetric(JsonNode budget) {
    Map<String, Long> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : catalogMetrics().entrySet()) {
      JsonNode m = e.getValue();
      String name = m.path("name").asText();
      long labelSets = 1;
      for (JsonNode label : m.path("labels")) {
        if (label.has("opt_in")) {
          continue;
        }
        Long values = label.has("values") ? Long.valueOf(label.path("values").size())
            : bound(budget, name, label.path("name").asText());
        labelSets *= values == null ? 1 : values;
      }
      if (e.getKey().contains(ENGLOG_METRICS_CATALOG + "!") && name.startsWith("englog_")) {
        labelSets = Math.min(labelSets, guardedLabelSets(name, m));
      }
      long perLabelSet;
      switch (m.path("type").asText()) {
        case "histogram":
          perLabelSet = m.path("buckets").size() + 3L;
          break;
        case "summary":
          perLabelSet = 2;
          break;
        default:
          perLabelSet = 1;
      }
      out.put(name, labelSets * perLabelSet);
    }
    return out;
  }

  /**
   * The label sets englog-metrics' default cardinality limit allows a metric: the limit counts exposed
   * series, 2 per counter label set ({@code _total}, {@code _created}), 1 per gauge, and per histogram
   * label set its buckets + 5 ({@code +Inf}, {@code _count}, {@code _sum}, {@code _created},
   * {@code _max}, whose gauge shares the histogram's limit).
   */
  private static long guardedLabelSets(String name, JsonNode m) {
    Integer limit = EnglogMetrics.DEFAULT_CARDINALITY_LIMITS.get(name);
    String histogram = name;
    if (limit == null && name.endsWith("_max")) {
      histogram = name.substring(0, name.length() - "_max".length());
      limit = EnglogMetrics.DEFAULT_CARDINALITY_LIMITS.get(histogram);
    }
    if (limit == null) {
      return Long.MAX_VALUE; // the guard's own counters, one label set per guarded metric
    }
    String base = histogram;
    JsonNode h = histogram.equals(name) ? m : catalogMetrics().entrySet().stream()
        .filter(e -> e.getKey().endsWith("!" + base)).map(Map.Entry::getValue).findFirst()
        .orElseThrow();
    switch (h.path("type").asText()) {
      case "histogram":
        return limit / (h.path("buckets").size() + 5L);
      case "counter":
        return limit / 2;
      default:
        return limit;
    }
  }

  private static Long bound(JsonNode budget, String metric, String label) {
    JsonNode specific = budget.path("metric_label_bounds").path(metric + "." + label);
    if (!specific.isMissingNode()) {
      return specific.asLong();
    }
    JsonNode general = budget.path("open_label_bounds").path(label);
    return general.isMissingNode() ? null : general.asLong();
  }

  /** "catalog!name" → the catalog entry, for the library catalogs (exporters are not the service's). */
  private static Map<String, JsonNode> catalogMetrics() {
    Map<String, JsonNode> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : MetricCatalog.resources(MetricCatalog.CATALOG_DIR).entrySet()) {
      for (JsonNode m : e.getValue()) {
        out.put(e.getKey() + "!" + m.path("name").asText(), m);
      }
    }
    assertThat(out.keySet()).anyMatch(k -> k.contains(ENGLOG_METRICS_CATALOG));
    return out;
  }

  private static JsonNode budget() {
    return Assets.jsonResource("cardinality-budget.json");
  }
}
