package com.englog.observability.healthcheck.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Not public API. The SLA report for a window, read from the SLO recording rules of the monitoring
 * assets (their names are fixed in docs/design.md): per SLO the objective, the attainment over the
 * window (1 − error ratio) and the error budget left; per dependency the share of time its health was
 * UP or DEGRADED.
 */
public final class SlaReport {

  /** Window as the user types it → suffix of the recording rules. */
  public static final Map<String, String> WINDOWS = Map.of("1h", "1h", "24h", "1d", "7d", "7d", "30d", "30d");

  private SlaReport() {}

  public static List<CheckOutcome> run(PrometheusClient prometheus, String window, double dependencyObjective,
      Duration timeout) throws IOException, InterruptedException {
    String suffix = WINDOWS.get(window);
    Map<String, PrometheusClient.Sample> objectives = bySeries(prometheus.query("englog:slo_objective:ratio", timeout));
    Map<String, PrometheusClient.Sample> errors = bySeries(
        prometheus.query("englog:slo_sli_error:ratio_rate" + suffix, timeout));
    Map<String, PrometheusClient.Sample> budgets = bySeries(
        prometheus.query("englog:slo_error_budget_remaining:ratio", timeout));
    Map<String, PrometheusClient.Sample> deps = bySeries(
        prometheus.query("englog:dependency_availability:ratio_avg" + suffix, timeout));

    List<CheckOutcome> outcomes = new ArrayList<>();
    if (objectives.isEmpty() && errors.isEmpty()) {
      outcomes.add(new CheckOutcome("slo", "SLO series", CheckOutcome.Result.FAIL,
          "no data: englog:slo_objective:ratio and englog:slo_sli_error:ratio_rate" + suffix
              + " are empty; are the englog SLO recording rules loaded?", Map.of()));
    }
    Map<String, Boolean> keys = new LinkedHashMap<>();
    objectives.keySet().forEach(k -> keys.put(k, true));
    errors.keySet().forEach(k -> keys.put(k, true));
    for (String key : keys.keySet()) {
      PrometheusClient.Sample objective = objectives.get(key);
      PrometheusClient.Sample error = errors.get(key);
      PrometheusClient.Sample budget = budgets.get(key);
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("window", window);
      data.put("objective", objective == null ? null : objective.value);
      data.put("attainment", error == null || Double.isNaN(error.value) ? null : 1 - error.value);
      data.put("errorBudgetRemaining", budget == null || Double.isNaN(budget.value) ? null : budget.value);
      if (objective == null) {
        outcomes.add(new CheckOutcome("slo", key, CheckOutcome.Result.FAIL,
            "no objective (englog:slo_objective:ratio has no series for it)", data));
      } else if (error == null || Double.isNaN(error.value)) {
        outcomes.add(new CheckOutcome("slo", key, CheckOutcome.Result.FAIL,
            "no data for the " + window + " window (objective " + Numbers.percent(objective.value) + ")", data));
      } else {
        double attainment = 1 - error.value;
        boolean met = attainment >= objective.value;
        boolean budgetLeft = budget == null || Double.isNaN(budget.value) || budget.value >= 0;
        String budgetText = budget == null || Double.isNaN(budget.value) ? "error budget unknown"
            : "error budget left (30d) " + Numbers.percent(budget.value);
        outcomes.add(new CheckOutcome("slo", key, met && budgetLeft ? CheckOutcome.Result.PASS : CheckOutcome.Result.FAIL,
            Numbers.percent(attainment) + (met ? " >= " : " < ") + "objective " + Numbers.percent(objective.value)
                + " over " + window + "; " + budgetText, data));
      }
    }
    for (Map.Entry<String, PrometheusClient.Sample> d : deps.entrySet()) {
      double availability = d.getValue().value;
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("window", window);
      data.put("availability", Double.isNaN(availability) ? null : availability);
      data.put("objective", dependencyObjective);
      boolean ok = !Double.isNaN(availability) && availability >= dependencyObjective;
      outcomes.add(new CheckOutcome("dependency", d.getKey(), ok ? CheckOutcome.Result.PASS : CheckOutcome.Result.FAIL,
          Numbers.percent(availability) + " available over " + window + (ok ? " >= " : " < ")
              + Numbers.percent(dependencyObjective), data));
    }
    return outcomes;
  }

  /** Series keyed by their identity: the {@code slo} or {@code component} label plus any others. */
  private static Map<String, PrometheusClient.Sample> bySeries(List<PrometheusClient.Sample> samples) {
    Map<String, PrometheusClient.Sample> map = new TreeMap<>();
    for (PrometheusClient.Sample s : samples) {
      Map<String, String> rest = new TreeMap<>(s.labels);
      rest.remove("__name__");
      String main = rest.containsKey("slo") ? rest.remove("slo") : rest.containsKey("component")
          ? rest.remove("component") : "";
      StringBuilder key = new StringBuilder(main);
      if (!rest.isEmpty()) {
        key.append(' ').append(rest);
      }
      map.put(key.toString(), s);
    }
    return map;
  }
}
