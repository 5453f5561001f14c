package com.englog.examples.stack;

import com.englog.examples.stack.ExampleStack.Monitoring;
import com.englog.observability.testsupport.MonitoringAssetCopies;
import com.englog.observability.testsupport.PostgresServer;
import com.englog.observability.testsupport.TestEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo command behind {@code scripts/run-example-stack.sh}: starts the {@link ExampleStack}, prints
 * where everything is and how to inject faults, prints each alert notification, and stops everything
 * it started on Ctrl-C (or after {@code --run-for}).
 */
@Command(name = "run-example-stack", mixinStandardHelpOptions = true, versionProvider = ExampleStackMain.Version.class,
    sortOptions = false,
    description = {
        "Starts the EngLog example API and worker with the simulated AI provider and a traffic generator;",
        "with Prometheus and Alertmanager (Debian packages) when installed, loaded with the shipped",
        "monitoring assets; with --with-postgres/--with-redis also PostgreSQL, Redis and their exporters.",
        "Everything listens on 127.0.0.1 and stops on Ctrl-C."})
public final class ExampleStackMain implements Callable<Integer> {

  @Option(names = "--api-port", defaultValue = "8080", description = "API port (0: any free port; default ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--worker-port", defaultValue = "8081", description = "Worker port (default ${DEFAULT-VALUE}).")
  int workerPort;

  @Option(names = "--ai-port", defaultValue = "8090", description = "Simulated AI provider port (default ${DEFAULT-VALUE}).")
  int aiPort;

  @Option(names = "--prometheus-port", defaultValue = "9090", description = "Prometheus port (default ${DEFAULT-VALUE}).")
  int prometheusPort;

  @Option(names = "--alertmanager-port", defaultValue = "9093", description = "Alertmanager port (default ${DEFAULT-VALUE}).")
  int alertmanagerPort;

  @Option(names = "--with-postgres", description = "Run PostgreSQL and postgres_exporter (the API uses it instead of H2).")
  boolean postgres;

  @Option(names = "--with-redis", description = "Run Redis and redis_exporter (cache and job hand-off).")
  boolean redis;

  @Option(names = "--no-monitoring", description = "Do not run Prometheus and Alertmanager.")
  boolean noMonitoring;

  @Option(names = "--time-divisor", defaultValue = "1", paramLabel = "N",
      description = "Divide every alert 'for', range, offset and group timing of the monitoring copies by N,"
          + " so alerts fire N times sooner (default ${DEFAULT-VALUE}: the shipped timings).")
  int timeDivisor;

  @Option(names = "--no-traffic", description = "Do not run the traffic generator.")
  boolean noTraffic;

  @Option(names = "--run-for", paramLabel = "SECONDS", description = "Stop by itself after this many seconds.")
  Long runFor;

  @Option(names = "--examples-dir", paramLabel = "DIR",
      description = "The examples/ folder of the checkout (default: the englog.examples.dir property, else ./examples).")
  Path examplesDirectory;

  private final PrintStream out;
  private final PrintStream err;

