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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * The {@code englog-healthcheck} command: probes endpoints, evaluates PromQL checks against
 * Prometheus, or reports SLO attainment for a window; prints a report and exits non-zero on failure.
 *
 * <pre>
 * java -jar englog-healthcheck-VERSION-cli.jar --config healthcheck.yml --profile production
 * java -jar englog-healthcheck-VERSION-cli.jar --config healthcheck.yml --profile production --sla 7d --json
 * </pre>
 *
 * <p>The options, and {@code --help} and {@code --version}, are picocli's from {@link Arguments}.
 * Exit codes: {@link ExitCode}. The Slack webhook URL is read from the file or environment variable
 * the configuration names, never from the command line.
 */
public final class HealthCheckCli {

  /** The command line as picocli reads it; the environment's defaults are applied afterwards. */
  @Command(name = "englog-healthcheck", mixinStandardHelpOptions = true, versionProvider = Version.class,
      sortOptions = false, usageHelpWidth = 100,
      description = "Probes endpoints and evaluates PromQL checks against Prometheus, or reports SLO "
          + "attainment for a window; prints a report and exits non-zero on failure.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
          "0:healthy: every check passed (warnings allowed)",
          "1:unhealthy: a critical check failed, or an SLO was missed",
          "2:usage or configuration error",
          "3:healthy, but the Slack summary could not be delivered"},
      footer = "%nThe Slack webhook URL comes from the file or environment variable the configuration "
          + "names, never from the command line.")
  static final class Arguments {

    @Option(names = "--config", paramLabel = "FILE",
        description = "configuration (default: $ENGLOG_HEALTHCHECK_CONFIG, else ./healthcheck.yml)")
    String config;

    @Option(names = "--profile", paramLabel = "NAME",
        description = "environment profile, e.g. production or staging "
            + "(default: $ENGLOG_HEALTHCHECK_PROFILE, else the file's defaultProfile)")
    String profile;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "the profile, as with --profile NAME")
    String profileArgument;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Option(names = "--sla", paramLabel = "WINDOW", converter = SlaWindow.class,
        description = "report SLO attainment, error budget and dependency availability over 1h, 24h, 7d "
            + "or 30d instead of running the checks")
    String sla;

    @Option(names = "--no-notify", description = "do not post the Slack summary even if configured")
    boolean noNotify;
  }

  /** {@code --sla}: one of the windows the SLO recording rules have. */
  static final class SlaWindow implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!SlaReport.WINDOWS.containsKey(value)) {
        throw new CommandLine.TypeConversionException("must be one of 1h, 24h, 7d, 30d, was " + value);
      }
      return value;
    }
  }

  /** {@code --version}: the jar's {@code Implementation-Version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = HealthCheckCli.class.getPackage().getImplementationVersion();
      return new String[] {"englog-healthcheck " + (version == null ? "(not built as a jar)" : version)};
    }
  }

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
    Arguments a = new Arguments();
    CommandLine command = new CommandLine(a);
    try {
      command.parseArgs(args);
      if (a.profile != null && a.profileArgument != null) {
        throw new ParameterException(command, "the profile is given twice: --profile " + a.profile + " and "
            + a.profileArgument);
      }
    } catch (ParameterException e) {
      err.println("englog-healthcheck: " + e.getMessage());
      command.usage(err, Help.Ansi.OFF);
      return ExitCode.USAGE;
    }
    if (command.isUsageHelpRequested()) {
      command.usage(out, Help.Ansi.OFF);
      return ExitCode.HEALTHY;
    }
    if (command.isVersionHelpRequested()) {
      command.printVersionHelp(out, Help.Ansi.OFF);
      return ExitCode.HEALTHY;
    }
    String configPath = a.config != null ? a.config
        : Optional.ofNullable(env.apply("ENGLOG_HEALTHCHECK_CONFIG")).orElse("healthcheck.yml");
    String profile = a.profile != null ? a.profile
        : a.profileArgument != null ? a.profileArgument : env.apply("ENGLOG_HEALTHCHECK_PROFILE");
    try {
      return run(Config.load(Path.of(configPath), profile), a.sla, a.json, !a.noNotify);
    } catch (ConfigException e) {
      err.println("englog-healthcheck: " + e.getMessage());
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
}
