package com.englog.observability.healthcheck;

import com.englog.observability.common.Secret;
import com.englog.observability.healthcheck.internal.CheckOutcome;
import com.englog.observability.healthcheck.internal.Checks;
import com.englog.observability.healthcheck.internal.Config;
import com.englog.observability.healthcheck.internal.ConfigException;
import com.englog.observability.healthcheck.internal.PrometheusClient;
import com.englog.observability.healthcheck.internal.Reports;
import com.englog.observability.healthcheck.internal.SlaReport;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The {@code englog-healthcheck} command: probes endpoints, evaluates PromQL checks against
 * Prometheus, or reports SLO attainment for a window; prints a report and exits non-zero on failure.
 *
 * <pre>
 * java -jar englog-healthcheck-VERSION-cli.jar --config healthcheck.yml --profile production
 * java -jar englog-healthcheck-VERSION-cli.jar --config healthcheck.yml --profile production --sla 7d --json
 * </pre>
 *
 * <p>Options: {@code --config FILE} (default {@code $ENGLOG_HEALTHCHECK_CONFIG}, else {@code
 * healthcheck.yml}), {@code --profile NAME} (or the first plain argument; default {@code
 * $ENGLOG_HEALTHCHECK_PROFILE}, else the file's {@code defaultProfile}), {@code --json}, {@code --sla
 * WINDOW} (1h, 24h, 7d, 30d), {@code --no-notify}, {@code --help}. Exit codes: {@link ExitCode}. The
 * Slack webhook URL is read from the file or environment variable the configuration names, never from
 * the command line.
 */
public final class HealthCheckCli {

  private static final String USAGE_TEXT = String.join("\n",
      "usage: englog-healthcheck [--config FILE] [--profile NAME | NAME] [--json] [--sla 1h|24h|7d|30d] [--no-notify]",
      "",
      "  --config FILE   configuration (default: $ENGLOG_HEALTHCHECK_CONFIG, else ./healthcheck.yml)",
      "  --profile NAME  environment profile, e.g. production or staging",
      "                  (default: $ENGLOG_HEALTHCHECK_PROFILE, else the file's defaultProfile)",
      "  --json          print the report as JSON",
      "  --sla WINDOW    report SLO attainment, error budget and dependency availability instead",
      "  --no-notify     do not post the Slack summary even if configured",
      "",
      "exit codes: 0 healthy, 1 unhealthy, 2 usage or configuration error, 3 healthy but Slack failed");

  private final PrintStream out;
  private final PrintStream err;
  private final Function<String, String> env;
  private final Clock clock;
  private final HttpClient http;

  private HealthCheckCli(PrintStream out, PrintStream err, Function<String, String> env, Clock clock) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Runs the command and exits with its {@link ExitCode}. */
  public static void main(String[] args) {
    // The CLI prints its own report; library warnings go to stderr, quietly.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "error"));
    System.exit(run(args, System.out, System.err, System::getenv).code());
  }

  /**
   * Runs the command with the given streams and environment (tests, embedding).
   *
   * @return how the run ended; {@link ExitCode#code()} is the process exit status
   */
  public static ExitCode run(String[] args, PrintStream out, PrintStream err, Function<String, @Nullable String> env) {
    Objects.requireNonNull(args, "args");
    return new HealthCheckCli(Objects.requireNonNull(out, "out"), Objects.requireNonNull(err, "err"),
        Objects.requireNonNull(env, "env"), Clock.systemUTC()).execute(args);
  }