  ExampleStackMain(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command; returns the exit code (0 after a normal stop, 1 on failure, 2 for a usage problem). */
  static int run(PrintStream out, PrintStream err, String... args) {
    return new CommandLine(new ExampleStackMain(out, err))
        .setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true))
        .setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true))
        .execute(args);
  }

  @Override
  public Integer call() {
    ExampleStack.Options options = new ExampleStack.Options();
    options.examplesDirectory = examplesDirectory != null ? examplesDirectory.toAbsolutePath()
        : Path.of(System.getProperty("englog.examples.dir", "examples")).toAbsolutePath();
    if (System.getProperty(TestEnvironment.SERVERS_DIRECTORY_PROPERTY) == null) {
      System.setProperty(TestEnvironment.SERVERS_DIRECTORY_PROPERTY,
          options.examplesDirectory.resolve("example-stack/target/servers").toString());
    }
    options.apiPort = apiPort;
    options.workerPort = workerPort;
    options.aiPort = aiPort;
    options.prometheusPort = prometheusPort;
    options.alertmanagerPort = alertmanagerPort;
    options.postgres = postgres;
    options.redis = redis;
    options.monitoring = noMonitoring ? Monitoring.OFF : Monitoring.AUTO;
    options.timeDivisor = Math.max(1, timeDivisor);
    options.traffic = !noTraffic;
    options.printNotifications = true;
    options.progress = out;
    out.println("EngLog example stack " + version());
    ExampleStack stack;
    try {
      stack = ExampleStack.start(options);
    } catch (ExampleStack.MissingToolException | ExampleStack.PortInUseException e) {
      err.println("run-example-stack: " + e.getMessage());
      return 2;
    } catch (ExampleStack.StartFailedException e) {
      err.println("run-example-stack: " + e.getMessage());
      err.println("run-example-stack: everything started was stopped; logs are under "
          + System.getProperty(TestEnvironment.SERVERS_DIRECTORY_PROPERTY));
      return 1;
    } catch (RuntimeException | AssertionError e) {
      err.println("run-example-stack: a component did not start: " + firstLine(e.getMessage()));
      err.println("run-example-stack: everything started was stopped; logs are under "
          + System.getProperty(TestEnvironment.SERVERS_DIRECTORY_PROPERTY));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      out.println("[stack] stopping everything it started ...");
      stack.close();
      out.println("[stack] stopped");
      stopped.countDown();
    }, "example-stack-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    printGuide(stack, options);
    long deadline = runFor == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(runFor);
    int exit = 0;
    try {
      while (System.nanoTime() < deadline) {
        if (stopped.await(Math.min(30, runFor == null ? 30 : Math.max(1, runFor)), TimeUnit.SECONDS)) {
          return 0;
        }
        if (!stack.api().isAlive() || !stack.worker().isAlive() || !stack.aiProvider().isAlive()) {
          err.println("run-example-stack: a service exited; logs are in " + stack.logDirectory());
          exit = 1;
          break;
        }
        stack.traffic().ifPresent(t -> out.println("[traffic] " + t.summary()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      return exit; // the JVM is exiting: the hook stops everything
    }
    out.println("[stack] stopping everything it started ...");
    stack.close();
    out.println("[stack] stopped");
    return exit;
  }

  private void printGuide(ExampleStack stack, ExampleStack.Options options) {
    String api = stack.apiUri().toString();
    String token = "\"Authorization: Bearer $(cat " + stack.metricsTokenFile() + ")\"";
    out.println();
    out.println("The example stack is running. Ctrl-C stops everything it started.");
    out.println("  API            " + api + "   tokens: " + ExampleStack.WRITER_TOKEN + " (writer), "
        + ExampleStack.READER_TOKEN + " (reader), " + ExampleStack.ADMIN_TOKEN + " (admin)");
    out.println("                 curl -H 'Authorization: Bearer " + ExampleStack.WRITER_TOKEN + "' " + api + "/api/journals");
    out.println("  /health        curl " + api + "/health   (also /health/live, /health/ready; worker: "
        + stack.workerUri() + "/health)");
    out.println("  /metrics       curl -H " + token + " " + api + "/metrics");
    out.println("                 (the worker's " + stack.workerUri() + "/metrics takes the same token)");
    out.println("  AI provider    " + stack.aiProviderUri() + "/control");
    stack.postgres().ifPresent(p -> out.println("  PostgreSQL     " + p.jdbcUrl() + " (user " + p.user() + ")"));
    stack.redis().ifPresent(r -> out.println("  Redis          redis://127.0.0.1:" + r.port()));
    stack.prometheus().ifPresent(p -> {
      MonitoringAssetCopies copies = stack.monitoringCopies().orElseThrow();
      String login = "user " + copies.user() + ", password in " + copies.secrets().resolve("prometheus-password");
      out.println("  Prometheus     " + p.baseUri() + "   (" + login + ")");
      out.println("  Alertmanager   " + stack.alertmanager().orElseThrow().baseUri() + "   (same login)");
      out.println("  Alert timings  " + (options.timeDivisor == 1
          ? "as shipped (every for, range, offset and group timing unchanged)"
          : "every for, range, offset and group timing divided by " + options.timeDivisor
              + " (e.g. for: 2m becomes " + MonitoringAssetCopies.divide("2m", options.timeDivisor) + ")"));
      out.println("  Notifications  printed below as [alert] lines (the local stand-in for Slack, PagerDuty and e-mail)");
    });
    out.println();
    out.println("Inject faults (and undo them):");
    String json = "-H 'Content-Type: application/json'";
    out.println("  AI provider failing  curl -X PUT " + json + " -d '{\"failureRate\":1.0}' " + stack.aiProviderUri() + "/control");
    out.println("                undo   curl -X PUT " + json + " -d '{\"failureRate\":0.0}' " + stack.aiProviderUri() + "/control");
    out.println("  Error burst          curl -X PUT -H 'Authorization: Bearer " + ExampleStack.ADMIN_TOKEN + "' " + json
        + " -d '{\"errorRate\":0.5}' " + api + "/api/admin/faults");
    out.println("                undo   curl -X PUT -H 'Authorization: Bearer " + ExampleStack.ADMIN_TOKEN + "' " + json
        + " -d '{\"errorRate\":0.0}' " + api + "/api/admin/faults");
    stack.postgres().ifPresent(p -> printPostgresFaults(stack, p));
    out.println();
  }

  private void printPostgresFaults(ExampleStack stack, PostgresServer postgres) {
    Path data = stack.postgresDataDirectory().orElseThrow();
    String pid = "$(head -1 " + data.resolve("postmaster.pid") + ")";
    out.println("  PostgreSQL stopped   " + shell(stack.pgCtl("stop")));
    out.println("                undo   " + shell(stack.pgCtl("start")));
    out.println("  PostgreSQL frozen    kill -STOP " + pid + " $(pgrep -P " + pid + ")");
    out.println("                undo   kill -CONT " + pid + " $(pgrep -P " + pid + ")");
  }

  /** A command line as a shell would take it (arguments with spaces quoted). */
  static String shell(List<String> command) {
    StringBuilder line = new StringBuilder();
    for (String arg : command) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(arg.matches("[A-Za-z0-9_./:=@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return line.toString();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  static String version() {
    Properties properties = new Properties();
    try (InputStream in = ExampleStackMain.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // Unknown version.
    }
    return properties.getProperty("version", "(unknown version)");
  }

  /** picocli's version: the version of the build this launcher belongs to. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"run-example-stack " + version()};
    }
  }
}
