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
import com.englog.observability.health.RedisHealthIndicator;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.Metrics;
import com.englog.observability.servlet.EnglogServlet;
import com.englog.observability.tracing.Traces;
import com.englog.observability.tracing.Tracing;
import com.englog.observability.tracing.TracingListener;
import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
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
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The running API: where every piece is built and wired, in the order a reader can follow. Observability
 * first (tracing, metrics, the facades), then storage, cache, AI and job hand-off, then health, then the
 * HTTP server with the EngLog servlet suite in front of the API's router.
 */
public final class ApiServer {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  /** While shutting down, readiness answers 503 this long before the server stops accepting requests. */
  static final Duration READINESS_GRACE = Duration.ofSeconds(1);

  private final ApiConfig config;
  private final Tracing tracing;
  private final Server jetty;
  private final List<AutoCloseable> resources;
  private final ReadinessSwitch readiness;
  private final Path metricsTokenFile;
  private boolean stopped;

  private ApiServer(ApiConfig config, Tracing tracing, Server jetty, List<AutoCloseable> resources,
      ReadinessSwitch readiness, Path metricsTokenFile) {
    this.config = config;
    this.tracing = tracing;
    this.jetty = jetty;
    this.resources = resources;
    this.readiness = readiness;
    this.metricsTokenFile = metricsTokenFile;
  }

