package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Promtool;
import com.englog.observability.testsupport.ToolRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Grafana dashboards (the checks grafana/dashboard-linter makes, which is not packaged for
 * Debian, plus the metric contract): valid JSON, unique uids, no import-only {@code __inputs}, one
 * {@code datasource} variable that every panel and query uses, a query and a unit on every panel,
 * {@code $__rate_interval} in every rate, exemplars on the library's latency histograms, a pinned
 * schemaVersion, and every query valid PromQL over catalog metrics.
 */
class DashboardTest {

  static final int SCHEMA_VERSION = 39;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?");
  private static final Pattern RANGE_FUNCTION =
      Pattern.compile("\\b(rate|irate|increase)\\(([^\\[]*)\\[([^\\]]+)\\]");
  static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?, *([a-zA-Z_][a-zA-Z0-9_]*)\\)");

  private final Map<Path, JsonNode> dashboards = load();

  @Test
  void dashboardsAreValidJsonWithUniqueUidsAndPinnedSchema() {
    assertThat(dashboards).hasSize(6);
    Set<String> uids = new HashSet<>();
    Set<String> titles = new HashSet<>();
    dashboards.forEach((file, d) -> {
      String uid = d.path("uid").asText();
      assertThat(uids.add(uid)).as("unique uid " + uid).isTrue();
      assertThat(titles.add(d.path("title").asText())).as("unique title in " + file).isTrue();
      assertThat(file.getFileName().toString()).isEqualTo(uid + ".json");
      assertThat(uid).matches("[a-z0-9-]{1,40}");
      assertThat(d.path("schemaVersion").asInt()).as(file + " schemaVersion").isEqualTo(SCHEMA_VERSION);
      assertThat(d.has("__inputs")).as(file + ": __inputs only work in the UI import flow").isFalse();
      assertThat(d.has("__requires")).as(file + ": export artefact").isFalse();
      assertThat(d.has("id") && !d.path("id").isNull()).as(file + ": no fixed id").isFalse();
      assertThat(d.path("tags").toString()).contains("\"englog\"");
    });
  }

  @Test
  void oneDatasourceVariableDrivesEveryPanelAndQuery() {
    List<String> problems = new ArrayList<>();
    dashboards.forEach((file, d) -> {
      List<JsonNode> datasourceVars = new ArrayList<>();
      for (JsonNode v : d.path("templating").path("list")) {
        if (v.path("type").asText().equals("datasource")) {
          datasourceVars.add(v);
        } else if (v.path("type").asText().equals("query")) {
          checkDatasource(file + " variable " + v.path("name").asText(), v.path("datasource"), problems);
        }
      }
      assertThat(datasourceVars).as(file + " datasource variables").hasSize(1);
      assertThat(datasourceVars.get(0).path("name").asText()).isEqualTo("datasource");
      assertThat(datasourceVars.get(0).path("query").asText()).isEqualTo("prometheus");
      assertThat(datasourceVars.get(0).path("current").path("value").asText()).isEqualTo("englog-prometheus");
      for (JsonNode panel : panels(d)) {
        String where = file.getFileName() + " panel \"" + panel.path("title").asText() + "\"";
        checkDatasource(where, panel.path("datasource"), problems);
        for (JsonNode t : panel.path("targets")) {
          checkDatasource(where + " target " + t.path("refId").asText(), t.path("datasource"), problems);
        }
      }
      for (JsonNode a : d.path("annotations").path("list")) {
        if (a.has("expr")) {
          checkDatasource(file + " annotation " + a.path("name").asText(), a.path("datasource"), problems);
        }
      }
    });
    assertThat(problems).isEmpty();
  }

  @Test
  void everyPanelHasATitleDescriptionQueryAndUnit() {
    List<String> problems = new ArrayList<>();
    dashboards.forEach((file, d) -> {
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : allPanels(d)) {
        assertThat(ids.add(panel.path("id").asInt())).as(file + " unique panel id").isTrue();
        assertThat(panel.has("gridPos")).as(file + " gridPos").isTrue();
      }
      for (JsonNode panel : panels(d)) {
        String where = file.getFileName() + " panel " + panel.path("id").asInt();
        if (panel.path("title").asText().isBlank()) {
          problems.add(where + ": no title");
        }
        if (panel.path("description").asText().isBlank()) {
          problems.add(where + ": no description");
        }
        if (panel.path("fieldConfig").path("defaults").path("unit").asText().isBlank()) {
          problems.add(where + ": no unit");
        }
        if (panel.path("targets").size() == 0) {
          problems.add(where + ": no query");
        }
        for (JsonNode t : panel.path("targets")) {
          if (t.path("expr").asText().isBlank()) {
            problems.add(where + " target " + t.path("refId").asText() + ": empty query");
          }
        }
      }
    });
    assertThat(problems).isEmpty();
  }

  @Test
  void ratesUseRateIntervalAndLatencyHistogramsShowExemplars() {
    List<String> problems = new ArrayList<>();
    dashboards.forEach((file, d) -> {
      for (JsonNode panel : panels(d)) {
        for (JsonNode t : panel.path("targets")) {
          String expr = t.path("expr").asText();
          String where = file.getFileName() + " \"" + panel.path("title").asText() + "\" " + t.path("refId").asText();
          Matcher m = RANGE_FUNCTION.matcher(expr);
          while (m.find()) {
            if (!m.group(3).equals("$__rate_interval")) {
              problems.add(where + ": " + m.group(1) + "(…[" + m.group(3) + "]) instead of [$__rate_interval]");
            }
          }
          if (panel.path("type").asText().equals("timeseries")
              && expr.contains("histogram_quantile(0.95") && expr.matches("(?s).*englog_(http|ai|database)_[a-z_]+_bucket.*")
              && !t.path("exemplar").asBoolean()) {
            problems.add(where + ": a p95 graph of a library histogram without exemplars");
          }
        }
      }
    });
    assertThat(problems).isEmpty();
    long exemplarTargets = dashboards.values().stream().flatMap(d -> panels(d).stream())
        .flatMap(p -> iterable(p.path("targets")).stream()).filter(t -> t.path("exemplar").asBoolean()).count();
    assertThat(exemplarTargets).isGreaterThanOrEqualTo(6);
  }

  @Test
  void everyQueryUsesCatalogMetricsCorrectly() {
    MetricCatalog catalog = MetricCatalog.load();
    QueryChecker checker = QueryChecker.forRules(catalog, RuleFiles.shipped());
    List<String> problems = new ArrayList<>();
    queries().forEach((where, query) -> {
      for (String p : checker.check(substitute(query))) {
        problems.add(where + ": " + p);
      }
    });
    dashboards.forEach((file, d) -> {
      for (JsonNode v : d.path("templating").path("list")) {
        if (!v.path("type").asText().equals("query")) {
          continue;
        }
        Matcher m = LABEL_VALUES.matcher(v.path("query").path("query").asText());
        if (!m.matches()) {
          problems.add(file + " variable " + v.path("name").asText() + " is not label_values(metric, label)");
          continue;
        }
        MetricCatalog.Series s = catalog.resolve(m.group(1));
        QueryChecker.Labels recorded = checker.recordedLabels(m.group(1));
        Set<String> labels = s != null ? s.labels : recorded != null ? recorded.names : null;
        if (labels == null || !labels.contains(m.group(3))) {
          problems.add(file + " variable " + v.path("name").asText() + ": " + m.group(1)
              + " has no label " + m.group(3));
        }
      }
    });
    assertThat(problems).isEmpty();
  }

  @Test
  void everyQueryParsesForPromtool(@TempDir Path dir) throws IOException {
    // promtool 2.42 has no query parser command: the substituted queries become recording rules.
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
    int i = 0;
    for (Map.Entry<String, String> q : queries().entrySet()) {
      rules.append("      - record: dashboard:query:").append(i++).append('\n')
          .append("        expr: ").append(JSON.writeValueAsString(substitute(q.getValue()))).append('\n');
    }
    Path file = Files.writeString(dir.resolve("dashboard-queries.yml"), rules.toString());
    ToolRun run = Promtool.checkRules(file);
    assertThat(run.exitCode()).as(run.describe()).isZero();
    assertThat(run.stdout()).contains("SUCCESS: " + i + " rules found");
  }

  @Test
  void requestRatePanelsPlotOnlyRequestCounters() {
    // A "reqps" axis says every line counts requests; anything else needs its own panel and unit.
    Map<String, String> help = new TreeMap<>();
    for (JsonNode catalogFile : MetricCatalog.resources(MetricCatalog.CATALOG_DIR).values()) {
      for (JsonNode m : catalogFile) {
        help.put(m.path("name").asText(), m.path("help").asText());
      }
    }
    MetricCatalog catalog = MetricCatalog.load();
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<Path, JsonNode> d : dashboards.entrySet()) {
      for (JsonNode panel : panels(d.getValue())) {
        if (!panel.path("fieldConfig").path("defaults").path("unit").asText().equals("reqps")) {
          continue;
        }
        for (JsonNode t : panel.path("targets")) {
          for (PromQl.Node n : PromQl.walk(PromQl.parse(substitute(t.path("expr").asText())))) {
            if (!(n instanceof PromQl.Selector)) {
              continue;
            }
            String series = ((PromQl.Selector) n).name;
            MetricCatalog.Series s = catalog.resolve(series);
            String family = s != null ? s.metric.name : series;
            String text = help.getOrDefault(family, family);
            checked++;
            if (!text.toLowerCase(Locale.ROOT).contains("request")) {
              problems.add(d.getKey().getFileName() + " \"" + panel.path("title").asText() + "\" "
                  + t.path("refId").asText() + ": " + series + " does not count requests (" + text + ")");
            }
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(3);
    assertThat(problems).isEmpty();
  }

  @Test
  void everyAlertLinksToAShippedDashboard() {
    Set<String> uids = new TreeSet<>();
    dashboards.values().forEach(d -> uids.add(d.path("uid").asText()));
    for (RuleFiles.Rule rule : RuleFiles.alerts()) {
      String url = rule.annotations.get("dashboard_url");
      assertThat(url).as(rule.toString()).startsWith("https://grafana.englog.com/d/");
      assertThat(uids).as(rule + " dashboard").contains(url.substring(url.lastIndexOf('/') + 1));
    }
  }

  /**
   * A panel that shows what an alert measures turns red where the alert fires, so the on-call engineer
   * who follows the alert's dashboard link sees the same line (dashboard uid, panel title, alert).
   */
  @Test
  void panelsTurnRedAtTheThresholdOfTheirAlert() {
    List<List<String>> pairs = List.of(
        List.of("englog-overview", "Response time P95", "HighResponseTime"),
        List.of("englog-overview", "Error rate", "HighErrorRate"),
        List.of("englog-ai", "Failure ratio", "AIProcessingFailures"),
        List.of("englog-ai", "Processing time P50 / P95", "SlowAIProcessing"),
        List.of("englog-infrastructure", "GC pause time", "JvmGcTimeHigh"));
    for (List<String> pair : pairs) {
      JsonNode dashboard = dashboards.get(Assets.DASHBOARDS.resolve(pair.get(0) + ".json"));
      JsonNode panel = panels(dashboard).stream()
          .filter(p -> p.path("title").asText().equals(pair.get(1))).findFirst()
          .orElseThrow(() -> new AssertionError(pair + ": no such panel"));
      double red = Double.NEGATIVE_INFINITY;
      for (JsonNode step : panel.path("fieldConfig").path("defaults").path("thresholds").path("steps")) {
        if (step.path("color").asText().equals("red")) {
          red = step.path("value").asDouble();
        }
      }
      RuleFiles.Rule alert = RuleFiles.alert(pair.get(2));
      assertThat(red).as("%s: red step of the panel against %s", pair, alert.expr)
          .isEqualTo(threshold(alert.expr));
    }
  }

  /** The number the first comparison of {@code expr} compares with. */
  private static double threshold(String expr) {
    for (PromQl.Node n : PromQl.walk(PromQl.parse(expr))) {
      if (n instanceof PromQl.Binary && ((PromQl.Binary) n).isComparison()
          && PromQl.unwrap(((PromQl.Binary) n).rhs) instanceof PromQl.NumberLiteral) {
        return ((PromQl.NumberLiteral) PromQl.unwrap(((PromQl.Binary) n).rhs)).value;
      }
    }
    throw new AssertionError("no threshold in " + expr);
  }

  @Test
  void provisioningNamesTheUidsTheDashboardsUseAndLinksExemplarsToJaeger() {
    Map<String, Object> ds = Assets.yamlMap(Assets.ROOT.resolve("grafana/provisioning/datasources/englog.yml"));
    Map<String, Map<String, Object>> byUid = new LinkedHashMap<>();
    for (Object o : Assets.list(ds.get("datasources"))) {
      byUid.put(String.valueOf(Assets.map(o).get("uid")), Assets.map(o));
    }
    assertThat(byUid).containsKeys("englog-prometheus", "englog-jaeger");
    assertThat(byUid.get("englog-prometheus")).containsEntry("type", "prometheus").containsEntry("isDefault", true);
    assertThat(byUid.get("englog-jaeger")).containsEntry("type", "jaeger");
    Map<String, Object> jsonData = Assets.map(byUid.get("englog-prometheus").get("jsonData"));
    Map<String, Object> destination = Assets.map(Assets.list(jsonData.get("exemplarTraceIdDestinations")).get(0));
    assertThat(destination).containsEntry("name", "trace_id").containsEntry("datasourceUid", "englog-jaeger");
    assertThat(String.valueOf(Assets.map(byUid.get("englog-prometheus").get("secureJsonData")).get("basicAuthPassword")))
        .startsWith("$__file{");

    Map<String, Object> providers = Assets.yamlMap(Assets.ROOT.resolve("grafana/provisioning/dashboards/englog.yml"));
    Map<String, Object> provider = Assets.map(Assets.list(providers.get("providers")).get(0));
    assertThat(provider).containsEntry("type", "file").containsEntry("allowUiUpdates", false);
    assertThat(Assets.map(provider.get("options"))).containsEntry("path", "/var/lib/grafana/dashboards");
  }

  private Map<String, String> queries() {
    return queries(dashboards);
  }

  /** "file panel ref" → expression, for every target, variable-free annotation query included. */
  static Map<String, String> queries(Map<Path, JsonNode> dashboards) {
    Map<String, String> out = new LinkedHashMap<>();
    dashboards.forEach((file, d) -> {
      for (JsonNode panel : panels(d)) {
        for (JsonNode t : panel.path("targets")) {
          out.put(file.getFileName() + " \"" + panel.path("title").asText() + "\" " + t.path("refId").asText(),
              t.path("expr").asText());
        }
      }
      for (JsonNode a : d.path("annotations").path("list")) {
        if (a.has("expr")) {
          out.put(file.getFileName() + " annotation " + a.path("name").asText(), a.path("expr").asText());
        }
      }
    });
    return out;
  }

  /** Grafana's variables replaced by values PromQL accepts. */
  static String substitute(String query) {
    Matcher m = VARIABLE.matcher(query);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = name.equals("__rate_interval") || name.equals("__interval") || name.equals("__range")
          ? "5m" : ".+";
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static void checkDatasource(String where, JsonNode ds, List<String> problems) {
    if (!ds.path("type").asText().equals("prometheus") || !ds.path("uid").asText().equals("${datasource}")) {
      problems.add(where + ": datasource must be {type: prometheus, uid: ${datasource}}, got " + ds);
    }
  }

  /** Panels that show data (rows excluded), including those nested in collapsed rows. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : allPanels(dashboard)) {
      if (!p.path("type").asText().equals("row")) {
        out.add(p);
      }
    }
    return out;
  }

  static List<JsonNode> allPanels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      out.add(p);
      for (JsonNode nested : p.path("panels")) {
        out.add(nested);
      }
    }
    return out;
  }

  private static List<JsonNode> iterable(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  /** Every shipped dashboard, parsed. */
  static Map<Path, JsonNode> load() {
    Map<Path, JsonNode> out = new LinkedHashMap<>();
    for (Path f : Assets.dashboards()) {
      try {
        out.put(f, JSON.readTree(f.toFile()));
      } catch (IOException e) {
        throw new AssertionError(f + " is not valid JSON: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
