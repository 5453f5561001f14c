package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alertmanager 0.25 delivers to the recording receivers: webhook over HTTP, e-mail over SMTP. */
class AlertmanagerServerIT {

  @Test
  void deliversToAWebhookAndAnAuthenticatedSmtpRelayAndAnswersAmtool() throws Exception {
    try (HttpRecorder webhook = HttpRecorder.start(); SmtpRecorder smtp = SmtpRecorder.start()) {
      Path dir = TestEnvironment.scratchDirectory("am-config");
      Path password = Files.writeString(dir.resolve("smtp-password"), "s3cret");
      Path config = Files.writeString(dir.resolve("alertmanager.yml"), String.join("\n",
          "global:",
          "  smtp_smarthost: '" + smtp.hostPort() + "'",
          "  smtp_from: alerts@englog.com",
          "  smtp_auth_username: alerts@englog.com",
          "  smtp_auth_password_file: " + password,
          "  smtp_require_tls: false",
          "route:",
          "  receiver: both",
          "  group_wait: 0s",
          "  group_interval: 1s",
          "receivers:",
          "  - name: both",
          "    webhook_configs:",
          "      - url: '" + webhook.uri("/hook") + "'",
          "    email_configs:",
          "      - to: devops@englog.com",
          "        headers: {Subject: 'Test {{ .CommonLabels.alertname }}'}",
          ""));
      try (AlertmanagerServer am = AlertmanagerServer.builder().config(config).start()) {
        ToolRun add = Amtool.alertAdd(am.baseUri(), Map.of("alertname", "SmokeTest", "severity", "warning"),
            Map.of("summary", "it works"));
        assertThat(add.exitCode()).as(add.describe()).isZero();

        RecordedRequest hook = webhook.awaitRequests(1, Duration.ofSeconds(30)).get(0);
        JsonNode payload = new ObjectMapper().readTree(hook.bodyAsString());
        assertThat(payload.path("commonLabels").path("alertname").asText()).isEqualTo("SmokeTest");

        RecordedMail mail = smtp.awaitMails(1, Duration.ofSeconds(30)).get(0);
        assertThat(mail.authUser()).isEqualTo("alerts@englog.com");
        assertThat(mail.authPassword()).isEqualTo("s3cret");
        assertThat(mail.recipients()).containsExactly("devops@englog.com");
        assertThat(mail.header("Subject")).isEqualTo("Test SmokeTest");

        ToolRun query = Amtool.alertQuery(am.baseUri(), false, false, "alertname=\"SmokeTest\"");
        assertThat(query.exitCode()).as(query.describe()).isZero();
        assertThat(query.stdout()).contains("\"summary\":\"it works\"");
      }
    }
  }
}
