package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.monitoring.PromQl.Node;
import com.englog.observability.monitoring.PromQl.Selector;
import com.englog.observability.testsupport.AlertmanagerServer;
import com.englog.observability.testsupport.ExporterServer;
import com.englog.observability.testsupport.Exposition;
import com.englog.observability.testsupport.ExternalTool;
import com.englog.observability.testsupport.HttpRecorder;
import com.englog.observability.testsupport.PostgresServer;
import com.englog.observability.testsupport.PrometheusServer;
import com.englog.observability.testsupport.RedisServer;
import com.englog.observability.testsupport.SelfSignedCertificate;
import com.englog.observability.testsupport.TestEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The exporter metric lists the rules are checked against ({@code src/test/resources/exporters/}) are
 * hand-written; here the real exporters from Debian (node, blackbox, postgres, redis) and Prometheus and
 * Alertmanager themselves run on loopback, and every metric a shipped rule or dashboard uses from them
 * must really be exposed, with the declared type, exactly the declared labels, and label values inside a
 * declared closed set. cAdvisor (not packaged for Debian 12) and nginx-prometheus-exporter (needs a
 * running nginx) keep their hand-written lists.
 */
class ExporterMetricsIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void nodeExporterExposesWhatTheRulesUse() {
    try (ExporterServer node = ExporterServer.builder(ExternalTool.NODE_EXPORTER).start()) {
      assertMatchesDeclaredList("node.json", node.scrape());
    }
  }

  @Test
  void redisExporterExposesWhatTheRulesUse() {
    try (RedisServer redis = RedisServer.start();
         ExporterServer exporter = ExporterServer.builder(ExternalTool.REDIS_EXPORTER)
             .flag("--redis.addr=redis://127.0.0.1:" + redis.port()).start()) {
      String text = exporter.scrape();
      assertThat(text).as("the exporter reached Redis").contains("\nredis_up 1\n");
      assertMatchesDeclaredList("redis.json", text);
    }
  }

  @Test
  void postgresExporterExposesWhatTheRulesUse() {
    try (PostgresServer postgres = PostgresServer.start();
         ExporterServer exporter = ExporterServer.builder(ExternalTool.POSTGRES_EXPORTER)
             .environment("DATA_SOURCE_NAME", "postgresql://" + postgres.user() + "@127.0.0.1:"
                 + postgres.port() + "/postgres?sslmode=disable")
             .start()) {
      String text = exporter.scrape();
      assertThat(text).as("the exporter reached PostgreSQL").contains("\npg_up 1\n");
      assertMatchesDeclaredList("postgres.json", text);
    }
  }

  @Test
  void blackboxExporterProbingATlsEndpointExposesWhatTheRulesUse() throws IOException {
    Path dir = TestEnvironment.scratchDirectory("blackbox-config");
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir, "127.0.0.1");
    // The shipped modules, with the test endpoint's certificate trusted by http_2xx.
    String config = Assets.read(Assets.ROOT.resolve("blackbox/blackbox.yml")).replace(
        "      fail_if_not_ssl: false\n",
        "      fail_if_not_ssl: false\n      tls_config:\n        ca_file: " + certificate.certificatePem() + "\n");
    assertThat(config).contains("ca_file");
    Path configFile = Files.writeString(dir.resolve("blackbox.yml"), config);
    try (HttpRecorder endpoint = HttpRecorder.startHttps(certificate.serverContext(null), false)
            .respondWith(200, "{\"status\":\"UP\"}");
        ExporterServer blackbox = ExporterServer.builder(ExternalTool.BLACKBOX_EXPORTER)
            .flag("--config.file=" + configFile).start()) {
      String target = endpoint.uri("/health").toString();
      String text = blackbox.fetch("/probe?module=http_2xx&target="
          + URLEncoder.encode(target, StandardCharsets.UTF_8));
      assertThat(text).as("the probe succeeded").contains("\nprobe_success 1\n");
      assertMatchesDeclaredList("blackbox.json", text);
    }
  }

  @Test
  void prometheusExposesWhatTheRulesUseAboutItself() throws IOException {
    Path dir = TestEnvironment.scratchDirectory("prometheus-self");
    Path rules = Files.writeString(dir.resolve("rules.yml"), "groups:\n  - name: demo\n    rules:\n"
        + "      - record: demo:vector:one\n        expr: vector(1)\n");
    // An Alertmanager nobody answers at: the notifier's per-Alertmanager series exist all the same.
    String config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        + "rule_files: [\"" + rules + "\"]\n"
        + "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"127.0.0.1:9\"]\n"
        + "scrape_configs: []\n";
    try (PrometheusServer prometheus = PrometheusServer.builder().configYaml(config).start()) {
      prometheus.awaitQuery("demo:vector:one", r -> r.size() == 1, WAIT);
      assertMatchesDeclaredList("prometheus.json", prometheus.scrape());
    }
  }

  @Test
  void alertmanagerExposesWhatTheRulesUseAboutItself() throws IOException {
    Path dir = TestEnvironment.scratchDirectory("alertmanager-self");
    Path config = Files.writeString(dir.resolve("alertmanager.yml"),
        "route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n");
    try (AlertmanagerServer am = AlertmanagerServer.builder().config(config).start()) {
      assertMatchesDeclaredList("alertmanager.json", am.scrape());
    }
  }

  /**
   * Every metric of {@code list} that a shipped rule or dashboard uses is in {@code exposition} with
   * the declared type and exactly the declared labels; values of a closed label are declared ones.
   */
  private static void assertMatchesDeclaredList(String list, String exposition) {
    JsonNode declared = exporterList(list);
    Set<String> used = usedMetricNames();
    Exposition exposed = Exposition.parse(exposition);
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (JsonNode metric : declared.path("metrics")) {
      String name = metric.path("name").asText();
      if (!used.contains(name)) {
        continue;
      }
      checked++;
      Exposition.Samples samples = exposed.samples(name);
      if (samples == null) {
        problems.add(name + " is not exposed");
        continue;
      }
      String type = metric.path("type").asText();
      if (!samples.type.equals(type)) {
        problems.add(name + " is a " + samples.type + ", declared " + type);
      }
      Map<String, Set<String>> closed = new TreeMap<>();
      Set<String> labels = new TreeSet<>();
      for (JsonNode l : metric.path("labels")) {
        labels.add(l.path("name").asText());
        if (l.has("values")) {
          Set<String> values = new TreeSet<>();
          l.path("values").forEach(v -> values.add(v.asText()));
          closed.put(l.path("name").asText(), values);
        }
      }
      for (Map<String, String> sample : samples.labelSets) {
        if (!sample.keySet().equals(labels)) {
          problems.add(name + " has labels " + sample.keySet() + ", declared " + labels);
          break;
        }
        closed.forEach((label, values) -> {
          if (!values.contains(sample.get(label))) {
            problems.add(name + ": " + label + "=\"" + sample.get(label) + "\" is not one of the declared "
                + values);
          }
        });
      }
    }
    assertThat(checked).as("metrics of %s the assets use", list).isPositive();
    assertThat(problems).as("%s against the real exporter", list).isEmpty();
  }

  /**
   * Series names of every selector in the shipped rules and dashboards (variables included), and in
   * the queries of the runbooks and docs/operations.md.
   */
  static Set<String> usedMetricNames() {
    List<String> queries = new ArrayList<>();
    RuleFiles.shipped().forEach(r -> queries.add(r.expr));
    Map<Path, JsonNode> dashboards = DashboardTest.load();
    DashboardTest.queries(dashboards).values().forEach(q -> queries.add(DashboardTest.substitute(q)));
    // The queries the runbooks and the operations guide tell people to run: RunbookTest checks them
    // against the declared lists, and here the lists are checked against the real programs.
    List<Path> pages = new ArrayList<>(Assets.list(Assets.RUNBOOKS, ".md"));
    pages.add(Assets.MODULE.resolve("../docs/operations.md").normalize());
    for (Path page : pages) {
      Matcher block = RunbookTest.PROMQL_BLOCK.matcher(Assets.read(page));
      while (block.find()) {
        for (String line : block.group(1).split("\n")) {
          if (!line.isBlank()) {
            queries.add(line);
          }
        }
      }
    }
    Set<String> names = new TreeSet<>();
    for (String q : queries) {
      for (Node n : PromQl.walk(PromQl.parse(q))) {
        if (n instanceof Selector && ((Selector) n).name != null) {
          names.add(((Selector) n).name);
        }
      }
    }
    for (JsonNode d : dashboards.values()) {
      for (JsonNode v : d.path("templating").path("list")) {
        Matcher m = DashboardTest.LABEL_VALUES.matcher(v.path("query").path("query").asText());
        if (m.matches()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  private static JsonNode exporterList(String file) {
    return Assets.jsonResource(MetricCatalog.EXPORTER_DIR + file);
  }
}
