package com.englog.observability.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager} 0.25) on a free loopback port, for tests.
 * Clustering is off ({@code --cluster.listen-address=} empty), data lives in a scratch directory under
 * {@code target/servers/alertmanager-*}.
 *
 * <pre>{@code
 * try (AlertmanagerServer am = AlertmanagerServer.builder().config(configFile).start()) {
 *   Amtool.alertAdd(am.baseUri(), Map.of("alertname", "Test", "severity", "critical"), Map.of());
 *   am.awaitAlerts(alerts -> alerts.size() == 1, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>The configuration is used where it lies (not copied), so relative template paths resolve next to
 * it, exactly as in production.
 */
public final class AlertmanagerServer extends LoopbackServer {

  private AlertmanagerServer(ManagedProcess process, int port, Path directory, String authorization) {
    super("alertmanager", process, port, directory, authorization);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code GET /api/v2/alerts} (active, silenced and inhibited alerts), as JSON. */
  public JsonNode alerts() {
    return get("/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true");
  }

  /** Polls {@link #alerts()} until {@code condition} holds. */
  public JsonNode awaitAlerts(Predicate<JsonNode> condition, Duration timeout) {
    return poll(this::alerts, condition, timeout, Duration.ofMillis(100),
        last -> "alerts did not meet the condition within " + timeout + ": " + last + "\nlog:\n"
            + logTail());
  }

  /** {@code POST /api/v2/alerts} with a JSON array of alerts (labels, annotations, startsAt, endsAt). */
  public void postAlerts(List<Map<String, Object>> alerts) {
    postJson("/api/v2/alerts", alerts);
  }

  /** GET a path of the HTTP API and parse the JSON answer; fails unless the answer is 200. */
  public JsonNode get(String pathAndQuery) {
    return getJsonOk(pathAndQuery);
  }

  /** Builds the command line and starts the server. */
  public static final class Builder {
    private Path config;
    private final List<String> extraFlags = new ArrayList<>();
    private Path webConfig;
    private String user;
    private String password;
    private int port;

    private Builder() {}

    /** Listen on this loopback port instead of a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The configuration file to run (templates resolve relative to it). */
    public Builder config(Path configFile) {
      this.config = Objects.requireNonNull(configFile, "configFile");
      return this;
    }

    /**
     * Runs with {@code --web.config.file=webConfigFile} (basic auth, as the shipped web config does);
     * the server's own calls ({@link #alerts()}, readiness, …) then authenticate as {@code user}.
     */
    public Builder webConfig(Path webConfigFile, String user, String password) {
      this.webConfig = Objects.requireNonNull(webConfigFile, "webConfigFile");
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** An extra command line flag, e.g. {@code --log.level=debug}. */
    public Builder flag(String flag) {
      extraFlags.add(Objects.requireNonNull(flag, "flag"));
      return this;
    }

    /** Starts Alertmanager and waits until it is ready. */
    public AlertmanagerServer start() {
      if (config == null || !Files.isRegularFile(config)) {
        throw new IllegalStateException("config must name an existing file, got " + config);
      }
      Path binary = ExternalTool.ALERTMANAGER.require();
      Path dir = TestEnvironment.scratchDirectory("alertmanager");
      int port = this.port > 0 ? this.port : FreePort.next();
      List<String> command = new ArrayList<>(List.of(
          binary.toString(),
          "--config.file=" + config.toAbsolutePath(),
          "--storage.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port,
          // No gossip: a single instance must not open a cluster port or wait for peers.
          "--cluster.listen-address="));
      if (webConfig != null) {
        command.add("--web.config.file=" + webConfig.toAbsolutePath());
      }
      command.addAll(extraFlags);
      String authorization = basicAuth(user, password);
      return new AlertmanagerServer(
          startReady("alertmanager", command, dir, Map.of(), port, "/-/ready", authorization),
          port, dir, authorization);
    }
  }
}
