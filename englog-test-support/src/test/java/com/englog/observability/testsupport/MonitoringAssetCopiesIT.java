package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The copies run: promtool and amtool accept them, and a real Prometheus and Alertmanager started with
 * them and their per-run web configs load every shipped rule group, reach each other with the
 * generated password, and refuse anonymous calls.
 */
class MonitoringAssetCopiesIT {

  @Test
  void prometheusAndAlertmanagerRunTheCopiesWithThisRunsSecrets() {
    try (AlertWebhookReceiver receiver = AlertWebhookReceiver.start()) {
      int prometheusPort = FreePort.next();
      int alertmanagerPort = FreePort.next();
      MonitoringAssetCopies copies = MonitoringAssetCopies.builder(
              TestEnvironment.repositoryRoot().resolve("monitoring-assets/src/main/assets"))
          .timeDivisor(20)
          .scrapeInterval(Duration.ofSeconds(1))
          .evaluationInterval(Duration.ofSeconds(1))
          .target("prometheus", "127.0.0.1:" + prometheusPort)
          .target("alertmanager", "127.0.0.1:" + alertmanagerPort)
          .alertmanager("127.0.0.1:" + alertmanagerPort)
          .receiverUrl(receiver::url)
          .under(TestEnvironment.scratchDirectory("asset-copies"))
          .write();
      ToolRun promtool = ToolRun.run(List.of(ExternalTool.PROMTOOL.require().toString(), "check", "config",
          copies.prometheusConfig().toString()), null, Duration.ofSeconds(60));
      assertThat(promtool.exitCode()).as(promtool.describe()).isZero();
      ToolRun amtool = Amtool.checkConfig(copies.alertmanagerConfig());
      assertThat(amtool.exitCode()).as(amtool.describe()).isZero();

      try (AlertmanagerServer am = AlertmanagerServer.builder().port(alertmanagerPort)
              .config(copies.alertmanagerConfig())
              .webConfig(copies.alertmanagerWebConfig(), copies.user(), copies.password()).start();
          PrometheusServer prometheus = PrometheusServer.builder().port(prometheusPort)
              .configFile(copies.prometheusConfig())
              .webConfig(copies.prometheusWebConfig(), copies.user(), copies.password()).start()) {
        assertThat(prometheus.ruleGroups().size()).isGreaterThan(5);
        prometheus.awaitQuery("up{job=~\"prometheus|alertmanager\"} == 1", r -> r.size() == 2,
            Duration.ofSeconds(30));
        JsonNode alertmanagers = prometheus.get("/api/v1/alertmanagers").path("data").path("activeAlertmanagers");
        assertThat(alertmanagers.toString()).contains("127.0.0.1:" + alertmanagerPort);
        // Watchdog always fires; it reaches its receiver through the rewritten webhook.
        receiver.await(n -> n.receiver().equals("deadmansswitch") && n.firing("Watchdog"), Duration.ofSeconds(60));
        assertThat(am.alerts().toString()).contains("Watchdog");
        assertThat(ManagedProcess.HTTP.sendAsync(HttpRequest.newBuilder(
                prometheus.baseUri().resolve("/api/v1/rules")).build(),
            HttpResponse.BodyHandlers.discarding()).join().statusCode()).isEqualTo(401);
      }
    }
  }
}
