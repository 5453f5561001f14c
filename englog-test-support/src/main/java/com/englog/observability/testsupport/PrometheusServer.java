package com.englog.observability.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A real Prometheus (Debian's {@code prometheus} 2.42) on a free loopback port, for tests.
 *
 * <pre>{@code
 * try (PrometheusServer prometheus = PrometheusServer.builder()
 *     .scrapeInterval(Duration.ofSeconds(1))
 *     .scrape("englog-api", "127.0.0.1:" + port, "/metrics")
 *     .start()) {
 *   prometheus.awaitTargetsUp(Duration.ofSeconds(30));
 *   JsonNode result = prometheus.query("englog_http_requests_total");
 * }
 * }</pre>
 *
 * <p>Either describe scrape jobs and rule files with the builder, or hand over a complete
 * configuration with {@link Builder#configYaml(String)}. Data and logs live under {@code
 * target/servers/prometheus-*}.
 */
public final class PrometheusServer extends LoopbackServer {

  private PrometheusServer(ManagedProcess process, int port, Path directory, String authorization) {
    super("prometheus", process, port, directory, authorization);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** An instant query; returns {@code data.result} (an array for vectors). */
  public JsonNode query(String promql) {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .path("data").path("result");
  }

  /** Polls {@link #query(String)} until {@code condition} holds on its result. */
  public JsonNode awaitQuery(String promql, Predicate<JsonNode> condition, Duration timeout) {
    return poll(() -> query(promql), condition, timeout, Duration.ofMillis(200),
        last -> "query " + promql + " did not meet the condition within " + timeout
            + "; last result: " + last);
  }

  /** {@code data.activeTargets} of {@code /api/v1/targets}. */
  public JsonNode targets() {
    return get("/api/v1/targets").path("data").path("activeTargets");
  }

  /** {@code data.groups} of {@code /api/v1/rules}. */
  public JsonNode ruleGroups() {
    return get("/api/v1/rules").path("data").path("groups");
  }

  /** {@code data.alerts} of {@code /api/v1/alerts}. */
  public JsonNode alerts() {
    return get("/api/v1/alerts").path("data").path("alerts");
  }

  /** Waits until every configured target has been scraped successfully. */
  public void awaitTargetsUp(Duration timeout) {
    poll(this::targets, PrometheusServer::allUp, timeout, Duration.ofMillis(200),
        last -> "targets not all up within " + timeout + ": " + last);
  }

  private static boolean allUp(JsonNode targets) {
    boolean allUp = targets.size() > 0;
    for (JsonNode t : targets) {
      allUp &= "up".equals(t.path("health").asText());
    }
    return allUp;
  }

  /** GET a path of the HTTP API and parse the JSON answer; fails unless {@code status} is success. */
  public JsonNode get(String pathAndQuery) {
    JsonNode body = getJson(pathAndQuery);
    if (!"success".equals(body.path("status").asText())) {
      throw new AssertionError("Prometheus did not succeed with " + pathAndQuery + ": " + body);
    }
    return body;
  }

  /** Builds the configuration and starts the server. */
  public static final class Builder {
    private Duration scrapeInterval = Duration.ofSeconds(1);
    private Duration evaluationInterval = Duration.ofSeconds(1);
    private final List<String> jobs = new ArrayList<>();
    private final List<Path> ruleFiles = new ArrayList<>();
    private final List<String> extraFlags = new ArrayList<>();
    private String configYaml;
    private Path configFile;
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

    /**
     * Run this configuration file where it lies (rule files and secret paths resolve relative to it, as
     * in production) instead of a generated one.
     */
    public Builder configFile(Path file) {
      this.configFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Runs with {@code --web.config.file=webConfigFile} (basic auth, as the shipped web config does);
     * the server's own calls (queries, readiness, …) then authenticate as {@code user}.
     */
    public Builder webConfig(Path webConfigFile, String user, String password) {
      this.webConfig = Objects.requireNonNull(webConfigFile, "webConfigFile");
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    public Builder scrapeInterval(Duration interval) {
      this.scrapeInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    public Builder evaluationInterval(Duration interval) {
      this.evaluationInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** Scrape {@code hostPort} at {@code metricsPath} as job {@code job}. */
    public Builder scrape(String job, String hostPort, String metricsPath) {
      return scrape(job, hostPort, metricsPath, null);
    }

    /** As {@link #scrape(String, String, String)}, sending {@code Authorization: Bearer token}. */
    public Builder scrape(String job, String hostPort, String metricsPath, String bearerToken) {
      StringBuilder yaml = new StringBuilder()
          .append("  - job_name: ").append(quote(job)).append('\n')
          .append("    metrics_path: ").append(quote(metricsPath)).append('\n');
      if (bearerToken != null) {
        yaml.append("    authorization:\n      credentials: ").append(quote(bearerToken)).append('\n');
      }
      yaml.append("    static_configs:\n      - targets: [").append(quote(hostPort)).append("]\n");
      jobs.add(yaml.toString());
      return this;
    }

    /** Load a rule file (copied next to the generated configuration). */
    public Builder ruleFile(Path ruleFile) {
      ruleFiles.add(Objects.requireNonNull(ruleFile, "ruleFile"));
      return this;
    }

    /** An extra command line flag, e.g. {@code --enable-feature=exemplar-storage}. */
    public Builder flag(String flag) {
      extraFlags.add(Objects.requireNonNull(flag, "flag"));
      return this;
    }

    /** Use this complete configuration instead of the generated one (jobs and rule files ignored). */
    public Builder configYaml(String yaml) {
      this.configYaml = Objects.requireNonNull(yaml, "yaml");
      return this;
    }

    /** Writes the configuration, starts Prometheus and waits until it is ready. */
    public PrometheusServer start() {
      Path binary = ExternalTool.PROMETHEUS.require();
      Path dir = TestEnvironment.scratchDirectory("prometheus");
      int port = this.port > 0 ? this.port : FreePort.next();
      try {
        Path config = configFile;
        if (config == null) {
          config = dir.resolve("prometheus.yml");
          Files.writeString(config, configYaml != null ? configYaml : generate(dir));
        }
        List<String> command = new ArrayList<>(List.of(
            binary.toString(),
            "--config.file=" + config.toAbsolutePath(),
            "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--web.enable-lifecycle"));
        if (webConfig != null) {
          command.add("--web.config.file=" + webConfig.toAbsolutePath());
        }
        command.addAll(extraFlags);
        String authorization = basicAuth(user, password);
        return new PrometheusServer(
            startReady("prometheus", command, dir, Map.of(), port, "/-/ready", authorization), port, dir,
            authorization);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private String generate(Path dir) throws IOException {
      StringBuilder yaml = new StringBuilder()
          .append("global:\n")
          .append("  scrape_interval: ").append(seconds(scrapeInterval)).append('\n')
          .append("  scrape_timeout: ").append(seconds(scrapeInterval)).append('\n')
          .append("  evaluation_interval: ").append(seconds(evaluationInterval)).append('\n');
      if (!ruleFiles.isEmpty()) {
        yaml.append("rule_files:\n");
        int i = 0;
        for (Path rules : ruleFiles) {
          Path copy = dir.resolve("rules-" + (i++) + "-" + rules.getFileName());
          Files.copy(rules, copy);
          yaml.append("  - ").append(quote(copy.toString())).append('\n');
        }
      }
      yaml.append("scrape_configs:\n");
      if (jobs.isEmpty()) {
        yaml.append("  []\n");
      }
      jobs.forEach(yaml::append);
      return yaml.toString();
    }

    private static String seconds(Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static String quote(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
  }
}
