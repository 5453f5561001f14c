package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrometheusServerIT {

  private static final String EXPOSITION =
      "# HELP demo_requests_total Requests.\n# TYPE demo_requests_total counter\n"
          + "demo_requests_total{route=\"/a\"} 7\n";

  @Test
  void scrapesATargetAndEvaluatesRules() throws Exception {
    Path rules = Files.createTempFile("rules", ".yml");
    Files.writeString(rules, "groups:\n  - name: demo\n    rules:\n"
        + "      - record: route:demo_requests:sum\n        expr: sum by (route) (demo_requests_total)\n");
    try (HttpRecorder target = HttpRecorder.start()
            .respondWith(200, "text/plain; version=0.0.4", EXPOSITION.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        PrometheusServer prometheus = PrometheusServer.builder()
            .scrape("demo", "127.0.0.1:" + target.port(), "/metrics", "s3cret")
            .ruleFile(rules)
            .start()) {
      prometheus.awaitTargetsUp(Duration.ofSeconds(30));

      JsonNode recorded = prometheus.awaitQuery(
          "route:demo_requests:sum", r -> r.size() == 1, Duration.ofSeconds(30));
      assertThat(recorded.get(0).path("metric").path("route").asText()).isEqualTo("/a");
      assertThat(recorded.get(0).path("value").get(1).asText()).isEqualTo("7");
      assertThat(target.requests().get(0).header("Authorization")).isEqualTo("Bearer s3cret");
    }
  }

  @Test
  void promtoolFlagsAGaugeNamedLikeACounter() {
    ToolRun run = Promtool.checkMetrics(
        "# HELP users_active_total Active users.\n# TYPE users_active_total gauge\nusers_active_total 3\n");
    assertThat(run.stdout() + run.stderr()).contains("non-counter metrics should not have \"_total\" suffix");
  }
}
