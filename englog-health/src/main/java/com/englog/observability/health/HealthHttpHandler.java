package com.englog.observability.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The health endpoint on a JDK HTTP server ({@code com.sun.net.httpserver}) that you create and own.
 *
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress(8081), 0);
 * server.createContext("/health", new HealthHttpHandler(HealthHandler.builder(registry).build()));
 * server.setExecutor(Executors.newFixedThreadPool(4));
 * server.start();
 * }</pre>
 *
 * <p><b>Unbounded</b>: on a server you own nothing bounds how long a request holds a thread of your
 * executor. Each request is answered on that thread, which waits while the checks run (up to their
 * deadline), so concurrent probes queue behind each other, liveness included; and a client that
 * sends half a request holds a thread for as long as it stalls (with the JDK's default executor, the
 * whole server). Prefer {@link HealthHttpServer}, which bounds every probe by its checks' deadline.
 */
public final class HealthHttpHandler implements HttpHandler {

  private final HealthHandler handler;

  public HealthHttpHandler(HealthHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    drainBody(exchange);
    send(exchange, handler.handle(new ExchangeRequest(exchange, exchange.getRequestURI().getRawPath())));
  }

  /** Reads and discards a small request body, so the connection can be reused. */
  static void drainBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      // Health requests have no body; drain a small one so the connection can be reused.
      byte[] buffer = new byte[512];
      int total = 0;
      int n;
      while (total < 65536 && (n = in.read(buffer)) >= 0) {
        total += n;
      }
    }
  }

  /** Writes {@code response} and completes the exchange. */
  static void send(HttpExchange exchange, HealthResponse response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    String[] headers = response.headers();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
    }
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    int length = response.bodyLength();
    if (head) {
      // The JDK server sends no length for HEAD on its own: GET's, by hand.
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(response.contentLength()));
    }
    exchange.sendResponseHeaders(response.statusCode(), head || length == 0 ? -1 : length);
    try (OutputStream out = exchange.getResponseBody()) {
      response.writeBody(out);
    }
  }

  /** A JDK exchange as the handler sees it, with the path the handler should route. */
  static final class ExchangeRequest implements HealthRequest {
    private final HttpExchange exchange;
    private final String path;

    ExchangeRequest(HttpExchange exchange, String path) {
      this.exchange = exchange;
      this.path = path;
    }

    @Override
    public String method() {
      return exchange.getRequestMethod();
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String header(String name) {
      return exchange.getRequestHeaders().getFirst(name);
    }

    @Override
    public String remoteAddress() {
      InetSocketAddress a = exchange.getRemoteAddress();
      return a == null || a.getAddress() == null ? null : a.getAddress().getHostAddress();
    }
  }
}
