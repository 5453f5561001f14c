package com.englog.observability.healthcheck.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

  /**
   * Reads the series for {@code window} and returns one line per SLO and per dependency. Missing data
   * follows the CLI's rule for checks: a line that has no data fails unless {@code passOnNoData}
   * ({@code sla.onNoData: pass}), and it is always printed, never left out: a dependency that the
   * services report ({@code englog_health_status}) but that has no availability for the window gets a
   * line of its own.
   */
  public static List<CheckOutcome> run(PrometheusClient prometheus, String window, double dependencyObjective,
      boolean passOnNoData, Duration timeout) throws IOException, InterruptedException {
    String suffix = WINDOWS.get(window);
    String errorSeries = "englog:slo_sli_error:ratio_rate" + suffix;
    String budgetSeries = "englog:slo_error_budget_remaining:ratio";
    String dependencySeries = "englog:dependency_availability:ratio_avg" + suffix;
    Map<String, PrometheusClient.Sample> objectives = bySeries(prometheus.query("englog:slo_objective:ratio", timeout));
    Map<String, PrometheusClient.Sample> errors = bySeries(prometheus.query(errorSeries, timeout));
    Map<String, PrometheusClient.Sample> budgets = bySeries(prometheus.query(budgetSeries, timeout));
    Map<String, PrometheusClient.Sample> deps = bySeries(prometheus.query(dependencySeries, timeout));
    // The dependencies the services report now, so that one missing from the window's series is named.
    Map<String, PrometheusClient.Sample> reported = bySeries(
        prometheus.query("count by (component) (englog_health_status)", timeout));

    List<CheckOutcome> outcomes = new ArrayList<>();
    if (objectives.isEmpty() && errors.isEmpty()) {
      outcomes.add(noData("slo", "SLO series", "englog:slo_objective:ratio and " + errorSeries
          + " are empty; are the englog SLO recording rules loaded?", passOnNoData, Map.of("window", window)));
    }
    Map<String, Boolean> keys = new LinkedHashMap<>();
    objectives.keySet().forEach(k -> keys.put(k, true));
    errors.keySet().forEach(k -> keys.put(k, true));
    for (String key : keys.keySet()) {
      PrometheusClient.Sample objective = objectives.get(key);
      PrometheusClient.Sample error = errors.get(key);
      PrometheusClient.Sample budget = budgets.get(key);
      boolean noBudget = budget == null || Double.isNaN(budget.value);
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("window", window);
      data.put("objective", objective == null ? null : objective.value);
      data.put("attainment", error == null || Double.isNaN(error.value) ? null : 1 - error.value);
      data.put("error_budget_remaining", noBudget ? null : budget.value);
      if (objective == null) {
        outcomes.add(noData("slo", key, "englog:slo_objective:ratio has no series for it", passOnNoData, data));
      } else if (error == null || Double.isNaN(error.value)) {
        outcomes.add(noData("slo", key, "no events in the " + window + " window (" + errorSeries
            + " has no value; objective " + Numbers.percent(objective.value) + ")", passOnNoData, data));
      } else {
        double attainment = 1 - error.value;
        boolean met = attainment >= objective.value;
        String head = Numbers.percent(attainment) + (met ? " >= " : " < ") + "objective "
            + Numbers.percent(objective.value) + " over " + window + "; ";
        if (noBudget) {
          // A missed objective fails whatever onNoData says; only the unknown budget may be allowed.
          boolean pass = met && passOnNoData;
          outcomes.add(new CheckOutcome("slo", key, pass ? CheckOutcome.Result.PASS : CheckOutcome.Result.FAIL,
              head + "no data for the error budget (" + budgetSeries + " has no series for it)"
                  + (pass ? CheckOutcome.ALLOWED_NO_DATA : ""), data));
        } else {
          boolean budgetLeft = budget.value >= 0;
          outcomes.add(new CheckOutcome("slo", key,
              met && budgetLeft ? CheckOutcome.Result.PASS : CheckOutcome.Result.FAIL,
              head + "error budget left (30d) " + Numbers.percent(budget.value), data));
        }
      }
    }
    Set<String> dependencies = new TreeSet<>(deps.keySet());
    dependencies.addAll(reported.keySet());
    if (dependencies.isEmpty()) {
      outcomes.add(noData("dependency", "Dependencies", dependencySeries + " and englog_health_status are empty;"
          + " do the services publish englog-health's status gauge, and are the englog SLO recording rules loaded?",
          passOnNoData, Map.of("window", window)));
    }
    for (String dependency : dependencies) {
      PrometheusClient.Sample sample = deps.get(dependency);
      double availability = sample == null ? Double.NaN : sample.value;
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("window", window);
      data.put("availability", Double.isNaN(availability) ? null : availability);
      data.put("objective", dependencyObjective);
      if (Double.isNaN(availability)) {
        outcomes.add(noData("dependency", dependency, "no availability over " + window + " (" + dependencySeries
            + (sample == null ? " has no series for it, although englog_health_status reports it)" : " is NaN)"), passOnNoData, data));
        continue;
      }
      boolean ok = availability >= dependencyObjective;
      outcomes.add(new CheckOutcome("dependency", dependency, ok ? CheckOutcome.Result.PASS : CheckOutcome.Result.FAIL,
          Numbers.percent(availability) + " available over " + window + (ok ? " >= " : " < ")
              + Numbers.percent(dependencyObjective), data));
    }
    return outcomes;
  }

  private static CheckOutcome noData(String kind, String name, String why, boolean passOnNoData,
      Map<String, Object> data) {
    return new CheckOutcome(kind, name, passOnNoData ? CheckOutcome.Result.PASS : CheckOutcome.Result.FAIL,
        CheckOutcome.noDataReason(why, passOnNoData), data);
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
