package com.englog.observability.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A loopback receiver for Alertmanager's webhook notifications: the stand-in for Slack, PagerDuty and
 * e-mail when a test or a demo rewrites every receiver of a configuration to {@code webhook_configs}
 * pointing here, one path per receiver name ({@link #url(String)}). Each notification is recorded with
 * the receiver, its status and every alert's status, labels and annotations (the runbook link among
 * them), and can be printed as one line as it arrives.
 *
 * <pre>{@code
 * try (AlertWebhookReceiver receiver = AlertWebhookReceiver.start().printTo(System.out)) {
 *   // alertmanager.yml: receivers: [{name: critical-alerts, webhook_configs: [{url: receiver.url("critical-alerts")}]}]
 *   Notification page = receiver.await(n -> n.firing("DatabaseDown"), Duration.ofSeconds(60));
 *   assertThat(page.receiver()).isEqualTo("critical-alerts");
 * }
 * }</pre>
 */
public final class AlertWebhookReceiver implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/alertmanager/";

  private final HttpRecorder recorder;
  private final Arrivals<Notification> notifications = new Arrivals<>("notifications");
  private volatile PrintStream out;
  private volatile Predicate<Notification> printFilter = n -> true;

  private AlertWebhookReceiver(HttpRecorder recorder) {
    this.recorder = recorder;
    recorder.onRequest(this::record);
  }

  /** Starts a receiver on a free port of 127.0.0.1. */
  public static AlertWebhookReceiver start() {
    return new AlertWebhookReceiver(HttpRecorder.start());
  }

  /** Prints one line per notification to {@code stream} from now on ({@link Notification#toString()}). */
  public AlertWebhookReceiver printTo(PrintStream stream) {
    return printTo(stream, n -> true);
  }

  /**
   * Prints one line per notification matching {@code filter} to {@code stream} from now on (e.g. all but
   * the repeated heartbeats of a dead-man's switch).
   */
  public AlertWebhookReceiver printTo(PrintStream stream, Predicate<Notification> filter) {
    this.printFilter = Objects.requireNonNull(filter, "filter");
    this.out = Objects.requireNonNull(stream, "stream");
    return this;
  }

  /** The URL Alertmanager posts to for the receiver named {@code receiver}. */
  public URI url(String receiver) {
    return recorder.uri(PREFIX + receiver);
  }

  public int port() {
    return recorder.port();
  }

  /** Every notification so far, in arrival order. */
  public List<Notification> notifications() {
    return notifications.snapshot();
  }

  /** Waits until a notification matching {@code condition} arrived and returns the first one. */
  public Notification await(Predicate<Notification> condition, Duration timeout) {
    return notifications.await(1, condition, timeout).get(0);
  }

  private void record(RecordedRequest request) {
    if (!"POST".equals(request.method()) || !request.path().startsWith(PREFIX)) {
      return;
    }
    String pathReceiver = request.path().substring(PREFIX.length());
    Notification notification;
    try {
      notification = Notification.parse(pathReceiver, JSON.readTree(request.body()));
    } catch (IOException e) {
      notification = new Notification(pathReceiver, pathReceiver, "unparsable", List.of());
    }
    notifications.add(notification);
    PrintStream stream = out;
    if (stream != null && printFilter.test(notification)) {
      stream.println(notification);
    }
  }

  @Override
  public void close() {
    recorder.close();
  }

  /** One webhook call: a group of alerts for one receiver. */
  public static final class Notification {
    private final String path;
    private final String receiver;
    private final String status;
    private final List<Alert> alerts;

    Notification(String path, String receiver, String status, List<Alert> alerts) {
      this.path = path;
      this.receiver = receiver;
      this.status = status;
      this.alerts = List.copyOf(alerts);
    }

    static Notification parse(String path, JsonNode body) {
      List<Alert> alerts = new ArrayList<>();
      for (JsonNode a : body.path("alerts")) {
        alerts.add(new Alert(a.path("status").asText(), strings(a.path("labels")),
            strings(a.path("annotations"))));
      }
      return new Notification(path, body.path("receiver").asText(), body.path("status").asText(), alerts);
    }

    private static Map<String, String> strings(JsonNode object) {
      Map<String, String> map = new TreeMap<>();
      object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
      return Collections.unmodifiableMap(map);
    }

    /** The receiver name in the payload (Alertmanager's {@code receiver} field). */
    public String receiver() {
      return receiver;
    }

    /** The receiver name in the URL path the notification was posted to. */
    public String path() {
      return path;
    }

    /** {@code firing} or {@code resolved} (firing while any alert of the group fires). */
    public String status() {
      return status;
    }

    public List<Alert> alerts() {
      return alerts;
    }

    /** Whether an alert named {@code alertname} has status {@code firing} in this notification. */
    public boolean firing(String alertname) {
      return alerts.stream().anyMatch(a -> a.name().equals(alertname) && a.firing());
    }

    /** Whether an alert named {@code alertname} has status {@code resolved} in this notification. */
    public boolean resolved(String alertname) {
      return alerts.stream().anyMatch(a -> a.name().equals(alertname) && !a.firing());
    }

    /** {@code [alert] RECEIVER STATUS: Name{labels} runbook=...; ...} on one line. */
    @Override
    public String toString() {
      return "[alert] " + receiver + " " + status.toUpperCase(Locale.ROOT) + ": "
          + alerts.stream().map(Alert::toString).collect(Collectors.joining("; "));
    }
  }

  /** One alert of a notification. */
  public static final class Alert {
    private final String status;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;

    Alert(String status, Map<String, String> labels, Map<String, String> annotations) {
      this.status = status;
      this.labels = labels;
      this.annotations = annotations;
    }

    /** The {@code alertname} label. */
    public String name() {
      return labels.getOrDefault("alertname", "");
    }

    public boolean firing() {
      return "firing".equals(status);
    }

    public String status() {
      return status;
    }

    public Map<String, String> labels() {
      return labels;
    }

    public Map<String, String> annotations() {
      return annotations;
    }

    /** The {@code runbook_url} annotation, or null. */
    public String runbookUrl() {
      return annotations.get("runbook_url");
    }

    @Override
    public String toString() {
      Map<String, String> rest = new TreeMap<>(labels);
      rest.remove("alertname");
      return name() + rest.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
          .collect(Collectors.joining(",", "{", "}"))
          + (firing() ? "" : " (resolved)")
          + (runbookUrl() == null ? "" : " runbook=" + runbookUrl());
    }
  }
}
