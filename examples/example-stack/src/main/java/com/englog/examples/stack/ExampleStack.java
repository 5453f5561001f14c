package com.englog.examples.stack;

import com.englog.observability.testsupport.AlertWebhookReceiver;
import com.englog.observability.testsupport.AlertmanagerServer;
import com.englog.observability.testsupport.ExporterServer;
import com.englog.observability.testsupport.ExternalTool;
import com.englog.observability.testsupport.FreePort;
import com.englog.observability.testsupport.JavaServiceProcess;
import com.englog.observability.testsupport.ManagedProcess;
import com.englog.observability.testsupport.MonitoringAssetCopies;
import com.englog.observability.testsupport.OtlpHttpReceiver;
import com.englog.observability.testsupport.PostgresServer;
import com.englog.observability.testsupport.PrometheusServer;
import com.englog.observability.testsupport.RedisServer;
import com.englog.observability.testsupport.TestEnvironment;
import com.englog.observability.testsupport.ToolRun;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The example stack on loopback, started component by component with englog-test-support's launchers
 * and stopped in reverse order by {@link #close()}: the simulated AI provider, the worker and the API
 * (the example jars under {@code examples/*}{@code /target/}), optionally PostgreSQL and Redis with their
 * exporters (Debian's packages), an OTLP receiver for spans, Prometheus and Alertmanager running
 * per-run copies of the shipped monitoring assets ({@link MonitoringAssetCopies}) with every receiver
 * pointed at a local {@link AlertWebhookReceiver}, and a {@link TrafficGenerator}.
 *
 * <p>The demo ({@link ExampleStackMain}) and the end-to-end test start it with the same code; {@link
 * Options} says what to start. Every readiness wait is reported on {@link Options#progress}.
 */
public final class ExampleStack implements AutoCloseable {

  /** Service names, as the examples' {@code OTEL_SERVICE_NAME} defaults and Prometheus jobs call them. */
  public static final String API = "englog-api";
  public static final String WORKER = "englog-worker";
  public static final String AI_PROVIDER = "englog-ai-provider";
  /** Tokens the API accepts when no token file is configured. */
  public static final String WRITER_TOKEN = "demo-alice";
  public static final String READER_TOKEN = "demo-bob-readonly";
  public static final String ADMIN_TOKEN = "demo-admin";

  private static final Duration READY = Duration.ofSeconds(90);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Whether Prometheus and Alertmanager run. */
  public enum Monitoring {
    /** Run them when their packages are installed; otherwise say what to install and go on without. */
    AUTO,
    /** Run them; a missing package is an error. */
    ON,
    OFF
  }

  /** What to start, on which ports, and where to report progress. */
  public static final class Options {
    /** The {@code examples/} folder holding the built example projects. */
    public Path examplesDirectory;
    /** The unpacked {@code englog-monitoring-assets} zip (default {@code examples/example-stack/target/monitoring}). */
    public Path monitoringAssets;
    /** Ports; 0 picks a free one. */
    public int apiPort = 8080;
    public int workerPort = 8081;
    public int aiPort = 8090;
    public int prometheusPort = 9090;
    public int alertmanagerPort = 9093;
    public boolean postgres;
    public boolean redis;
    public Monitoring monitoring = Monitoring.AUTO;
    /** Export spans to a local OTLP receiver. */
    public boolean otlp;
    /** Every {@code for}, range, offset and group timing of the monitoring copies divided by this. */
    public int timeDivisor = 1;
    /** Overrides the (divided) scrape intervals of the copies; null keeps them. */
    public Duration scrapeInterval;
    /** Overrides the (divided) evaluation interval of the copies; null keeps it. */
    public Duration evaluationInterval;
    /** Run the traffic generator. */
    public boolean traffic = true;
    public Duration trafficPeriod = Duration.ofMillis(500);
    /** Print each alert notification as one line on {@link #progress}. */
    public boolean printNotifications;
    /** How long the services drain on SIGTERM ({@code ENGLOG_EXAMPLE_DRAIN_SECONDS}). */
    public int drainSeconds = 2;
    public PrintStream progress = System.out;
  }

  /** A program the requested components need is not installed; the message is one line. */
  public static final class MissingToolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingToolException(String message) {
      super(message);
    }
  }

  /** A requested port is taken; the message is one line. */
  public static final class PortInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortInUseException(String message) {
      super(message);
    }
  }

  /**
   * A component did not become ready; the message is one line naming it and its log, the cause
   * carries the launcher's full report (with the log's tail).
   */
  public static final class StartFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StartFailedException(String component, Throwable cause) {
      super(component + " did not start: " + summary(cause.getMessage()), cause);
    }

    private static String summary(String message) {
      if (message == null) {
        return "(no message)";
      }
      int log = message.indexOf("; log:");
      String head = log < 0 ? message : message.substring(0, log);
      String tail = log < 0 ? "" : message.substring(log + "; log:".length()).strip();
      int newline = head.indexOf('\n');
      head = newline < 0 ? head : head.substring(0, newline);
      if (!tail.isEmpty()) {
        String[] lines = tail.split("\n");
        head += " (log: " + lines[0].strip() + (lines.length > 1 ? " ..." : "") + ")";
      }
      return head;
    }
  }

  private final Options options;
  private final Deque<Stoppable> started = new ArrayDeque<>();
  private final Path runDirectory;
  private final Path logDirectory;
  private final Path metricsTokenFile;
  private final String metricsToken;
  private final Map<String, List<String>> launchedCommands = new LinkedHashMap<>();
  private boolean monitoring;
  private int apiPort;
  private int workerPort;
  private int aiPort;
  private PostgresServer postgres;
  private ExporterServer postgresExporter;
  private RedisServer redis;
  private ExporterServer redisExporter;
  private OtlpHttpReceiver otlp;
  private JavaServiceProcess aiProvider;
  private JavaServiceProcess worker;
  private JavaServiceProcess api;
  private AlertWebhookReceiver webhooks;
  private MonitoringAssetCopies copies;
  private AlertmanagerServer alertmanager;
  private PrometheusServer prometheus;
  private TrafficGenerator traffic;

  private interface Stoppable {
    void stop() throws Exception;
  }

  private ExampleStack(Options options) {
    this.options = options;
    try {
      runDirectory = Files.createTempDirectory("englog-example-stack-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      logDirectory = TestEnvironment.scratchDirectory("example-stack");
      byte[] token = new byte[24];
      RANDOM.nextBytes(token);
      metricsToken = HexFormat.of().formatHex(token);
      metricsTokenFile = Files.createFile(runDirectory.resolve("metrics-token"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(metricsTokenFile, metricsToken, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts every requested component, each after the ones it depends on, and waits until each is
   * ready. If one fails, everything started so far is stopped and the failure is thrown.
   *
   * @throws MissingToolException when a required program is not installed (nothing started)
   * @throws PortInUseException when a requested port is taken (nothing started)
   */
  public static ExampleStack start(Options options) {
    Objects.requireNonNull(options.examplesDirectory, "examplesDirectory");
    ExampleStack stack = new ExampleStack(options);
    try {
      stack.startAll();
      return stack;
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll() {
    apiPort = port(options.apiPort, "API");
    workerPort = port(options.workerPort, "worker");
    aiPort = port(options.aiPort, "AI provider");
    requireTools();
    int prometheusPort = monitoring ? port(options.prometheusPort, "Prometheus") : 0;
    int alertmanagerPort = monitoring ? port(options.alertmanagerPort, "Alertmanager") : 0;
    requireJar("englog-api-example");
    requireJar("englog-worker-example");
    PrintStream out = options.progress;
    out.println("[stack] logs in " + logDirectory);

    if (options.postgres) {
      postgres = step("PostgreSQL", () -> PostgresServer.start(), p -> "127.0.0.1:" + p.port());
      started.push(this::stopPostgres);
      postgresExporter = step("postgres_exporter", () -> ExporterServer.builder(ExternalTool.POSTGRES_EXPORTER)
          .environment("DATA_SOURCE_NAME", "postgresql://" + postgres.user() + "@127.0.0.1:" + postgres.port()
              + "/postgres?sslmode=disable")
          .start(), e -> e.baseUri() + "/metrics");
      started.push(postgresExporter::close);
    }
    if (options.redis) {
      redis = step("Redis", RedisServer::start, r -> "127.0.0.1:" + r.port());
      started.push(redis::close);
      redisExporter = step("redis_exporter", () -> ExporterServer.builder(ExternalTool.REDIS_EXPORTER)
          .flag("--redis.addr=redis://127.0.0.1:" + redis.port()).start(), e -> e.baseUri() + "/metrics");
      started.push(redisExporter::close);
    }
    if (options.otlp) {
      otlp = OtlpHttpReceiver.start();
      started.push(otlp::close);
      out.println("[stack] ready: OTLP span receiver " + otlp.endpoint() + OtlpHttpReceiver.TRACES_PATH);
    }

    aiProvider = startJava(AI_PROVIDER, "/health");
    worker = startJava(WORKER, "/health/ready");
    api = startJava(API, "/health/ready");

    if (monitoring) {
      webhooks = AlertWebhookReceiver.start();
      if (options.printNotifications) {
        // The Watchdog heartbeat repeats every repeat_interval: print its first notification only.
        AtomicBoolean heartbeatShown = new AtomicBoolean();
        webhooks.printTo(out, n -> !n.receiver().equals("deadmansswitch") || heartbeatShown.compareAndSet(false, true));
      }
      started.push(webhooks::close);
      out.println("[stack] ready: alert webhook receiver " + webhooks.url("") + "<receiver name>");
      MonitoringAssetCopies.Builder builder = MonitoringAssetCopies.builder(monitoringAssets())
          .timeDivisor(options.timeDivisor)
          .metricsToken(metricsToken)
          .target(API, "127.0.0.1:" + apiPort)
          .target(WORKER, "127.0.0.1:" + workerPort)
          .target("prometheus", "127.0.0.1:" + prometheusPort)
          .target("alertmanager", "127.0.0.1:" + alertmanagerPort)
          .alertmanager("127.0.0.1:" + alertmanagerPort)
          .receiverUrl(webhooks::url)
          .under(runDirectory);
      if (postgresExporter != null) {
        builder.target("postgres", "127.0.0.1:" + postgresExporter.port());
      }
      if (redisExporter != null) {
        builder.target("redis", "127.0.0.1:" + redisExporter.port());
      }
      if (options.scrapeInterval != null) {
        builder.scrapeInterval(options.scrapeInterval);
      }
      if (options.evaluationInterval != null) {
        builder.evaluationInterval(options.evaluationInterval);
      }
      copies = builder.write();
      out.println("[stack] monitoring copies in " + copies.directory() + " (timings of the shipped files"
          + (options.timeDivisor == 1 ? " unchanged" : " divided by " + options.timeDivisor) + ")");
      alertmanager = step("Alertmanager", () -> AlertmanagerServer.builder().port(alertmanagerPort)
          .config(copies.alertmanagerConfig())
          .webConfig(copies.alertmanagerWebConfig(), copies.user(), copies.password()).start(),
          a -> a.baseUri().toString());
      started.push(alertmanager::close);
      prometheus = step("Prometheus", () -> PrometheusServer.builder().port(prometheusPort)
          .configFile(copies.prometheusConfig())
          .webConfig(copies.prometheusWebConfig(), copies.user(), copies.password())
          .flag("--enable-feature=exemplar-storage")
          .start(), p -> p.baseUri().toString());
      started.push(prometheus::close);
    }
    if (options.traffic) {
      traffic = new TrafficGenerator(apiUri(), options.trafficPeriod);
      traffic.start();
      started.push(traffic::close);
      out.println("[stack] traffic generator: journals create/list/get/summary as " + WRITER_TOKEN
          + ", plus a few 401 and 403, every " + options.trafficPeriod.toMillis() + " ms");
    }
  }

  private void requireJar(String example) {
    Path jar = jarPath(options.examplesDirectory, example);
    if (!Files.isRegularFile(jar)) {
      throw new MissingToolException(jar + " is not built; build it with: ./mvnw -B -ntp -q -pl examples/example-stack -am package -DskipTests");
    }
  }

  private static Path jarPath(Path examplesDirectory, String example) {
    return examplesDirectory.resolve(example).resolve("target").resolve(example + ".jar");
  }

  private Path monitoringAssets() {
    Path assets = options.monitoringAssets != null ? options.monitoringAssets
        : options.examplesDirectory.resolve("example-stack/target/monitoring");
    if (!Files.isRegularFile(assets.resolve("prometheus/prometheus.yml"))) {
      throw new MissingToolException("the monitoring assets are not unpacked in " + assets
          + "; build them with: ./mvnw -B -ntp -q -pl examples/example-stack -am package -DskipTests");
    }
    return assets;
  }

  private void requireTools() {
    Set<ExternalTool> required = new LinkedHashSet<>();
    if (options.postgres) {
      required.addAll(List.of(ExternalTool.POSTGRES, ExternalTool.INITDB, ExternalTool.PG_CTL,
          ExternalTool.POSTGRES_EXPORTER));
    }
    if (options.redis) {
      required.addAll(List.of(ExternalTool.REDIS_SERVER, ExternalTool.REDIS_EXPORTER));
    }
    List<ExternalTool> monitoringTools = List.of(ExternalTool.PROMETHEUS, ExternalTool.ALERTMANAGER);
    monitoring = options.monitoring != Monitoring.OFF;
    if (options.monitoring == Monitoring.AUTO) {
      List<ExternalTool> missing = missing(monitoringTools);
      if (!missing.isEmpty()) {
        monitoring = false;
        options.progress.println("[stack] Prometheus and Alertmanager are not installed: monitoring skipped. "
            + "Install them with: " + installLine(missing));
      }
    } else if (options.monitoring == Monitoring.ON) {
      required.addAll(monitoringTools);
    }
    List<ExternalTool> missing = missing(new ArrayList<>(required));
    if (!missing.isEmpty()) {
      throw new MissingToolException("not installed: " + missing + "; install with: " + installLine(missing));
    }
  }

  private static List<ExternalTool> missing(List<ExternalTool> tools) {
    List<ExternalTool> missing = new ArrayList<>();
    for (ExternalTool tool : tools) {
      if (tool.find().isEmpty()) {
        missing.add(tool);
      }
    }
    return missing;
  }

  /** One {@code apt-get install} line for every package of {@code tools}. */
  static String installLine(List<ExternalTool> tools) {
    Set<String> packages = new LinkedHashSet<>();
    for (ExternalTool tool : tools) {
      String command = tool.installCommand();
      packages.add(command.substring(command.lastIndexOf(' ') + 1));
    }
    return "sudo apt-get install -y --no-install-recommends " + String.join(" ", packages);
  }

  private static int port(int requested, String what) {
    if (requested == 0) {
      return FreePort.next();
    }
    try (ServerSocket socket = new ServerSocket(requested, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new PortInUseException("port " + requested + " for the " + what + " is in use on 127.0.0.1;"
          + " choose another with its --*-port option (0 picks a free one)");
    }
  }

  private <T> T step(String what, Supplier<T> start, Function<T, String> where) {
    options.progress.println("[stack] starting " + what + " ...");
    long t0 = System.nanoTime();
    T component;
    try {
      component = start.get();
    } catch (AssertionError | RuntimeException e) {
      throw new StartFailedException(what, e);
    }
    options.progress.printf("[stack] ready: %s %s (%.1f s)%n", what, where.apply(component),
        (System.nanoTime() - t0) / 1e9);
    return component;
  }

  /**
   * What the Java services' command lines depend on: where the jars are, the ports, the shared token
   * file, and the components that run ({@code redisPort} 0, {@code jdbcUrl} and {@code otlpEndpoint}
   * null when they do not).
   */
  record Wiring(Path examplesDirectory, int apiPort, int workerPort, int aiPort, Path metricsTokenFile,
      int drainSeconds, int redisPort, String jdbcUrl, String jdbcUser, String otlpEndpoint) {

    int port(String service) {
      return switch (service) {
        case API -> apiPort;
        case WORKER -> workerPort;
        case AI_PROVIDER -> aiPort;
        default -> throw new IllegalArgumentException("not a Java service: " + service);
      };
    }
  }

  private Wiring wiring() {
    return new Wiring(options.examplesDirectory, apiPort, workerPort, aiPort, metricsTokenFile,
        options.drainSeconds, redis == null ? 0 : redis.port(), postgres == null ? null : postgres.jdbcUrl(),
        postgres == null ? null : postgres.user(), otlp == null ? null : otlp.endpoint());
  }

  /** The process {@code service} is started as: jar or main class, JVM options and environment {@code env}. */
  private static JavaServiceProcess.Builder processBuilder(String service, Wiring wiring, Map<String, String> env) {
    Path apiJar = jarPath(wiring.examplesDirectory(), "englog-api-example");
    JavaServiceProcess.Builder builder = switch (service) {
      case AI_PROVIDER -> JavaServiceProcess.main(AI_PROVIDER, apiJar, "com.englog.examples.api.ai.SimulatedAiProviderMain");
      case WORKER -> JavaServiceProcess.jar(WORKER, jarPath(wiring.examplesDirectory(), "englog-worker-example"));
      case API -> JavaServiceProcess.jar(API, apiJar);
      default -> throw new IllegalArgumentException("not a Java service: " + service);
    };
    return builder.environment(env).jvmOption("-Xmx256m");
  }

  /** {@code service}'s command line as {@link #launchedCommands()} records it, without starting anything. */
  static List<String> plannedCommand(String service, Wiring wiring) {
    Map<String, String> env = environment(service, wiring);
    return describe(processBuilder(service, wiring, env).command(), env);
  }

  private JavaServiceProcess startJava(String service, String readyPath) {
    Wiring wiring = wiring();
    int port = wiring.port(service);
    Map<String, String> env = environment(service, wiring);
    JavaServiceProcess.Builder builder = processBuilder(service, wiring, env)
        .logFile(logDirectory.resolve(service + ".log"))
        .readiness(URI.create("http://127.0.0.1:" + port + readyPath));
    launchedCommands.put(service, describe(builder.command(), env));
    JavaServiceProcess process = step(service, () -> builder.start(READY),
        p -> "http://127.0.0.1:" + port + " (pid " + p.pid() + ", log " + p.logFile() + ")");
    started.push(() -> process.stop(Duration.ofSeconds(options.drainSeconds + 10L)));
    return process;
  }

  private static Map<String, String> environment(String service, Wiring wiring) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ENGLOG_EXAMPLE_BIND", "127.0.0.1");
    env.put("ENGLOG_EXAMPLE_PORT", Integer.toString(wiring.port(service)));
    env.put("OTEL_SERVICE_NAME", service);
    if (service.equals(AI_PROVIDER)) {
      addOtlp(env, wiring);
      return env;
    }
    env.put("ENGLOG_EXAMPLE_METRICS_TOKEN_FILE", wiring.metricsTokenFile().toString());
    env.put("ENGLOG_EXAMPLE_AI_URL", "http://127.0.0.1:" + wiring.aiPort());
    env.put("ENGLOG_EXAMPLE_DRAIN_SECONDS", Integer.toString(wiring.drainSeconds()));
    if (wiring.redisPort() != 0) {
      env.put("ENGLOG_EXAMPLE_REDIS_URL", "redis://127.0.0.1:" + wiring.redisPort());
    }
    if (service.equals(API)) {
      env.put("ENGLOG_EXAMPLE_WORKER_URL", "http://127.0.0.1:" + wiring.workerPort());
      if (wiring.jdbcUrl() != null) {
        env.put("ENGLOG_EXAMPLE_JDBC_URL", wiring.jdbcUrl());
        env.put("ENGLOG_EXAMPLE_JDBC_USER", wiring.jdbcUser());
      }
    }
    addOtlp(env, wiring);
    return env;
  }

  private static void addOtlp(Map<String, String> env, Wiring wiring) {
    if (wiring.otlpEndpoint() != null) {
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", wiring.otlpEndpoint());
      env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
      env.put("OTEL_METRICS_EXPORTER", "none");
      env.put("OTEL_LOGS_EXPORTER", "none");
      env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
    }
  }

  private static List<String> describe(List<String> command, Map<String, String> env) {
    List<String> line = new ArrayList<>();
    env.forEach((k, v) -> line.add(k + "=" + v));
    line.addAll(command);
    return line;
  }

  /** The command line (environment first) each Java service was started with, by service name. */
  public Map<String, List<String>> launchedCommands() {
    return Map.copyOf(launchedCommands);
  }

  public URI apiUri() {
    return URI.create("http://127.0.0.1:" + apiPort);
  }

  public URI workerUri() {
    return URI.create("http://127.0.0.1:" + workerPort);
  }

  public URI aiProviderUri() {
    return URI.create("http://127.0.0.1:" + aiPort);
  }

  /** The bearer-token file both services protect {@code /metrics} with (mode 600). */
  public Path metricsTokenFile() {
    return metricsTokenFile;
  }

  public String metricsToken() {
    return metricsToken;
  }

  /** Where the services' logs are. */
  public Path logDirectory() {
    return logDirectory;
  }

  public JavaServiceProcess api() {
    return api;
  }

  public JavaServiceProcess worker() {
    return worker;
  }

  public JavaServiceProcess aiProvider() {
    return aiProvider;
  }

  public Optional<PostgresServer> postgres() {
    return Optional.ofNullable(postgres);
  }

  public Optional<RedisServer> redis() {
    return Optional.ofNullable(redis);
  }

  public Optional<OtlpHttpReceiver> otlp() {
    return Optional.ofNullable(otlp);
  }

  public Optional<PrometheusServer> prometheus() {
    return Optional.ofNullable(prometheus);
  }

  public Optional<AlertmanagerServer> alertmanager() {
    return Optional.ofNullable(alertmanager);
  }

  public Optional<AlertWebhookReceiver> webhooks() {
    return Optional.ofNullable(webhooks);
  }

  public Optional<MonitoringAssetCopies> monitoringCopies() {
    return Optional.ofNullable(copies);
  }

  public Optional<TrafficGenerator> traffic() {
    return Optional.ofNullable(traffic);
  }

  /** The PostgreSQL data directory, for {@code pg_ctl}. */
  public Optional<Path> postgresDataDirectory() {
    return postgres().map(p -> p.directory().resolve("data"));
  }

  /**
   * The {@code pg_ctl} command line that stops ({@code "stop"}) or starts ({@code "start"}) the
   * stack's PostgreSQL, run as {@code postgres} through {@code runuser} when this JVM runs as root.
   */
  public List<String> pgCtl(String action) {
    PostgresServer pg = postgres().orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
    List<String> command = new ArrayList<>();
    if (isRoot()) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    Path data = pg.directory().resolve("data");
    command.add(ExternalTool.PG_CTL.find().map(Path::toString).orElse("pg_ctl"));
    if ("start".equals(action)) {
      command.addAll(List.of("start", "-w", "-D", data.toString(), "-l", pg.directory().resolve("restarted.log").toString(),
          "-o", "-p " + pg.port() + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
              + pg.directory().resolve("sock")));
    } else {
      command.addAll(List.of(action, "-w", "-D", data.toString(), "-m", "fast"));
    }
    return command;
  }

  /** Runs {@link #pgCtl(String)}; fails with its output unless it exits 0. */
  public void runPgCtl(String action) {
    ToolRun run = ToolRun.run(pgCtl(action), null, Duration.ofSeconds(60));
    if (run.exitCode() != 0) {
      throw new IllegalStateException("pg_ctl " + action + " failed: " + run.describe());
    }
  }

  /** Whether this JVM runs as root (PostgreSQL then runs as {@code postgres}). */
  public static boolean isRoot() {
    ToolRun id = ToolRun.run(List.of("id", "-u"), null, Duration.ofSeconds(10));
    return id.exitCode() == 0 && "0".equals(id.stdout().strip());
  }

  /** {@code PUT /control} of the simulated AI provider: latency and failure rate of its answers. */
  public int controlAiProvider(long latencyMs, double failureRate) {
    return put(aiProviderUri().resolve("/control"), null,
        "{\"latencyMs\":" + latencyMs + ",\"failureRate\":" + failureRate + "}");
  }

  /** {@code PUT /api/admin/faults} of the API as admin: the share of journal requests answered 500. */
  public int setApiErrorRate(double errorRate) {
    return put(apiUri().resolve("/api/admin/faults"), ADMIN_TOKEN, "{\"errorRate\":" + errorRate + "}");
  }

  private static int put(URI uri, String token, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException("PUT " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void stopPostgres() {
    // A postmaster someone started with pg_ctl after stopping ours is not our child: stop it by PID.
    long pid = -1;
    Path pidFile = postgres.directory().resolve("data/postmaster.pid");
    try {
      if (Files.isRegularFile(pidFile)) {
        pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      }
    } catch (IOException | RuntimeException e) {
      // No readable PID file: nothing but our own process to stop.
    }
    postgres.close();
    if (pid > 0) {
      ManagedProcess.stopPid(pid, Duration.ofSeconds(15));
    }
  }

  /** Stops everything that was started, in reverse order, and removes the run's secrets. */
  @Override
  public synchronized void close() {
    List<String> failures = new ArrayList<>();
    while (!started.isEmpty()) {
      Stoppable s = started.pop();
      try {
        s.stop();
      } catch (Exception | AssertionError e) {
        failures.add(e.toString());
      }
    }
    try (Stream<Path> tree = Files.walk(runDirectory)) {
      for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      failures.add(e.toString());
    }
    if (!failures.isEmpty()) {
      options.progress.println("[stack] while stopping: " + failures);
    }
  }
}
