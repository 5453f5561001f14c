package com.englog.observability.common.internal;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Not public API.
 *
 * <p>A JDK {@link HttpServer} whose exchanges run under {@link ExchangeDeadlines}: a client that sends
 * half a request, or reads the answer slowly, loses its connection when the request timeout passes
 * instead of holding a thread for ever. The endpoint owners ({@code MetricsHttpServer}, {@code
 * HealthHttpServer}) configure one through {@link #builder(String)} and keep their own public builders.
 */
public final class BoundedHttpServer implements AutoCloseable {

  /** Connections that may wait for a request thread of the own pool; past that, new ones are closed. */
  public static final int QUEUED_CONNECTIONS = 64;

  private final HttpServer server;
  private final ExchangeDeadlines deadlines;

  private BoundedHttpServer(HttpServer server, ExchangeDeadlines deadlines) {
    this.server = server;
    this.deadlines = deadlines;
  }

  /**
   * {@code port} if it can be bound (0 picks a free one).
   *
   * @throws IllegalArgumentException unless between 0 and 65535
   */
  public static int checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
    }
    return port;
  }

  /**
   * {@code threads} if it is a sensible size for an endpoint's own pool.
   *
   * @throws IllegalArgumentException unless between 1 and 64
   */
  public static int checkThreads(int threads) {
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("threads must be between 1 and 64, was " + threads);
    }
    return threads;
  }

  /**
   * {@code timeout} if it is a sensible request timeout.
   *
   * @throws IllegalArgumentException unless between 100 ms and 10 minutes
   */
  public static Duration checkRequestTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "requestTimeout");
    if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("requestTimeout must be between 100 ms and 10 minutes, was "
          + timeout);
    }
    return timeout;
  }

  /** A builder for endpoint {@code name}, a word used in thread names ({@code metrics}, {@code health}). */
  public static Builder builder(String name) {
    return new Builder(Objects.requireNonNull(name, "name"));
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port/path}; a wildcard bind address is given as {@code 127.0.0.1}. */
  public URI uri(String path) {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + path);
  }

  /** Requests whose connection was closed because they outlived the request timeout. */
  public long timedOutRequests() {
    return deadlines.timedOut();
  }

  /** Stops the server, letting requests in flight finish for up to a second, and its threads. */
  @Override
  public void close() {
    try {
      server.stop(1);
    } finally {
      deadlines.close();
    }
  }

  /** Where and how the server listens; validation is the owners' (their messages name their settings). */
  public static final class Builder {
    private final String name;
    private String host = "0.0.0.0";
    private int port;
    private Executor executor;
    private int threads = 2;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private final Map<String, HttpHandler> contexts = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Runs exchanges on the caller's executor (still under the deadline); the caller keeps owning it. */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /** Threads of the server's own pool, when no {@link #executor} is given. */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    /** Serves {@code handler} under {@code path} (the JDK server's prefix match). */
    public Builder context(String path, HttpHandler handler) {
      contexts.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public BoundedHttpServer start() {
      HttpServer server;
      try {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
      }
      long timeout = requestTimeout.toNanos();
      ExchangeDeadlines deadlines = executor != null ? ExchangeDeadlines.on(name, executor, timeout)
          : ExchangeDeadlines.ownPool(name, threads, QUEUED_CONNECTIONS, timeout);
      try {
        contexts.forEach(server::createContext);
        server.setExecutor(deadlines);
        server.start();
      } catch (RuntimeException e) {
        deadlines.close();
        server.stop(0);
        throw e;
      }
      return new BoundedHttpServer(server, deadlines);
    }
  }
}