  private ExitCode execute(String[] args) {
    String configPath = null;
    String profile = null;
    String sla = null;
    boolean json = false;
    boolean notify = true;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--config": configPath = value(args, ++i, a); break;
          case "--profile": profile = value(args, ++i, a); break;
          case "--sla": sla = value(args, ++i, a); break;
          case "--json": json = true; break;
          case "--no-notify": notify = false; break;
          case "-h":
          case "--help":
            out.println(USAGE_TEXT);
            return ExitCode.HEALTHY;
          default:
            if (a.startsWith("-")) {
              throw new ConfigException("unknown option " + a);
            }
            if (profile != null) {
              throw new ConfigException("unexpected argument " + a + " (profile already " + profile + ")");
            }
            profile = a;
        }
      }
      if (sla != null && !SlaReport.WINDOWS.containsKey(sla)) {
        throw new ConfigException("--sla must be one of 1h, 24h, 7d, 30d, was " + sla);
      }
      if (configPath == null) {
        configPath = Optional.ofNullable(env.apply("ENGLOG_HEALTHCHECK_CONFIG")).orElse("healthcheck.yml");
      }
      if (profile == null) {
        profile = env.apply("ENGLOG_HEALTHCHECK_PROFILE");
      }
      Config config = Config.load(Path.of(configPath), profile);
      return run(config, sla, json, notify);
    } catch (ConfigException e) {
      err.println("englog-healthcheck: " + e.getMessage());
      err.println(USAGE_TEXT);
      return ExitCode.USAGE;
    }
  }

  private ExitCode run(Config config, String sla, boolean json, boolean notify) throws ConfigException {
    PrometheusClient prometheus = null;
    if (config.prometheus() != null) {
      Secret token = config.prometheus().bearerTokenFile() != null
          ? Secret.fromFile(Path.of(config.prometheus().bearerTokenFile()))
          : config.prometheus().bearerTokenEnv() != null ? Secret.fromEnv(config.prometheus().bearerTokenEnv(), env) : null;
      prometheus = new PrometheusClient(config.prometheus().url(), token, http);
    }
    Instant at = clock.instant();
    List<CheckOutcome> outcomes;
    String title;
    if (sla != null) {
      if (prometheus == null) {
        throw new ConfigException("--sla needs prometheus.url in the configuration");
      }
      title = "SLA report (" + sla + ")";
      try {
        outcomes = SlaReport.run(prometheus, sla, config.dependencyObjective(), config.slaPassOnNoData(),
            config.prometheus().timeout());
      } catch (IOException e) {
        err.println("englog-healthcheck: cannot read the SLO series from Prometheus: " + e.getMessage());
        return ExitCode.UNHEALTHY;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ExitCode.UNHEALTHY;
      }
    } else {
      if (config.endpoints().isEmpty() && config.checks().isEmpty()) {
        throw new ConfigException("the configuration has no endpoints and no checks for profile " + config.profile());
      }
      title = "health check";
      outcomes = Checks.run(config, prometheus, http);
    }
    out.print(json ? Reports.json(sla == null ? "check" : "sla", config.profile(), at, outcomes) + "\n"
        : Reports.text(title, config.profile(), at, outcomes));
    out.flush();
    boolean healthy = Reports.healthy(outcomes);
    boolean delivered = true;
    if (notify && config.slack() != null && (!config.slack().onlyOnFailure() || !healthy)) {
      delivered = postToSlack(config, Reports.slack(sla == null ? "Health check" : "SLA report " + sla,
          config.profile(), outcomes));
    }
    if (!healthy) {
      return ExitCode.UNHEALTHY;
    }
    return delivered ? ExitCode.HEALTHY : ExitCode.NOTIFICATION_FAILED;
  }

  private boolean postToSlack(Config config, String payload) {
    Secret secret = config.slack().webhookUrlFile() != null
        ? Secret.fromFile(Path.of(config.slack().webhookUrlFile()))
        : Secret.fromEnv(config.slack().webhookUrlEnv(), env);
    Optional<String> url = secret.value();
    if (url.isEmpty()) {
      err.println("englog-healthcheck: Slack summary not sent: no webhook URL in " + secret);
      return false;
    }
    URI uri;
    try {
      uri = URI.create(url.get());
    } catch (IllegalArgumentException e) {
      err.println("englog-healthcheck: Slack summary not sent: the webhook URL in " + secret + " is not a URL");
      return false;
    }
    // The webhook URL is a secret: messages name its host only.
    String host = uri.getHost() == null ? "?" : uri.getHost();
    try {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8)).build(),
          HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 != 2) {
        err.println("englog-healthcheck: Slack webhook at " + host + " answered HTTP " + response.statusCode());
        return false;
      }
      return true;
    } catch (IOException | IllegalArgumentException e) {
      err.println("englog-healthcheck: Slack summary to " + host + " failed: " + e.getClass().getSimpleName());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String value(String[] args, int i, String option) throws ConfigException {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new ConfigException(option + " needs a value");
    }
    return args[i];
  }
}
