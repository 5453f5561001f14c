package com.englog.examples.worker;

import com.englog.observability.common.Secret;
import com.englog.observability.health.HealthAccess;
import com.englog.observability.health.HealthHandler;
import com.englog.observability.health.HealthHttpHandler;
import com.englog.observability.health.HealthRegistry;
import com.englog.observability.health.HeapHealthIndicator;
import com.englog.observability.health.HttpHealthIndicator;
import com.englog.observability.health.RedisHealthIndicator;
import com.englog.observability.health.Status;
import com.englog.observability.metrics.CustomCounter;
import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.Metrics;
import com.englog.observability.metrics.ScrapeEndpoint;
import com.englog.observability.tracing.Traces;
import com.englog.observability.tracing.Tracing;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.tracer.otel.OpenTelemetrySpanContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * The running worker: metrics, tracing and health wired once, one HTTP server ({@code /metrics},
 * {@code /health*}, {@code POST /jobs}), the job pool, and the Redis consumer when Redis is
 * configured. {@link #shutdown()} takes it down in the order a rolling deploy needs.
 */
final class Worker {

  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

  private final WorkerConfig config;
  private final EnglogMetrics metrics;
  private final Tracing tracing;
  private final HealthRegistry health;
  private final Lifecycle lifecycle;
  private final JobPool pool;
  private final Optional<RedisJobConsumer> redisConsumer;
  private final HttpServer server;
  private final ExecutorService httpThreads;

  private Worker(WorkerConfig config, Path metricsTokenFile) throws IOException {
    this.config = config;
    metrics = metrics();
    Metrics.setDefault(metrics);   // once, before anything records through the facade
    CustomCounter rejected = metrics.counter("englog_worker_jobs_rejected")
        .help("AI jobs the worker refused: queue full, shutting down, invalid or too large payload.")
        .labelNames("reason")
        .declareLabelValues("reason", "queue_full", "shutting_down", "invalid", "too_large")
        .cardinalityLimit(20)
        .register();

    tracing = tracing(config);
    Traces.setDefault(tracing);
    metrics.counter("englog_tracing_spans_dropped")
        .help("Spans dropped before export because the export queue was full.")
        .registerFunction(tracing::droppedSpans);
    metrics.counter("englog_tracing_spans_failed")
        .help("Spans in export requests that failed: collector down, timed out or answering an error.")
        .registerFunction(tracing::failedSpans);

    lifecycle = new Lifecycle();
    health = health(config, lifecycle, metrics);

    JobProcessor processor = new JobProcessor(tracing, new AiProviderClient(tracing, config.aiUrl()),
        Clock.systemUTC());
    pool = new JobPool(processor::process, config.workerThreads(), config.queueCapacity());
    metrics.gauge("englog_worker_queue_jobs")
        .help("AI jobs waiting for a worker thread.")
        .registerFunction(pool::queued);
    redisConsumer = config.redisUrl().map(url ->
        new RedisJobConsumer(redisClient(config, url), url.getHost() + ":" + redisPort(url), pool, rejected));

    httpThreads = Executors.newFixedThreadPool(4, named("englog-worker-http-"));
    server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 64);
    server.setExecutor(httpThreads);
    server.createContext("/metrics", new ScrapeHttpHandler(ScrapeEndpoint.builder(metrics.scrapeHandler())
        .bearerTokenFile(metricsTokenFile)
        .build()));
    server.createContext("/health", new HealthHttpHandler(HealthHandler.builder(health)
        // Details (reasons, latencies) only for callers with ENGLOG_HEALTH_TOKEN(_FILE); probes need none.
        .access(HealthAccess.fromConfiguration(System::getProperty, System::getenv))
        .build()));
    server.createContext(JobsHttpHandler.ROUTE, new JobsHttpHandler(tracing, pool, lifecycle, rejected));
  }

  /** Exemplars point histogram buckets at the span that recorded them; the AI series start at 0. */
  private static EnglogMetrics metrics() {
    return EnglogMetrics.builder()
        .exemplars(new OpenTelemetrySpanContext())
        .declareLabelValues("task_type", AiProviderClient.TASK_TYPE)
        .declareLabelValues("provider", AiProviderClient.PROVIDER)
        .build();
  }

  /**
   * OTEL_* variables win over everything set here. Without an OTLP endpoint spans are still recorded
   * (trace ids in logs and exemplars, propagation to the AI provider) but not exported.
   */
  private static Tracing tracing(WorkerConfig config) {
    Tracing.Builder tracing = Tracing.builder()
        .serviceName(WorkerConfig.SERVICE_NAME)
        .messagingSystem(config.redisUrl().isPresent() ? "redis" : "http")
        .listener(new AiCallObserver());
    if (!config.exportSpans()) {
      tracing.property("otel.traces.exporter", "none");
    }
    return tracing.build();
  }

  /**
   * Redis is critical when jobs come from it; the AI provider only degrades the worker (its jobs fail
   * and are counted, the worker itself is fine); heap is the liveness check; {@code lifecycle} takes
   * the worker out of readiness while it shuts down.
   */
  private static HealthRegistry health(WorkerConfig config, Lifecycle lifecycle, EnglogMetrics metrics) {
    HealthRegistry.Builder health = HealthRegistry.builder()
        .meterRegistry(metrics.registry())   // englog_health_* in the same scrape
        .add("lifecycle", lifecycle.readiness(),
            o -> o.groups(HealthRegistry.READINESS).noCache().withoutCircuitBreaker())
        .add("ai", HttpHealthIndicator.of(config.aiUrl().resolve("/health")), o -> o.nonCritical())
        .add("heap", HeapHealthIndicator.of(), o -> o.groups(HealthRegistry.LIVENESS));
    config.redisUrl().ifPresent(url -> {
      RedisHealthIndicator.Builder redis = RedisHealthIndicator.builder(url.getHost(), redisPort(url));
      config.redisPasswordFile().ifPresent(file -> redis.password(Secret.fromFile(file)));
      health.add("redis", redis.build());
    });
    return health.build();
  }

  /** Builds everything and starts taking jobs. */
  static Worker start(WorkerConfig config, Path metricsTokenFile) throws IOException {
    Worker worker = new Worker(config, metricsTokenFile);
    worker.server.start();
    worker.redisConsumer.ifPresent(RedisJobConsumer::start);
    return worker;
  }

  /** Where the server listens, e.g. {@code http://127.0.0.1:8081}. */
  URI uri() {
    return URI.create("http://" + config.bind() + ":" + server.getAddress().getPort());
  }

  /**
   * Waits until the readiness group is UP or DEGRADED (what {@code /health/ready} answers 200 to),
   * logging what it waits for.
   */
  void awaitReady() throws InterruptedException {
    Status last = null;
    while (true) {
      Status status = health.check(HealthRegistry.READINESS).status();
      if (status == Status.UP || status == Status.DEGRADED) {
        return;
      }
      if (status != last) {
        LOG.info("waiting for readiness: {}", health.check(HealthRegistry.READINESS));
        last = status;
      }
      Thread.sleep(250);
    }
  }

  /**
   * Graceful shutdown, in this order: readiness answers 503 (no new work is routed here), no new jobs
   * are taken (the Redis loop stops, {@code POST /jobs} answers 503), the jobs in flight get the drain
   * time to finish, the HTTP server stops, spans are flushed ({@code Tracing.close}).
   *
   * @return true for the call that shut down; false if a shutdown had started already
   */
  boolean shutdown() {
    if (!lifecycle.beginShutdown()) {
      return false;
    }
    LOG.info("shutting down: readiness answers 503 from now on; draining jobs in flight for up to {} s",
        config.drainTime().toSeconds());
    boolean drained = false;
    try {
      if (redisConsumer.isPresent()) {
        redisConsumer.get().stop();
      }
      drained = pool.drain(config.drainTime());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.stop(1);
    httpThreads.shutdownNow();
    redisConsumer.ifPresent(RedisJobConsumer::close);
    health.close();
    boolean flushed = tracing.shutdown(Tracing.DEFAULT_SHUTDOWN_TIMEOUT);
    LOG.info("shutdown complete: jobs drained={}, spans flushed={}", drained, flushed);
    metrics.close();
    return true;
  }

  private static RedisClient redisClient(WorkerConfig config, URI url) {
    DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
        .clientName(WorkerConfig.SERVICE_NAME)
        .connectionTimeoutMillis(2_000)
        .socketTimeoutMillis(2_000)
        // BRPOP waits 1 s on the server; a frozen Redis must not hold the loop for ever.
        .blockingSocketTimeoutMillis(5_000);
    config.redisPasswordFile()
        .flatMap(file -> Secret.fromFile(file).value())
        .ifPresent(client::password);
    return RedisClient.builder()
        .hostAndPort(url.getHost(), redisPort(url))
        .clientConfig(client.build())
        .build();
  }

  private static int redisPort(URI url) {
    return url.getPort() < 0 ? 6379 : url.getPort();
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return task -> new Thread(task, prefix + n.incrementAndGet());
  }
}