  /**
   * Builds and starts the API. Sets the {@code Metrics} and {@code Traces} facades' defaults, so it runs
   * once per JVM.
   */
  public static ApiServer start(ApiConfig config, Path metricsTokenFile) throws Exception {
    List<AutoCloseable> resources = new ArrayList<>(); // closed in reverse order at shutdown
    Peer databasePeer = Database.peerOf(config);

    // 1. Observability. Tracing first: the metrics' exemplars read its spans.
    Tracing.Builder tracingBuilder = Tracing.builder()
        .serviceName(ApiConfig.SERVICE_NAME)
        .databaseSystem(databasePeer.service())
        .messagingSystem(config.redisUrl().isPresent() ? "redis" : "http")
        .listener(new MetricsListener());
    databasePeer.address().ifPresent(address -> tracingBuilder.databaseServer(address, databasePeer.port()));
    config.tracingProperties().forEach(tracingBuilder::property);
    Tracing tracing = tracingBuilder.build();
    EnglogMetrics metrics = EnglogMetrics.builder()
        .exemplars(EnglogServlet.exemplars(tracing))             // trace ids on histogram buckets
        .declareLabelValues("endpoint", ApiRoutes.ALL.toArray(String[]::new))
        .declareLabelValues("entry_type", JournalHandlers.ENTRY_TYPE)
        .build();
    // Application code records through the facades (Metrics.recordJournalCreated(…), Traces.inSpan(…)).
    Metrics.setDefault(metrics);
    Traces.setDefault(tracing);
    Funnel funnel = new Funnel(metrics);

    try {
      // 2. Storage, cache, AI provider and job hand-off.
      Database database = Database.open(config);
      resources.add(database);
      metrics.bindConnectionPool("englog", database.dataSource());
      JournalRepository journals = new JournalRepository(database, tracing);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      Optional<UnifiedJedis> redis = config.redisUrl().map(url -> redisClient(url, config));
      redis.ifPresent(resources::add);
      Peer redisPeer = config.redisUrl().map(url -> Peer.of("redis", url.getHost(), redisPort(url))).orElse(null);
      SummaryCache cache = redis.<SummaryCache>map(r -> new RedisSummaryCache(r, redisPeer, tracing))
          .orElseGet(InProcessSummaryCache::new);
      JobQueue queue = redis.<JobQueue>map(r -> new RedisJobQueue(r, redisPeer))
          .orElseGet(() -> new HttpJobQueue(http, config.workerUrl()));
      AiClient ai = new AiClient(http, config.aiUrl(), tracing);

      // 3. Health: db and redis decide readiness; AI provider and worker only degrade; heap is liveness.
      ReadinessSwitch readiness = new ReadinessSwitch();
      HealthRegistry.Builder healthBuilder = HealthRegistry.builder()
          .meterRegistry(metrics.registry())                    // englog_health_* in the same scrape
          // Readiness must say what the database does now, not what it did 5 s ago: no cache. A check is one
          // round trip, concurrent probes share it, and none waits past the 2 s deadline.
          .add("db", JdbcHealthIndicator.of(database.dataSource()), o -> o.noCache());
      if (redisPeer != null) {
        RedisHealthIndicator.Builder redisCheck = RedisHealthIndicator.builder(redisPeer.address().orElseThrow(),
            redisPeer.port());
        config.redisPasswordFile().ifPresent(f -> redisCheck.password(Secret.fromFile(f)));
        healthBuilder.add("redis", redisCheck.build());
      }
      HealthRegistry health = healthBuilder
          .add("ai", HttpHealthIndicator.of(config.aiUrl().resolve("/health")), o -> o.nonCritical())
          .add("worker", HttpHealthIndicator.of(config.workerUrl().resolve("/health/ready")), o -> o.nonCritical())
          .add("heap", HeapHealthIndicator.of(), o -> o.groups(HealthRegistry.LIVENESS))
          .add("lifecycle", HealthIndicator.of(readiness::accepting),
              o -> o.groups(HealthRegistry.READINESS).noCache().withoutCircuitBreaker())
          .build();
      resources.add(health);

      // 4. The API's routes and their handlers.
      Users users = config.userTokensFile().isPresent() ? Users.fromFile(config.userTokensFile().get())
          : Users.demo();
      Sessions sessions = new Sessions();
      Faults faults = new Faults();
      JournalHandlers journalHandlers = new JournalHandlers(journals, new AiJobPublisher(queue, tracing), funnel);
      SummaryHandler summaries = new SummaryHandler(cache, journals, ai, funnel);
      SessionsHandler sessionsHandler = new SessionsHandler(sessions, funnel);
      FaultsHandler faultsHandler = new FaultsHandler(faults);
      Router router = Router.builder(users, faults)
          .route("POST", ApiRoutes.SESSIONS, Role.READER, sessionsHandler::start)
          .routeWithFaults("POST", ApiRoutes.JOURNALS, Role.WRITER, journalHandlers::create)
          .routeWithFaults("GET", ApiRoutes.JOURNALS, Role.READER, journalHandlers::list)
          .routeWithFaults("GET", ApiRoutes.JOURNAL, Role.READER, journalHandlers::get)
          .routeWithFaults("GET", ApiRoutes.SUMMARY, Role.READER, summaries::get)
          .route("GET", ApiRoutes.FAULTS, Role.ADMIN, faultsHandler::show)
          .route("PUT", ApiRoutes.FAULTS, Role.ADMIN, faultsHandler::update)
          .build();

      // 5. HTTP: the EngLog suite first in the chain (filter, /metrics, /health*), then the router.
      Server jetty = new Server();
      ServerConnector connector = new ServerConnector(jetty);
      connector.setHost(config.bind());
      connector.setPort(config.port());
      jetty.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler("/");
      AtomicReference<RuntimeException> setupFailure = new AtomicReference<>();
      context.addServletContainerInitializer((ServletContainerInitializer) (classes, servletContext) -> {
        try {
          EnglogServlet.install(servletContext, EnglogServlet.config()
              .metrics(metrics).tracing(tracing).health(health)
              .metricsTokenFile(metricsTokenFile)
              .filter(f -> f.requestDetails(new ApiRequestDetails(sessions))
                  .userPseudonymKey(userPseudonymKey())));
        } catch (RuntimeException e) {
          setupFailure.set(e);
          throw e;
        }
      });
      // The default servlet ("/"): every path the suite does not serve, so unknown ones get a JSON 404 too.
      context.addServlet(new ServletHolder("api", router), "/");
      // Graceful stop: in-flight requests finish (up to the drain time), new ones are answered 503.
      jetty.setHandler(new GracefulHandler(context));
      jetty.setStopTimeout(config.drain().toMillis());
      jetty.start();
      if (setupFailure.get() != null) {
        jetty.stop();
        throw setupFailure.get();
      }
      return new ApiServer(config, tracing, jetty, resources, readiness, metricsTokenFile);
    } catch (Exception | Error e) {
      closeAll(resources);
      tracing.close();
      throw e;
    }
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
   * Stops the API the way an orchestrator expects after SIGTERM: readiness answers 503 first (load
   * balancers stop sending), then the server stops accepting and in-flight requests get up to the drain
   * time, then the pool, cache and health checks close, and the spans still queued are exported.
   */
  public synchronized void shutdown() {
    if (stopped) {
      return;
    }
    stopped = true;
    Duration grace = READINESS_GRACE.compareTo(config.drain()) < 0 ? READINESS_GRACE : config.drain();
    LOG.info("Shutting down: readiness answers 503 now; in-flight requests get up to {} s",
        config.drain().toSeconds());
    readiness.stopAccepting();
    sleep(grace);
    try {
      jetty.stop(); // graceful: waits for in-flight requests up to the stop timeout
    } catch (Exception e) {
      LOG.warn("HTTP server did not stop cleanly", e);
    }
    closeAll(resources);
    boolean flushed = tracing.shutdown(Tracing.DEFAULT_SHUTDOWN_TIMEOUT);
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

  private static UnifiedJedis redisClient(URI url, ApiConfig config) {
    DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
        .clientName(ApiConfig.SERVICE_NAME)
        .connectionTimeoutMillis(1000)     // a frozen Redis costs a request 1 s, then the cache misses
        .socketTimeoutMillis(1000);
    config.redisPasswordFile().flatMap(f -> Secret.fromFile(f).value()).ifPresent(client::password);
    return RedisClient.builder().hostAndPort(url.getHost(), redisPort(url)).clientConfig(client.build()).build();
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

  private static int redisPort(URI url) {
    return url.getPort() != -1 ? url.getPort() : 6379;
  }

  /** Readiness of the process itself: true until shutdown starts. */
  static final class ReadinessSwitch {
    private volatile boolean accepting = true;

    boolean accepting() {
      return accepting;
    }

    void stopAccepting() {
      accepting = false;
    }
  }

  /**
   * Records each {@code traceDbQuery} and {@code traceAiProcessing} call as a metric, while its span is
   * still current: the histogram bucket gets that span as its exemplar.
   */
  private static final class MetricsListener implements TracingListener {
    @Override
    public void onDbQuery(String operation, String table, Duration duration, Throwable error) {
      Metrics.recordDatabaseQuery(operation, table, duration);
    }

    @Override
    public void onAiProcessing(String taskType, String provider, Duration duration, Throwable error) {
      Metrics.recordAiProcessing(taskType, provider, duration, error);
    }
  }
}
