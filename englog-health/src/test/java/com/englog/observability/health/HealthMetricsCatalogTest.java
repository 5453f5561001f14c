package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.Latches;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the registry exposes on a Prometheus registry is exactly what the metric catalog (the contract
 * with the alert rules and dashboards) lists: names, types, help, label names, closed label values
 * and histogram buckets; and the values say what they should.
 */
class HealthMetricsCatalogTest {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  @Test
  void exposedHealthMetricsMatchTheCatalogExactly() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CountDownLatch release = new CountDownLatch(1);
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .meterRegistry(prometheus)
        .add("db", c -> Health.up().build(), o -> o.groups(HealthRegistry.READINESS, "storage"))
        .add("ai", c -> {
          Latches.awaitUninterruptibly(release);
          return Health.up().build();
        }, o -> o.nonCritical().deadline(Duration.ofMillis(50)).noCache()
            .recovery("reconnect", failing -> { }, RecoveryPolicy.builder().afterFailures(1).build()))
        .build()) {
      registry.check();
      HealthRegistryTest.awaitCondition(() -> prometheus.scrape().contains("outcome=\"success\"} 1.0"));
      String exposition = prometheus.scrape();
      release.countDown();

      Map<String, Family> exposed = parse(exposition);
      JsonNode catalog = catalog();
      Map<String, Family> expected = new TreeMap<>();
      for (JsonNode m : catalog) {
        expected.put(m.path("name").asText(), null);
      }
      assertThat(exposed.keySet()).as("metric families in the exposition").isEqualTo(expected.keySet());

      for (JsonNode m : catalog) {
        Family f = exposed.get(m.path("name").asText());
        String name = m.path("name").asText();
        assertThat(f.type).as("type of %s", name).isEqualTo(m.path("type").asText());
        assertThat(f.help).as("help of %s", name).isEqualTo(m.path("help").asText());
        Set<String> labelNames = new TreeSet<>();
        for (JsonNode l : m.path("labels")) {
          labelNames.add(l.path("name").asText());
          if (l.has("values")) {
            Set<String> allowed = new TreeSet<>();
            l.path("values").forEach(v -> allowed.add(v.asText()));
            assertThat(f.labelValues(l.path("name").asText())).as("values of %s{%s}", name,
                l.path("name").asText()).isSubsetOf(allowed);
          }
        }
        assertThat(f.labelNames()).as("labels of %s", name).isEqualTo(labelNames);
        if (m.has("buckets")) {
          List<String> buckets = new ArrayList<>();
          m.path("buckets").forEach(b -> buckets.add(Double.toString(b.asDouble())));
          buckets.add("+Inf");
          assertThat(f.labelValuesInOrder("le", "component", "db")).as("buckets of %s", name)
              .containsExactlyElementsOf(buckets);
        }
      }

      assertThat(exposition)
          .contains("englog_health_status{component=\"db\",critical=\"true\",status=\"UP\"} 1")
          .contains("englog_health_status{component=\"db\",critical=\"true\",status=\"DOWN\"} 0")
          .contains("englog_health_status{component=\"ai\",critical=\"false\",status=\"DOWN\"} 1")
          .contains("englog_health_group_status{group=\"readiness\",status=\"DEGRADED\"} 1")
          .contains("englog_health_group_status{group=\"storage\",status=\"UP\"} 1")
          .contains("englog_health_group_status{group=\"liveness\",status=\"UP\"} 1")
          .contains("englog_health_group_status{group=\"all\",status=\"DEGRADED\"} 1")
          .contains("englog_health_group_status{group=\"all\",status=\"UP\"} 0")
          .contains("englog_health_check_timeouts_total{component=\"ai\"} 1")
          .contains("englog_health_check_timeouts_total{component=\"db\"} 0")
          .contains("englog_health_recovery_attempts_total{action=\"reconnect\",component=\"ai\",outcome=\"success\"} 1")
          .contains("englog_health_check_duration_seconds_count{component=\"db\"} 1")
          // The hung check is observed once, at its deadline, while it still hangs.
          .contains("englog_health_check_duration_seconds_count{component=\"ai\"} 1")
          .contains("englog_health_check_duration_seconds_bucket{component=\"ai\",le=\"0.025\"} 0")
          .contains("englog_health_check_duration_seconds_bucket{component=\"ai\",le=\"0.05\"} 1");
      // When it returns at last, its late result is dropped and not observed a second time.
      HealthRegistryTest.awaitCondition(() -> registry.check("ai").components().get(0).status() == Status.UP);
      assertThat(prometheus.scrape()).contains("englog_health_check_duration_seconds_count{component=\"ai\"} 2");
    }
    assertThat(prometheus.scrape()).as("meters are removed on close").doesNotContain("englog_health");
  }

  private static JsonNode catalog() throws Exception {
    try (InputStream in = HealthMetricsCatalogTest.class.getResourceAsStream(
        "/META-INF/englog/metrics-catalog/englog-health.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  /** Families by name from the Prometheus text format (histogram series folded into their family). */
  static Map<String, Family> parse(String exposition) {
    Map<String, Family> families = new TreeMap<>();
    for (String line : exposition.split("\n")) {
      if (line.startsWith("# HELP ")) {
        String[] p = line.substring(7).split(" ", 2);
        families.computeIfAbsent(p[0], Family::new).help = p[1];
      } else if (line.startsWith("# TYPE ")) {
        String[] p = line.substring(7).split(" ", 2);
        families.computeIfAbsent(p[0], Family::new).type = p[1];
      } else if (!line.isBlank() && !line.startsWith("#")) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
          throw new AssertionError("unparsable line: " + line);
        }
        String name = m.group(1);
        Family f = families.get(name);
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
          if (f == null && name.endsWith(suffix)) {
            f = families.get(name.substring(0, name.length() - suffix.length()));
          }
        }
        if (f == null) {
          throw new AssertionError("sample without family: " + line);
        }
        Map<String, String> labels = new TreeMap<>();
        if (m.group(3) != null) {
          Matcher l = LABEL.matcher(m.group(3));
          while (l.find()) {
            labels.put(l.group(1), l.group(2));
          }
        }
        f.samples.add(labels);
      }
    }
    families.keySet().removeIf(n -> !n.startsWith("englog_health"));
    return families;
  }

  static final class Family {
    final String name;
    String help;
    String type;
    final List<Map<String, String>> samples = new ArrayList<>();

    Family(String name) {
      this.name = name;
    }

    Set<String> labelNames() {
      Set<String> names = new TreeSet<>();
      samples.forEach(s -> names.addAll(s.keySet()));
      names.remove("le");
      return names;
    }

    Set<String> labelValues(String label) {
      Set<String> values = new TreeSet<>();
      samples.forEach(s -> {
        if (s.containsKey(label)) {
          values.add(s.get(label));
        }
      });
      return values;
    }

    List<String> labelValuesInOrder(String label, String whereLabel, String equals) {
      List<String> values = new ArrayList<>();
      samples.forEach(s -> {
        if (s.containsKey(label) && equals.equals(s.get(whereLabel))) {
          values.add(s.get(label));
        }
      });
      return values;
    }
  }
}
