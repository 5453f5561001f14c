package com.englog.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.testsupport.AlertmanagerServer;
import com.englog.observability.testsupport.Amtool;
import com.englog.observability.testsupport.HttpRecorder;
import com.englog.observability.testsupport.RecordedMail;
import com.englog.observability.testsupport.RecordedRequest;
import com.englog.observability.testsupport.SmtpRecorder;
import com.englog.observability.testsupport.TestEnvironment;
import com.englog.observability.testsupport.ToolRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A real Alertmanager 0.25 runs a test copy of the shipped configuration whose Slack, PagerDuty,
 * e-mail and dead-man's-switch endpoints are rewritten to local recorders (secrets still come from
 * files), receives alerts through its API, and the test asserts which alerts are inhibited or silenced
 * and which notification every receiver gets.
 */
class AlertmanagerDeliveryIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SLACK = "/slack/T000/B000";
  private static final String PAGERDUTY = "/pagerduty/v2/enqueue";
  private static final String DEADMANSSWITCH = "/deadmansswitch/ping";

  @Test
  void routesInhibitsSilencesAndDeliversEveryNotificationWithSecretsFromFiles() throws Exception {
    try (HttpRecorder http = HttpRecorder.start(); SmtpRecorder smtp = SmtpRecorder.start()) {
      Path dir = TestEnvironment.scratchDirectory("alertmanager-config");
      Path config = testCopy(dir, http, smtp);
      try (AlertmanagerServer am = AlertmanagerServer.builder().config(config).start()) {
        ToolRun silence = Amtool.silenceAdd(am.baseUri(), "on-call", "Redis resize in progress",
            Duration.ofHours(1), "alertname=\"RedisMemoryHigh\"");
        assertThat(silence.exitCode()).as(silence.describe()).isZero();

        List<Map<String, Object>> alerts = new ArrayList<>();
        // Cluster a: one alert per route, a critical/warning pair, a silenced alert.
        alerts.add(alert("HighErrorRate", "critical", "test-a", Map.of("job", "englog-api")));
        alerts.add(alert("SlowDatabaseQueries", "warning", "test-a",
            Map.of("job", "englog-api", "operation", "select")));
        // Same alert name, service and cluster: grouped into one notification with both.
        alerts.add(alert("SlowDatabaseQueries", "warning", "test-a",
            Map.of("job", "englog-api", "operation", "insert")));
        alerts.add(alert("LowUserActivity", "info", "test-a", Map.of()));
        alerts.add(drill("BusinessCriticalDrill", "test-a"));
        alerts.add(alert("Watchdog", "none", "test-a", Map.of()));
        Map<String, String> disk = Map.of("job", "node", "instance", "node-exporter:9100",
            "device", "/dev/sda1", "fstype", "ext4");
        alerts.add(alert("HostDiskSpaceLow", "critical", "test-a", with(disk, "mountpoint", "/")));
        alerts.add(alert("HostDiskSpaceLow", "warning", "test-a", with(disk, "mountpoint", "/")));
        alerts.add(alert("HostDiskSpaceLow", "warning", "test-a", with(disk, "mountpoint", "/data")));
        alerts.add(alert("RedisMemoryHigh", "warning", "test-a",
            Map.of("job", "redis", "instance", "redis-exporter:9121")));
        // Cluster b: services that are down, with their symptoms.
        alerts.add(alert("EngLogAPIDown", "critical", "test-b",
            Map.of("job", "englog-api", "instance", "api:8080")));
        alerts.add(alert("NoJournalsCreated", "warning", "test-b", Map.of()));
        alerts.add(alert("DatabaseDown", "critical", "test-b",
            Map.of("job", "postgres", "instance", "postgres-exporter:9187")));
        alerts.add(alert("DatabasePoolExhausted", "warning", "test-b",
            Map.of("job", "englog-api", "instance", "api:8080", "database", "main")));
        // The API's health check sees the same database down: one outage, one page. Its check of
        // another dependency still pages.
        alerts.add(alert("DependencyDown", "critical", "test-b",
            Map.of("job", "englog-api", "component", "db")));
        alerts.add(alert("DependencyDown", "critical", "test-b",
            Map.of("job", "englog-api", "component", "search")));
        // Cluster c: one API instance of several down (the warning tier) hides no other warning.
        alerts.add(alert("EngLogAPIDown", "warning", "test-c",
            Map.of("job", "englog-api", "instance", "api-2:8080")));
        alerts.add(alert("HighResponseTime", "warning", "test-c", Map.of("job", "englog-api")));
        am.postAlerts(alerts);

        // Inhibited and silenced alerts, as the API reports them.
        JsonNode state = am.awaitAlerts(a -> a.size() == alerts.size(), WAIT);
        assertThat(suppressed(state, "inhibitedBy")).containsExactlyInAnyOrder(
            "HostDiskSpaceLow[warning,/]", "NoJournalsCreated[warning]",
            "DatabasePoolExhausted[warning]", "DependencyDown[critical,db]");
        assertThat(suppressed(state, "silencedBy")).containsExactly("RedisMemoryHigh[warning]");
        ToolRun inhibited = Amtool.alertQuery(am.baseUri(), true, false, "alertname=\"DatabasePoolExhausted\"");
        assertThat(inhibited.exitCode()).as(inhibited.describe()).isZero();
        assertThat(JSON.readTree(inhibited.stdout()).get(0).path("status").path("state").asText())
            .isEqualTo("suppressed");

        // Slack: one message per group, in the policy's channels.
        List<RecordedRequest> slack = http.awaitRequests(11, r -> r.path().equals(SLACK), WAIT);
        Map<String, Set<String>> channels = new TreeMap<>();
        for (RecordedRequest r : slack) {
          JsonNode body = JSON.readTree(r.bodyAsString());
          channels.computeIfAbsent(body.path("channel").asText(), c -> new TreeSet<>())
              .add(body.path("attachments").get(0).path("title").asText());
        }
        assertThat(channels).isEqualTo(Map.of(
            "#critical-alerts", Set.of(
                "[FIRING:1] HighErrorRate (critical) - api",
                "[FIRING:1] HostDiskSpaceLow (critical) - host",
                "[FIRING:1] EngLogAPIDown (critical) - api",
                "[FIRING:1] DatabaseDown (critical) - database",
                "[FIRING:1] DependencyDown (critical) - dependency"),
            "#alerts", Set.of(
                "[FIRING:2] SlowDatabaseQueries (warning) - database",
                "[FIRING:1] HostDiskSpaceLow (warning) - host",
                "[FIRING:1] EngLogAPIDown (warning) - api",
                "[FIRING:1] HighResponseTime (warning) - api"),
            "#product", Set.of(
                "[FIRING:1] LowUserActivity (info) - business",
                "[FIRING:1] BusinessCriticalDrill (critical) - business")));
        JsonNode errorRate = slackMessage(slack, "[FIRING:1] HighErrorRate (critical) - api");
        assertThat(errorRate.path("title_link").asText()).isEqualTo(annotation("HighErrorRate", "runbook_url"));
        assertThat(errorRate.path("color").asText()).isEqualTo("danger");
        assertThat(errorRate.path("text").asText())
            .contains("*High API error rate.*")
            .contains("|Runbook>").contains("https://grafana.englog.com/d/englog-overview|Dashboard>");
        String slowText = slackMessage(slack, "[FIRING:2] SlowDatabaseQueries (warning) - database")
            .path("text").asText();
        assertThat(slowText).contains("`operation=select`").contains("`operation=insert`");
        String diskText = slackMessage(slack, "[FIRING:1] HostDiskSpaceLow (warning) - host").path("text").asText();
        assertThat(diskText).contains("`mountpoint=/data`").doesNotContain("`mountpoint=/`");
        String dependencyText = slackMessage(slack, "[FIRING:1] DependencyDown (critical) - dependency")
            .path("text").asText();
        assertThat(dependencyText).contains("`component=search`").doesNotContain("`component=db`");

        // PagerDuty: critical alerts only, with the routing key read from its file.
        List<RecordedRequest> pages = http.awaitRequests(6, r -> r.path().equals(PAGERDUTY), WAIT);
        Map<String, JsonNode> events = new TreeMap<>();
        for (RecordedRequest r : pages) {
          JsonNode event = JSON.readTree(r.bodyAsString());
          assertThat(event.path("routing_key").asText()).isEqualTo("pd-routing-key-from-file");
          assertThat(event.path("event_action").asText()).isEqualTo("trigger");
          assertThat(event.path("payload").path("severity").asText()).isEqualTo("critical");
          events.put(event.path("payload").path("summary").asText().split(":")[0], event);
        }
        assertThat(events.keySet()).containsExactlyInAnyOrder("HighErrorRate", "HostDiskSpaceLow",
            "EngLogAPIDown", "DatabaseDown", "DependencyDown", "BusinessCriticalDrill");
        assertThat(events.get("HighErrorRate").path("links").get(0).path("href").asText())
            .isEqualTo(annotation("HighErrorRate", "runbook_url"));

        // E-mail: warnings, to devops, authenticated with the password from its file.
        List<RecordedMail> mails = smtp.awaitMails(4, WAIT);
        assertThat(mails).allSatisfy(m -> {
          assertThat(m.recipients()).containsExactly("devops@englog.com");
          assertThat(m.from()).isEqualTo("alerts@englog.com");
          assertThat(m.authUser()).isEqualTo("alerts@englog.com");
          assertThat(m.authPassword()).isEqualTo("smtp-password-from-file");
        });
        assertThat(mails).extracting(m -> m.header("Subject")).containsExactlyInAnyOrder(
            "[EngLog FIRING] SlowDatabaseQueries (database): 2 firing",
            "[EngLog FIRING] HostDiskSpaceLow (host): 1 firing",
            "[EngLog FIRING] EngLogAPIDown (api): 1 firing",
            "[EngLog FIRING] HighResponseTime (api): 1 firing");
        RecordedMail slowQueries = mails.stream()
            .filter(m -> m.header("Subject").contains("SlowDatabaseQueries")).findFirst().orElseThrow();
        assertThat(slowQueries.decodedBody()).contains("operation=select").contains("operation=insert")
            .contains("Alert: Slow database queries.")
            .contains("Runbook: " + annotation("SlowDatabaseQueries", "runbook_url"));

        // The Watchdog heartbeat reaches the dead-man's switch with the token from its file.
        RecordedRequest ping = http.awaitRequests(1, r -> r.path().equals(DEADMANSSWITCH), WAIT).get(0);
        assertThat(ping.header("Authorization")).isEqualTo("Bearer dms-token-from-file");
        assertThat(JSON.readTree(ping.bodyAsString()).path("commonLabels").path("alertname").asText())
            .isEqualTo("Watchdog");

        // Nothing else arrives: inhibited and silenced alerts stay quiet.
        Thread.sleep(3000);
        assertThat(http.requests().stream().filter(r -> r.path().equals(SLACK))).hasSize(11);
        assertThat(http.requests().stream().filter(r -> r.path().equals(PAGERDUTY))).hasSize(6);
        assertThat(smtp.mails()).hasSize(4);

        // Resolution: the resolved alert is reported in Slack and resolves the PagerDuty incident.
        Map<String, Object> resolved = alert("HighErrorRate", "critical", "test-a", Map.of("job", "englog-api"));
        resolved.put("endsAt", Instant.now().minusSeconds(1).toString());
        am.postAlerts(List.of(resolved));
        http.awaitRequests(1, r -> r.path().equals(SLACK)
            && r.bodyAsString().contains("[RESOLVED] HighErrorRate (critical) - api"), WAIT);
        JsonNode resolve = JSON.readTree(http.awaitRequests(1, r -> r.path().equals(PAGERDUTY)
            && r.bodyAsString().contains("\"resolve\""), WAIT).get(0).bodyAsString());
        assertThat(resolve.path("dedup_key").asText())
            .isEqualTo(events.get("HighErrorRate").path("dedup_key").asText());
      }
    }
  }

  /** The shipped configuration with endpoints, secret paths and timings for a test. */
  private static Path testCopy(Path dir, HttpRecorder http, SmtpRecorder smtp) throws IOException {
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(secrets.resolve("slack-webhook-url"), http.uri(SLACK).toString());
    Files.writeString(secrets.resolve("pagerduty-routing-key"), "pd-routing-key-from-file");
    Files.writeString(secrets.resolve("smtp-password"), "smtp-password-from-file");
    Files.writeString(secrets.resolve("deadmansswitch-token"), "dms-token-from-file");
    Path templates = Files.createDirectories(dir.resolve("templates"));
    try (Stream<Path> files = Files.list(Assets.ROOT.resolve("alertmanager/templates"))) {
      for (Path t : files.collect(Collectors.toList())) {
        Files.copy(t, templates.resolve(t.getFileName()));
      }
    }
    String text = Assets.read(Assets.ALERTMANAGER_CONFIG)
        .replace("/etc/alertmanager/secrets/", secrets + "/");
    Map<String, Object> config = Assets.map(Assets.yaml(text));
    Map<String, Object> global = Assets.map(config.get("global"));
    global.put("smtp_smarthost", smtp.hostPort());
    global.put("smtp_require_tls", false); // the recorder offers no STARTTLS
    shorten(Assets.map(config.get("route")));
    for (Object r : Assets.list(config.get("receivers"))) {
      Map<String, Object> receiver = Assets.map(r);
      for (Object p : Assets.list(receiver.get("pagerduty_configs"))) {
        Assets.map(p).put("url", http.uri(PAGERDUTY).toString());
      }
      for (Object w : Assets.list(receiver.get("webhook_configs"))) {
        Assets.map(w).put("url", http.uri(DEADMANSSWITCH).toString());
      }
    }
    Path file = dir.resolve("alertmanager.yml");
    Files.writeString(file, Assets.yamlText(config));
    ToolRun check = Amtool.checkConfig(file);
    assertThat(check.exitCode()).as(check.describe()).isZero();
    return file;
  }

  /** Seconds instead of minutes, so a test run takes seconds; no repeats within the test. */
  private static void shorten(Map<String, Object> route) {
    route.put("group_wait", "1s");
    route.put("group_interval", "1s");
    route.put("repeat_interval", "1h");
    for (Object child : Assets.list(route.get("routes"))) {
      shorten(Assets.map(child));
    }
  }

  /** An alert as Prometheus would send it for a shipped rule: its static labels and annotations. */
  private static Map<String, Object> alert(String name, String severity, String cluster,
      Map<String, String> labels) {
    RuleFiles.Rule rule = rule(name, severity);
    Map<String, String> all = new TreeMap<>(rule.labels);
    all.putAll(labels);
    all.put("alertname", name);
    all.put("cluster", cluster);
    Map<String, String> annotations = new TreeMap<>(rule.annotations);
    annotations.put("description", "Test instance of " + name + ".");
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("labels", all);
    alert.put("annotations", annotations);
    alert.put("generatorURL", "http://prometheus.test/graph");
    return alert;
  }

  /** No shipped business alert is critical yet; the route for one must page anyway. */
  private static Map<String, Object> drill(String name, String cluster) {
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("labels", Map.of("alertname", name, "severity", "critical", "service", "business",
        "cluster", cluster));
    alert.put("annotations", Map.of("summary", "Business drill.", "description", "A drill.",
        "runbook_url", "https://runbooks.test/drill", "dashboard_url", "https://grafana.test/d/x"));
    return alert;
  }

  private static RuleFiles.Rule rule(String name, String severity) {
    return RuleFiles.alerts().stream()
        .filter(r -> r.alert.equals(name) && r.labels.get("severity").equals(severity))
        .findFirst().orElseThrow(() -> new AssertionError("no rule " + name + "/" + severity));
  }

  private static String annotation(String alert, String key) {
    return RuleFiles.alert(alert).annotations.get(key);
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> m = new TreeMap<>(base);
    m.put(key, value);
    return m;
  }

  private static JsonNode slackMessage(List<RecordedRequest> slack, String title) {
    for (RecordedRequest r : slack) {
      try {
        JsonNode attachment = JSON.readTree(r.bodyAsString()).path("attachments").get(0);
        if (attachment.path("title").asText().equals(title)) {
          return attachment;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new AssertionError("no Slack message titled " + title);
  }

  /** alertname[severity(,mountpoint)(,component)] of every alert whose status names an inhibitor/silence. */
  private static Set<String> suppressed(JsonNode alerts, String field) {
    Set<String> out = new TreeSet<>();
    for (JsonNode a : alerts) {
      if (a.path("status").path(field).size() > 0) {
        JsonNode l = a.path("labels");
        out.add(l.path("alertname").asText() + "[" + l.path("severity").asText()
            + (l.has("mountpoint") ? "," + l.path("mountpoint").asText() : "")
            + (l.has("component") ? "," + l.path("component").asText() : "") + "]");
      }
    }
    return out;
  }
}
