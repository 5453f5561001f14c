package com.englog.observability.metrics;

import com.englog.observability.common.internal.BoundedHttpServer;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Serves {@code /metrics} on the JDK's built-in HTTP server ({@code com.sun.net.httpserver}), for
 * plain-Java services and tests; servlet containers use {@code englog-servlet-filters} instead.
 *
 * <pre>{@code
 * MetricsHttpServer server = MetricsHttpServer.builder(metrics.scrapeHandler())
 *     .port(9464)
 *     .bearerTokenFile(Path.of("/run/secrets/metrics-token"))  // Prometheus: credentials_file
 *     .start();
 * }</pre>
 *
 * <p>Metrics are not served to anonymous callers unless you say so: configure a bearer token (from a
 * file, re-read when it changes, or from an environment variable) or call {@link
 * Builder#allowAnonymous()}; {@link Builder#start()} refuses to run with neither. The token file may
 * also be given by the system property {@value #TOKEN_FILE_PROPERTY} or the environment variable
 * {@value #TOKEN_FILE_ENV}, which win over the builder (system property first; the former names
 * {@code englog.metrics.bearer-token-file} / {@code ENGLOG_METRICS_BEARER_TOKEN_FILE} still work for
 * one release, with a WARN). A request without the right {@code Authorization: Bearer …} header gets
 * 401. While the token file is missing or empty, or the variable unset, there is no token: the server
 * starts and every request gets 401, with one WARN each time the file enters such a state; once the
 * file holds a token (it is re-read when it changes) requests carrying it are served. Any path but
 * the configured one gets 404; everything else follows the rules of {@link ScrapeEndpoint}, which
 * this server adapts: only {@code GET} and {@code HEAD} (405 with {@code Allow} otherwise), bodies
 * gzip-compressed when the client accepts it, {@code Vary} and {@code Cache-Control: no-store}.
 *
 * <p>Slow or stalled clients cannot hold the server: requests run on a small pool of daemon threads
 * ({@link Builder#threads}, or your {@link Builder#executor}), and a request that has not been read,
 * handled and answered within {@link Builder#requestTimeout} has its connection closed and its thread
 * freed. Connections that never send a byte hold no thread; the JDK server closes them after its idle
 * interval (30 s).
 */
public final class MetricsHttpServer implements AutoCloseable {

  /** Default port: the one OpenTelemetry's Prometheus exporter uses. */
  public static final int DEFAULT_PORT = 9464;
  /** Default path. */
  public static final String DEFAULT_PATH = "/metrics";
  /** System property naming the bearer token file; wins over the builder and the environment. */
  public static final String TOKEN_FILE_PROPERTY = ScrapeEndpoint.TOKEN_FILE_PROPERTY;
  /** Environment variable naming the bearer token file; wins over the builder. */
  public static final String TOKEN_FILE_ENV = ScrapeEndpoint.TOKEN_FILE_ENV;
  /**
   * Default time a request may take from its first byte to the end of the response: Prometheus'
   * default {@code scrape_timeout}, past which it has given up anyway.
   */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Default number of request threads (scrapes are rare and short; more only serve slow clients). */
  public static final int DEFAULT_THREADS = 2;

  private final BoundedHttpServer server;
  private final String path;

  private MetricsHttpServer(BoundedHttpServer server, String path) {
    this.server = server;
    this.path = path;
  }

  /** A builder serving {@code handler}. */
  public static Builder builder(ScrapeHandler handler) {
    return new Builder(Objects.requireNonNull(handler, "handler"));
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return server.port();
  }

  /** {@code http://host:port/path} of the metrics endpoint. */
  public URI uri() {
    return server.uri(path);
  }

  /** Requests whose connection was closed because they outlived the request timeout. */
  public long timedOutRequests() {
    return server.timedOutRequests();
  }

  /** Stops the server, letting requests in flight finish for up to a second, and its threads. */
  @Override
  public void close() {
    server.close();
  }

  /** Configures the endpoint; every setting but the authentication choice has a default. */
  public static final class Builder {
    /** Holds the authentication choice; this builder adds only what the JDK server needs. */
    private final ScrapeEndpoint.Builder endpoint;
    private String host = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private String path = DEFAULT_PATH;
    private Executor executor;
    private int threads = DEFAULT_THREADS;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

    private Builder(ScrapeHandler handler) {
      this.endpoint = ScrapeEndpoint.builder(handler);
    }

    /** Address to bind (default {@code 0.0.0.0}). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * Port to bind (default {@value MetricsHttpServer#DEFAULT_PORT}; 0 picks a free one).
     *
     * @throws IllegalArgumentException unless between 0 and 65535
     */
    public Builder port(int port) {
      this.port = BoundedHttpServer.checkPort(port);
      return this;
    }

    /**
     * Path of the endpoint (default {@value MetricsHttpServer#DEFAULT_PATH}).
     *
     * @throws IllegalArgumentException unless it starts with {@code /}
     */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with /, was " + path);
      }
      this.path = path;
      return this;
    }

    /**
     * Require {@code Authorization: Bearer <token>} with the token held in {@code file}, re-read when
     * it changes. While the file is missing or empty every request gets 401.
     */
    public Builder bearerTokenFile(Path file) {
      endpoint.bearerTokenFile(file);
      return this;
    }

    /**
     * Require {@code Authorization: Bearer <token>} with the token in environment variable {@code
     * name}, read when the server starts. While it is unset or blank every request gets 401.
     */
    public Builder bearerTokenEnv(String name) {
      endpoint.bearerTokenEnv(name);
      return this;
    }

    /** Serve metrics to anyone who can reach the port (for a private network or a sidecar). */
    public Builder allowAnonymous() {
      endpoint.allowAnonymous();
      return this;
    }

    /**
     * Runs requests on your executor instead of the server's own {@link #threads} pool. The request
     * timeout still applies: a request that outlives it has its thread interrupted (which closes its
     * connection). The executor stays yours: {@link MetricsHttpServer#close()} does not shut it down.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Request threads of the server's own pool (default {@value MetricsHttpServer#DEFAULT_THREADS});
     * not used with {@link #executor}.
     *
     * @throws IllegalArgumentException unless between 1 and 64
     */
    public Builder threads(int threads) {
      this.threads = BoundedHttpServer.checkThreads(threads);
      return this;
    }

    /**
     * Longest a request may take from its first byte to the end of the response (default 10 s);
     * a slower client has its connection closed, so stalled or trickling clients cannot hold the
     * request threads.
     *
     * @throws IllegalArgumentException unless between 100 ms and 10 minutes
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = BoundedHttpServer.checkRequestTimeout(timeout);
      return this;
    }

    /** Where system properties and environment variables are read; for tests. */
    Builder lookups(Function<String, String> systemProperties, Function<String, String> environment) {
      endpoint.lookups(systemProperties, environment);
      return this;
    }

    /**
     * The {@link HttpHandler}, to mount on an existing {@link HttpServer} at the path you choose.
     * {@link #requestTimeout} and {@link #threads} do not apply there: that server's executor decides
     * (with the JDK's default executor, one stalled client blocks the whole server).
     *
     * @throws IllegalStateException if neither a token nor {@link #allowAnonymous()} was configured
     */
    public HttpHandler buildHandler() {
      return new Handler(endpoint.build(), path);
    }

    /**
     * Starts the server.
     *
     * @throws IllegalStateException if neither a token nor {@link #allowAnonymous()} was configured
     * @throws UncheckedIOException if the port cannot be bound
     */
    public MetricsHttpServer start() {
      HttpHandler h = buildHandler();
      BoundedHttpServer.Builder server = BoundedHttpServer.builder("metrics").host(host).port(port)
          .threads(threads).requestTimeout(requestTimeout).context(path, h);
      if (executor != null) {
        server.executor(executor);
      }
      return new MetricsHttpServer(server.start(), path);
    }
  }

  /** Adapts the endpoint to the JDK server; the path is the only rule of its own. */
  private static final class Handler implements HttpHandler {
    private static final byte[] NOT_FOUND = "not found\n".getBytes(StandardCharsets.UTF_8);
    private final ScrapeEndpoint endpoint;
    private final String path;

    Handler(ScrapeEndpoint endpoint, String path) {
      this.endpoint = endpoint;
      this.path = path;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      try {
        Headers response = exchange.getResponseHeaders();
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        if (!exchange.getRequestURI().getPath().equals(path)) {
          response.set("Content-Type", "text/plain; charset=utf-8");
          exchange.sendResponseHeaders(404, head ? -1 : NOT_FOUND.length);
          if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(NOT_FOUND);
            }
          }
          return;
        }
        ScrapeResponse r = endpoint.handle(new ExchangeRequest(exchange));
        response.set("Content-Type", r.contentType());
        r.headers().forEach(response::set);
        if (head) {
          // The JDK server sends no length of its own for HEAD; this one is what GET would send.
          response.set("Content-Length", Integer.toString(r.contentLength()));
          exchange.sendResponseHeaders(r.statusCode(), -1);
          return;
        }
        exchange.sendResponseHeaders(r.statusCode(), r.contentLength() == 0 ? -1 : r.contentLength());
        try (OutputStream out = exchange.getResponseBody()) {
          r.writeBody(out);
        }
      } finally {
        exchange.close();
      }
    }
  }

  private static final class ExchangeRequest implements ScrapeRequest {
    private final HttpExchange exchange;

    ExchangeRequest(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public String method() {
      return exchange.getRequestMethod();
    }

    @Override
    public String header(String name) {
      List<String> values = exchange.getRequestHeaders().get(name);
      return values == null ? null : String.join(",", values);
    }
  }
}
