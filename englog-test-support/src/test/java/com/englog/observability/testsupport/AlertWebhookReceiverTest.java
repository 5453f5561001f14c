package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.AlertWebhookReceiver.Notification;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AlertWebhookReceiverTest {

  /** What Alertmanager 0.25 posts to a webhook receiver (version 4), trimmed. */
  private static final String PAYLOAD = "{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"DatabaseDown\\\"}\","
      + "\"status\":\"firing\",\"receiver\":\"critical-alerts\",\"groupLabels\":{\"alertname\":\"DatabaseDown\"},"
      + "\"commonLabels\":{},\"commonAnnotations\":{},\"externalURL\":\"http://am\",\"alerts\":["
      + "{\"status\":\"firing\",\"labels\":{\"alertname\":\"DatabaseDown\",\"severity\":\"critical\","
      + "\"component\":\"db\"},\"annotations\":{\"summary\":\"PostgreSQL is down.\","
      + "\"runbook_url\":\"https://runbooks/DatabaseDown.md\"},\"startsAt\":\"2026-01-01T00:00:00Z\","
      + "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://prom\",\"fingerprint\":\"abc\"},"
      + "{\"status\":\"resolved\",\"labels\":{\"alertname\":\"RedisDown\"},\"annotations\":{}}]}";

  @Test
  void recordsReceiverStatusLabelsAndRunbookAndPrintsOneLinePerNotification() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (AlertWebhookReceiver receiver = AlertWebhookReceiver.start()
        .printTo(new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(receiver.url("critical-alerts"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(PAYLOAD)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);

      Notification n = receiver.await(x -> x.firing("DatabaseDown"), Duration.ofSeconds(5));
      assertThat(n.receiver()).isEqualTo("critical-alerts");
      assertThat(n.path()).isEqualTo("critical-alerts");
      assertThat(n.status()).isEqualTo("firing");
      assertThat(n.alerts()).hasSize(2);
      assertThat(n.alerts().get(0).labels()).containsEntry("component", "db");
      assertThat(n.alerts().get(0).runbookUrl()).isEqualTo("https://runbooks/DatabaseDown.md");
      assertThat(n.resolved("RedisDown")).isTrue();
      assertThat(n.firing("RedisDown")).isFalse();
      assertThat(receiver.notifications()).hasSize(1);
      receiver.printTo(new PrintStream(printed, true, StandardCharsets.UTF_8), x -> !x.receiver().equals("critical-alerts"));
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(receiver.url("critical-alerts"))
          .POST(HttpRequest.BodyPublishers.ofString(PAYLOAD)).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(receiver.notifications()).hasSize(2);
      assertThat(printed.toString(StandardCharsets.UTF_8).strip()).isEqualTo(
          "[alert] critical-alerts FIRING: DatabaseDown{component=\"db\",severity=\"critical\"}"
              + " runbook=https://runbooks/DatabaseDown.md; RedisDown{} (resolved)");
    }
  }
}
