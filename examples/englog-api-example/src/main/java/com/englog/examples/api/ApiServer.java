package com.englog.examples.api;

import com.englog.examples.api.admin.Faults;
import com.englog.examples.api.admin.FaultsHandler;
import com.englog.examples.api.jobs.AiJobPublisher;
import com.englog.examples.api.jobs.HttpJobQueue;
import com.englog.examples.api.jobs.JobQueue;
import com.englog.examples.api.jobs.RedisJobQueue;
import com.englog.examples.api.journals.Database;
import com.englog.examples.api.journals.JournalHandlers;
import com.englog.examples.api.journals.JournalRepository;
import com.englog.examples.api.summaries.AiClient;
import com.englog.examples.api.summaries.InProcessSummaryCache;
import com.englog.examples.api.summaries.RedisSummaryCache;
import com.englog.examples.api.summaries.SummaryCache;
import com.englog.examples.api.summaries.SummaryHandler;
import com.englog.examples.api.web.ApiRequestDetails;
import com.englog.examples.api.web.Role;
import com.englog.examples.api.web.Router;
import com.englog.examples.api.web.Sessions;
import com.englog.examples.api.web.SessionsHandler;
import com.englog.examples.api.web.Users;
import com.englog.observability.common.Secret;
import com.englog.observability.health.HealthIndicator;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.health.HeapHealthIndicator;
import com.englog.observability.health.HttpHealthIndicator;
import com.englog.observability.health.JdbcHealthIndicator;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.Metrics;
import com.englog.observability.servlet.EnglogServlet;
import com.englog.observability.tracing.Traces;
import com.englog.observability.tracing.Tracing;
import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running API, and the one place where its pieces are built and wired, in the order {@link #start}
 * reads: observability (tracing, metrics, the facades), storage and outbound clients, health, routes,
 * and the HTTP server with the EngLog servlet suite in front of the API's router.
 */
public final class ApiServer {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  /** While shutting down, readiness answers 503 this long before the server stops accepting requests. */
  static final Duration READINESS_GRACE = Duration.ofSeconds(1);

  private final ApiConfig config;
  private final Tracing tracing;
  private final Server jetty;
  private final List<AutoCloseable> resources;
  private final Readiness readiness;
  private final Path metricsTokenFile;
  private boolean stopped;

  private ApiServer(ApiConfig config, Tracing tracing, Server jetty, List<AutoCloseable> resources,
      Readiness readiness, Path metricsTokenFile) {
    this.config = config;
    this.tracing = tracing;
    this.jetty = jetty;
    this.resources = resources;
    this.readiness = readiness;
    this.metricsTokenFile = metricsTokenFile;
  }

  /**
   * Builds and starts the API; {@code /metrics} requires the token in {@code metricsTokenFile}. Sets the
   * {@code Metrics} and {@code Traces} facades' defaults, so it runs once per JVM.
   */
  public static ApiServer start(ApiConfig config, Path metricsTokenFile) throws Exception {
    // 1. Observability. Tracing first: the metrics' exemplars read its spans.
    Tracing tracing = tracing(config);
    EnglogMetrics metrics = EnglogMetrics.builder()
        .exemplars(EnglogServlet.exemplars(tracing))             // trace ids on histogram buckets
        .declareLabelValues("endpoint", ApiRoutes.ALL.toArray(String[]::new))
        .declareLabelValues("entry_type", JournalHandlers.ENTRY_TYPE)
        .build();
    // Application code records through the facades: Metrics.recordJournalCreated(…), Traces.inSpan(…).
    Metrics.setDefault(metrics);
    Traces.setDefault(tracing);

    List<AutoCloseable> resources = new ArrayList<>(); // closed in reverse order at shutdown
    try {
      // 2. Storage, cache, AI provider, job hand-off.
      Database database = Database.open(config);
      resources.add(database);
      metrics.bindConnectionPool("englog", database.dataSource());
      Optional<RedisConnection> redis = RedisConnection.of(config);
      redis.ifPresent(resources::add);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      JournalRepository journals = new JournalRepository(database, tracing);
      SummaryCache cache = redis.<SummaryCache>map(r -> new RedisSummaryCache(r.client(), r.peer(), tracing))
          .orElseGet(InProcessSummaryCache::new);
      JobQueue queue = redis.<JobQueue>map(r -> new RedisJobQueue(r.client(), r.peer()))
          .orElseGet(() -> new HttpJobQueue(http, config.workerUrl()));
      AiClient ai = new AiClient(http, config.aiUrl(), tracing);

      // 3. Health.
      Readiness readiness = new Readiness();
      HealthRegistry health = health(config, metrics, database, redis, readiness);
      resources.add(health);

      // 4. Routes: each template once; the router hands it to the observability filter.
      Funnel funnel = new Funnel(metrics);
      ActiveUsers activeUsers = ActiveUsers.start(Clock.systemUTC());
      resources.add(activeUsers);
      Sessions sessions = new Sessions();
      Faults faults = new Faults();
      JournalHandlers journalHandlers = new JournalHandlers(journals, new AiJobPublisher(queue, tracing), funnel);
      SummaryHandler summaries = new SummaryHandler(cache, journals, ai, funnel);
      SessionsHandler sessionsHandler = new SessionsHandler(sessions, funnel);
      FaultsHandler faultsHandler = new FaultsHandler(faults);
      Router router = Router.builder(users(config), faults)
          .route("POST", ApiRoutes.SESSIONS, Role.READER, sessionsHandler::start)
          .routeWithFaults("POST", ApiRoutes.JOURNALS, Role.WRITER, journalHandlers::create)
          .routeWithFaults("GET", ApiRoutes.JOURNALS, Role.READER, journalHandlers::list)
          .routeWithFaults("GET", ApiRoutes.JOURNAL, Role.READER, journalHandlers::get)
          .routeWithFaults("GET", ApiRoutes.SUMMARY, Role.READER, summaries::get)
          .route("GET", ApiRoutes.FAULTS, Role.ADMIN, faultsHandler::show)
          .route("PUT", ApiRoutes.FAULTS, Role.ADMIN, faultsHandler::update)
          .whenAuthenticated(user -> activeUsers.seen(user.id()))
          .build();

      // 5. HTTP: the EngLog suite first in the chain (filter, /metrics, /health*), then the router.
      EnglogServlet.Config observability = EnglogServlet.config()
          .metrics(metrics).tracing(tracing).health(health)
          .metricsTokenFile(metricsTokenFile)
          .filter(f -> f.requestDetails(new ApiRequestDetails(sessions))   // user and session, after auth
              .userPseudonymKey(userPseudonymKey()));
      Server jetty = httpServer(config, observability, router);
      return new ApiServer(config, tracing, jetty, resources, readiness, metricsTokenFile);
    } catch (Exception | Error e) {
      closeAll(resources);
      tracing.close();
      throw e;
    }
  }

  /**
   * The service's tracing: autoconfigure reads {@code OTEL_*}; the database is known up front, so its
   * spans carry {@code db.system.name}, {@code server.address} and {@code server.port}; without an OTLP
   * endpoint spans are recorded (ids for logs and exemplars) but not exported.
   */
  private static Tracing tracing(ApiConfig config) {
    Peer database = Database.peerOf(config);
    Tracing.Builder builder = Tracing.builder()
        .serviceName(ApiConfig.SERVICE_NAME)
        .databaseSystem(database.service())
        .messagingSystem(config.redisUrl().isPresent() ? "redis" : "http")
        .listener(new MetricsTracingListener());
    database.address().ifPresent(address -> builder.databaseServer(address, database.port()));
    config.tracingProperties().forEach(builder::property);
    return builder.build();
  }

  /**
   * Database and Redis decide readiness; the AI provider and the worker only degrade the service (a
   * summary can wait, journals can still be written); heap is the only liveness check.
   */
  private static HealthRegistry health(ApiConfig config, EnglogMetrics metrics, Database database,
      Optional<RedisConnection> redis, Readiness readiness) {
    HealthRegistry.Builder health = HealthRegistry.builder()
        .meterRegistry(metrics.registry())                      // englog_health_* in the same scrape
        // Readiness must say what the database does now, not 5 s ago: no cache. A check is one round
        // trip, concurrent probes share it, and none waits past the 2 s deadline.
        .add("db", JdbcHealthIndicator.of(database.dataSource()), o -> o.noCache());
    redis.ifPresent(r -> health.add("redis", r.healthIndicator()));
    return health
        .add("ai", HttpHealthIndicator.of(config.aiUrl().resolve("/health")), o -> o.nonCritical())
        .add("worker", HttpHealthIndicator.of(config.workerUrl().resolve("/health/ready")), o -> o.nonCritical())
        .add("heap", HeapHealthIndicator.of(), o -> o.groups(HealthRegistry.LIVENESS))
        .add("lifecycle", HealthIndicator.of(readiness::accepting),
            o -> o.groups(HealthRegistry.READINESS).noCache().withoutCircuitBreaker())
        .build();
  }

  private static Users users(ApiConfig config) throws IOException {
    return config.userTokensFile().isPresent() ? Users.fromFile(config.userTokensFile().get()) : Users.demo();
  }

  /**
   * Embedded Jetty: {@code EnglogServlet.install} runs in the context's initializer (where servlet
   * containers allow registering filters and servlets), then the router takes every other path.
   */
  private static Server httpServer(ApiConfig config, EnglogServlet.Config observability, Router router)
      throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(config.bind());
    connector.setPort(config.port());
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    AtomicReference<RuntimeException> installFailure = new AtomicReference<>();
    context.addServletContainerInitializer((ServletContainerInitializer) (classes, servletContext) -> {
      try {
        EnglogServlet.install(servletContext, observability);
      } catch (RuntimeException e) {
        installFailure.set(e);  // Jetty would only log it; the service must not start without it
        throw e;
      }
    });
    // The default servlet ("/"): every path the suite does not serve, so unknown ones get a JSON 404 too.
    context.addServlet(new ServletHolder("api", router), "/");
    // Graceful stop: in-flight requests finish (up to the drain time), new ones are answered 503.
    jetty.setHandler(new GracefulHandler(context));
    jetty.setStopTimeout(config.drain().toMillis());
    jetty.start();
    if (installFailure.get() != null) {
      jetty.stop();
      throw installFailure.get();
    }
    return jetty;
  }

  /**
   * The key of the user pseudonyms on spans and access log lines ({@code enduser.pseudo.id}, an HMAC of
   * the user id): {@code ENGLOG_USER_PSEUDONYM_KEY} when set, so pseudonyms are stable across restarts and
   * instances; else a random key for this process.
   */
  private static Secret userPseudonymKey() {
    Secret configured = Secret.fromEnv("ENGLOG_USER_PSEUDONYM_KEY");
    if (configured.value().isPresent()) {
      return configured;
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Secret.of(HexFormat.of().formatHex(random));
  }

  /** The port the server listens on (the configured one, or the free one picked for port 0). */
  public int port() {
    return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  /** {@code http://bind:port}. */
  public URI uri() {
    return URI.create("http://" + config.bind() + ":" + port());
  }

  /** The file holding the token {@code /metrics} requires. */
  public Path metricsTokenFile() {
    return metricsTokenFile;
  }

  /**
   * Stops the API the way an orchestrator expects after SIGTERM: readiness answers 503 first, and for
   * {@link #READINESS_GRACE} the server still serves (load balancers notice and stop sending); then it
   * stops accepting while in-flight requests get up to the drain time; then the pool, Redis and health
   * checks close, and the spans still queued are exported.
   */
  public synchronized void shutdown() {
    if (stopped) {
      return;
    }
    stopped = true;
    LOG.info("Shutting down: readiness answers 503 now; in-flight requests get up to {} s",
        config.drain().toSeconds());
    readiness.stopAccepting();
    sleep(READINESS_GRACE.compareTo(config.drain()) < 0 ? READINESS_GRACE : config.drain());
    try {
      jetty.stop(); // graceful: waits for in-flight requests up to the stop timeout
    } catch (Exception e) {
      LOG.warn("HTTP server did not stop cleanly", e);
    }
    closeAll(resources);
    boolean flushed = tracing.shutdown(Tracing.DEFAULT_SHUTDOWN_TIMEOUT); // Tracing.close(), with its outcome
    LOG.info("Stopped (spans flushed: {})", flushed);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("Closing {} failed", resources.get(i), e);
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
