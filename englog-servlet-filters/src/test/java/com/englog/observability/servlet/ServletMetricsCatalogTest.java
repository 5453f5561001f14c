package com.englog.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.englog.observability.health.Health;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.metrics.EnglogMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code META-INF/englog/metrics-catalog/englog-servlet-filters.json} against a real scrape after {@link
 * EnglogServlet#install} and a few requests: every entry is exposed with its help and type, and every
 * {@code englog_} family in the scrape is in this module's catalog or in that of the leaf that owns it.
 */
class ServletMetricsCatalogTest {

  private static final String CATALOG = "META-INF/englog/metrics-catalog/";
  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (englog_\\S+) (\\S+)$");

  private static Map<String, JsonNode> catalog(String file) throws Exception {
    try (InputStream in = ServletMetricsCatalogTest.class.getClassLoader().getResourceAsStream(CATALOG + file)) {
      assertThat(in).as(file).isNotNull();
      Map<String, JsonNode> byName = new LinkedHashMap<>();
      for (JsonNode metric : Harness.JSON.readTree(in)) {
        byName.put(metric.get("name").asText(), metric);
      }
      return byName;
    }
  }

  @Test
  void theCatalogDescribesEveryMetricTheInstallationAdds() throws Exception {
    LoggerContext logs = new LoggerContext();
    logs.setMDCAdapter(new LogbackMDCAdapter());
    try (EnglogMetrics metrics = EnglogMetrics.builder().jvmMetrics(false)
            .exemplars(EnglogServlet.exemplars(Harness.TRACING)).build();
        HealthRegistry health = HealthRegistry.builder().meterRegistry(metrics.registry())
            .backgroundRefresh(Duration.ZERO).add("db", context -> Health.up().build()).build();
        ServletContainer.Running c = ServletContainer.Kind.JETTY.start(ServletContainer.Options.defaults(),
            ctx -> {
              ctx.addServlet("hello", Scripted.text("hello")).addMapping("/hello");
              EnglogServlet.install(ctx, EnglogServlet.config().metrics(metrics).tracing(Harness.TRACING)
                  .health(health).loggerContext(logs).anonymousMetrics());
            })) {
      assertThat(Harness.get(c, "/hello", "X-Request-ID", "not valid!").statusCode()).isEqualTo(200);
      assertThat(Harness.get(c, "/health/ready").statusCode()).isEqualTo(200);
      HttpResponse<String> scrape = Harness.get(c, "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      String exposition = scrape.body();

      Map<String, JsonNode> own = catalog("englog-servlet-filters.json");
      for (JsonNode metric : own.values()) {
        String name = metric.get("name").asText();
        assertThat(exposition).as(name).contains("# HELP " + name + " " + metric.get("help").asText() + "\n")
            .contains("# TYPE " + name + " " + metric.get("type").asText() + "\n");
      }
      Map<String, JsonNode> all = new LinkedHashMap<>(own);
      for (String leaf : new String[] {"englog-metrics.json", "englog-health.json", "englog-logging.json"}) {
        all.putAll(catalog(leaf));
      }
      Set<String> undescribed = new TreeSet<>();
      Matcher m = TYPE.matcher(exposition);
      while (m.find()) {
        JsonNode entry = all.get(m.group(1));
        if (entry == null) {
          undescribed.add(m.group(1));
        } else {
          assertThat(entry.get("type").asText()).as(m.group(1)).isEqualTo(m.group(2));
        }
      }
      assertThat(undescribed).as("englog_ families in no catalog").isEmpty();
      // What the installation publishes for the leaves is described in their catalogs.
      assertThat(exposition).contains("# TYPE englog_logging_events_dropped_total counter\n")
          .contains("# TYPE englog_security_redactions_total counter\n")
          .contains("# TYPE englog_health_status gauge\n");
    } finally {
      logs.stop();
    }
  }
}
