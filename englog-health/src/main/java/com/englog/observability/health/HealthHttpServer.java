package com.englog.observability.health;

import com.englog.observability.common.internal.BoundedHttpServer;
import com.englog.observability.common.internal.ExchangeDeadlines;
import com.englog.observability.health.internal.HealthJson;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link HealthHandler} on the JDK's built-in HTTP server ({@code com.sun.net.httpserver})
 * with bounded waits; servlet containers use {@code englog-servlet-filters} instead.
 *
 * <pre>{@code
 * HealthHttpServer server = HealthHttpServer.builder(handler)
 *     .port(8081)
 *     .start();
 * }</pre>
 *
 * <h2>The bound</h2>
 * <b>No probe waits longer than its own checks' deadline + 100 ms, whatever executor size you pick,
 * and {@code /health/live} answers in under 100 ms</b> — also while a dependency hangs and while
 * clients send half a request and stall. How:
 * <ul>
 *   <li>No HTTP thread ever waits for a check. A request is answered asynchronously: the exchange is
 *       completed when the checks it needs have results, or at their deadline, whichever comes first
 *       ({@link HealthHandler#handleAsync}). Liveness runs no check on the request's behalf at all.
 *   <li>Requests are read by the server's own threads, one per connection being read (up to {@value
 *       #MAX_READING_CONNECTIONS} at once; past that, new connections are closed), each bounded by
 *       {@link Builder#requestTimeout}: a client that sends half a request holds one of them, never a
 *       thread another request needs, and loses its connection when the timeout passes.
 *   <li>Your {@link Builder#executor} (or the {@link Builder#threads} pool) only writes the answers
 *       that had to wait for checks; a few microseconds each, also bounded by the request timeout.
 * </ul>
 * {@link HealthHttpHandler} on a server you own has none of this: it is unbounded.
 *
 * <p>Run with {@code -Dsun.net.httpserver.nodelay=true}: the JDK server writes headers and body in
 * separate packets, and without it Nagle's algorithm and delayed ACKs add ~40 ms to every answer.
 */
public final class HealthHttpServer implements AutoCloseable {

  /** Default port. */
  public static final int DEFAULT_PORT = 8081;
  /** Default path prefix: the handler's paths ({@code /health}, {@code /health/ready}, …) below it. */
  public static final String DEFAULT_PATH = HealthHandler.DEFAULT_BASE_PATH;
  /** Default time a request may take to be read, and its answer to be written. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Default number of threads writing answers that waited for checks. */
  public static final int DEFAULT_THREADS = 2;
  /** Connections whose requests may be read at once; past that, new connections are closed. */
  public static final int MAX_READING_CONNECTIONS = 64;

  private static final Logger LOG = LoggerFactory.getLogger(HealthHttpServer.class);
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final BoundedHttpServer server;
  private final String path;
  private final ThreadPoolExecutor readers;
  private final ExchangeDeadlines answers;

  private HealthHttpServer(BoundedHttpServer server, String path, ThreadPoolExecutor readers,
      ExchangeDeadlines answers) {
    this.server = server;
    this.path = path;
    this.readers = readers;
    this.answers = answers;
  }

  /** A builder serving {@code handler}. */
  public static Builder builder(HealthHandler handler) {
    return new Builder(Objects.requireNonNull(handler, "handler"));
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return server.port();
  }

  /** {@code http://host:port/health}: the endpoint's base; a wildcard address is given as 127.0.0.1. */
  public URI uri() {
    return server.uri(path.isEmpty() ? "/" : path);
  }

  /** Requests whose connection was closed because reading or answering outlived the request timeout. */
  public long timedOutRequests() {
    return server.timedOutRequests() + answers.timedOut();
  }

  /**
   * Stops the server, letting answers in flight finish for up to a second, and its threads; an
   * {@link Builder#executor} stays yours.
   */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      readers.shutdownNow();
      answers.close();
    }
  }

  @Override
  public String toString() {
    return "HealthHttpServer{" + uri() + "}";
  }

  /** Configures the server; every setting has a default. */
  public static final class Builder {
    private final HealthHandler handler;
    private String host = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private String path;
    private Executor executor;
    private int threads = DEFAULT_THREADS;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private ObjLongConsumer<String> answered;

    private Builder(HealthHandler handler) {
      this.handler = handler;
    }

    /** Address to bind (default {@code 0.0.0.0}). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * Port to bind (default {@value HealthHttpServer#DEFAULT_PORT}; 0 picks a free one).
     *
     * @throws IllegalArgumentException unless between 0 and 65535
     */
    public Builder port(int port) {
      this.port = BoundedHttpServer.checkPort(port);
      return this;
    }

    /**
     * Path prefix the endpoint is served under (default: the handler's base path, {@value
     * HealthHttpServer#DEFAULT_PATH}): with {@code path("/internal/health")}, readiness is {@code
     * /internal/health/ready}.
     *
     * @throws IllegalArgumentException unless it starts with '/' and does not end with one
     */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/") || (path.length() > 1 && path.endsWith("/"))) {
        throw new IllegalArgumentException("path must start with '/' and not end with one, was \"" + path
            + "\"");
      }
      this.path = path.equals("/") ? "" : path;
      return this;
    }

    /**
     * Writes the answers that waited for checks on your executor instead of the server's own {@link
     * #threads} pool; reading requests stays on the server's threads, so no size of this executor can
     * make a probe wait for a stalled client. A write that outlives the request timeout has its
     * thread interrupted (which closes its connection). The executor stays yours: {@link
     * HealthHttpServer#close()} does not shut it down.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Threads writing the answers that waited for checks (default {@value
     * HealthHttpServer#DEFAULT_THREADS}); not used with {@link #executor}.
     *
     * @throws IllegalArgumentException unless between 1 and 64
     */
    public Builder threads(int threads) {
      this.threads = BoundedHttpServer.checkThreads(threads);
      return this;
    }

    /**
     * Longest a request may take to be read, and, separately, its answer to be written (default 10
     * s); a slower client has its connection closed. Waiting for checks is bounded by their
     * deadlines instead.
     *
     * @throws IllegalArgumentException unless between 100 ms and 10 minutes
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = BoundedHttpServer.checkRequestTimeout(timeout);
      return this;
    }

    /**
     * Tells {@code answered} the path and the time, in nanoseconds, from the moment the server saw a
     * request's first bytes to the moment its answer was written; for tests, which judge the bound on
     * the server's own clock rather than on a loaded client's.
     */
    Builder answered(ObjLongConsumer<String> answered) {
      this.answered = Objects.requireNonNull(answered, "answered");
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public HealthHttpServer start() {
      String prefix = path != null ? path : handler.basePath();
      long timeout = requestTimeout.toNanos();
      int n = SERVERS.incrementAndGet();
      ThreadPoolExecutor readers = new ThreadPoolExecutor(0, MAX_READING_CONNECTIONS, 30, TimeUnit.SECONDS,
          new SynchronousQueue<>(), daemon("englog-health-http-" + n + "-read"),
          new ThreadPoolExecutor.AbortPolicy());
      ExchangeDeadlines answers = executor != null
          ? ExchangeDeadlines.on("health-answer", executor, timeout)
          : ExchangeDeadlines.ownPool("health-answer", threads, BoundedHttpServer.QUEUED_CONNECTIONS, timeout);
      try {
        BoundedHttpServer server = BoundedHttpServer.builder("health")
            .host(host)
            .port(port)
            .executor(answered == null ? readers : Endpoint.timed(readers))
            .requestTimeout(requestTimeout)
            .context(prefix.isEmpty() ? "/" : prefix, new Endpoint(handler, prefix, answers, answered))
            .start();
        return new HealthHttpServer(server, prefix, readers, answers);
      } catch (RuntimeException e) {
        readers.shutdownNow();
        answers.close();
        throw e;
      }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
      AtomicInteger count = new AtomicInteger();
      return task -> {
        Thread t = new Thread(task, name + "-" + count.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
    }
  }

  /**
   * Runs on a reader thread, under the request timeout: reads the request, answers at once when no
   * check is needed, and otherwise leaves the exchange open for the answer to complete later.
   */
  private static final class Endpoint implements HttpHandler {
    /** When the exchange on this reader thread was handed to the pool (only with a listener). */
    private static final ThreadLocal<long[]> RECEIVED = ThreadLocal.withInitial(() -> new long[1]);

    private final HealthHandler handler;
    private final String prefix;
    private final Executor answers;
    private final ObjLongConsumer<String> answered;

    Endpoint(HealthHandler handler, String prefix, Executor answers, ObjLongConsumer<String> answered) {
      this.handler = handler;
      this.prefix = prefix;
      this.answers = answers;
      this.answered = answered;
    }

    /** {@code readers}, noting for each exchange when the server handed it over. */
    static Executor timed(Executor readers) {
      return exchange -> {
        long received = System.nanoTime();
        readers.execute(() -> {
          RECEIVED.get()[0] = received;
          exchange.run();
        });
      };
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      long received = answered == null ? 0 : RECEIVED.get()[0];
      HealthHttpHandler.drainBody(exchange);
      String raw = exchange.getRequestURI().getRawPath();
      String rest = raw.startsWith(prefix) ? raw.substring(prefix.length()) : raw;
      String routed = handler.basePath() + rest;
      CompletableFuture<HealthResponse> answer;
      try {
        answer = handler.handleAsync(new HealthHttpHandler.ExchangeRequest(exchange,
            routed.isEmpty() ? "/" : routed)).toCompletableFuture();
      } catch (RuntimeException e) {
        LOG.warn("health: cannot answer {}: {}", raw, e.toString());
        exchange.close();
        return;
      }
      if (answer.isDone()) {
        HealthHttpHandler.send(exchange, answerOf(answer, exchange));
        report(routed, received);
        return;
      }
      // Completed by the thread that ends the last check or by the deadline timer: hand the write
      // over, so neither ever blocks on a client.
      answer.whenComplete((response, error) -> {
        try {
          answers.execute(() -> {
            finish(exchange, answer);
            report(routed, received);
          });
        } catch (RejectedExecutionException e) {
          LOG.warn("health: answer to {} dropped, no thread to write it: {}", raw, e.toString());
          exchange.close();
        }
      });
    }

    private void report(String path, long received) {
      if (answered != null) {
        answered.accept(path, System.nanoTime() - received);
      }
    }

    private static void finish(HttpExchange exchange, CompletableFuture<HealthResponse> answer) {
      try {
        HealthHttpHandler.send(exchange, answerOf(answer, exchange));
      } catch (IOException | RuntimeException e) {
        LOG.debug("health: answer not delivered: {}", e.toString());
        exchange.close();
      }
    }

    private static HealthResponse answerOf(CompletableFuture<HealthResponse> answer, HttpExchange exchange) {
      try {
        return answer.join();
      } catch (RuntimeException e) {
        LOG.warn("health: evaluation failed: {}", e.toString());
        return new HealthResponse(503, HealthJson.statusOnly(Status.UNKNOWN.name()),
            "HEAD".equals(exchange.getRequestMethod()));
      }
    }
  }
}
