package com.englog.observability.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
public final class AlertmanagerServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final ManagedProcess process;
  private final int port;
  private final Path directory;

  private AlertmanagerServer(ManagedProcess process, int port, Path directory) {
    this.process = process;
    this.port = port;
    this.directory = directory;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:port}. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** The scratch directory holding data and log. */
  public Path directory() {
    return directory;
  }

  /** {@code GET /api/v2/alerts} (active, silenced and inhibited alerts), as JSON. */
  public JsonNode alerts() {
    return get("/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true");
  }

  /** Polls {@link #alerts()} until {@code condition} holds. */
  public JsonNode awaitAlerts(Predicate<JsonNode> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = alerts();
      if (condition.test(last)) {
        return last;
      }
      sleep(100);
    }
    throw new AssertionError("alerts did not meet the condition within " + timeout + ": " + last
        + "\nlog:\n" + logTail());
  }

  /** {@code POST /api/v2/alerts} with a JSON array of alerts (labels, annotations, startsAt, endsAt). */
  public void postAlerts(List<Map<String, Object>> alerts) {
    try {
      String body = JSON.writeValueAsString(alerts);
      HttpResponse<String> response = HTTP.send(
          HttpRequest.newBuilder(baseUri().resolve("/api/v2/alerts"))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("Alertmanager answered " + response.statusCode() + ": "
            + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** GET a path of the HTTP API and parse the JSON answer. */
  public JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> response = HTTP.send(
          HttpRequest.newBuilder(baseUri().resolve(pathAndQuery)).timeout(Duration.ofSeconds(10))
              .GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("Alertmanager answered " + response.statusCode() + " to "
            + pathAndQuery + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + pathAndQuery + " failed; log:\n" + logTail(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The last lines of Alertmanager's log, for assertion messages. */
  public String logTail() {
    return process.logTail();
  }

  @Override
  public void close() {
    process.close();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Builds the command line and starts the server. */
  public static final class Builder {
    private Path config;
    private final List<String> extraFlags = new ArrayList<>();

    private Builder() {}

    /** The configuration file to run (templates resolve relative to it). */
    public Builder config(Path configFile) {
      this.config = Objects.requireNonNull(configFile, "configFile");
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
      int port = FreePort.next();
      List<String> command = new ArrayList<>(List.of(
          binary.toString(),
          "--config.file=" + config.toAbsolutePath(),
          "--storage.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port,
          // No gossip: a single instance must not open a cluster port or wait for peers.
          "--cluster.listen-address="));
      command.addAll(extraFlags);
      ManagedProcess process = ManagedProcess.start(
          "alertmanager", command, dir, Map.of(), dir.resolve("alertmanager.log"));
      AlertmanagerServer server = new AlertmanagerServer(process, port, dir);
      try {
        process.awaitHttpOk(server.baseUri().resolve("/-/ready"), Duration.ofSeconds(60));
      } catch (AssertionError e) {
        process.close();
        throw e;
      }
      return server;
    }
  }
}
