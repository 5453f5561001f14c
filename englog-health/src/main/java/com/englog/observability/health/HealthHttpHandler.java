package com.englog.observability.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The health endpoint on the JDK's built-in HTTP server ({@code com.sun.net.httpserver}).
 *
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress(8081), 0);
 * server.createContext("/health", new HealthHttpHandler(HealthHandler.builder(registry).build()));
 * server.setExecutor(Executors.newFixedThreadPool(4));
 * server.start();
 * }</pre>
 */
public final class HealthHttpHandler implements HttpHandler {

  private final HealthHandler handler;

  public HealthHttpHandler(HealthHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      // Health requests have no body; drain a small one so the connection can be reused.
      byte[] buffer = new byte[512];
      int total = 0;
      int n;
      while (total < 65536 && (n = in.read(buffer)) >= 0) {
        total += n;
      }
    }
    HealthResponse response = handler.handle(new ExchangeRequest(exchange));
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    String[] headers = response.headers();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
    }
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    int length = response.bodyLength();
    exchange.sendResponseHeaders(response.statusCode(), head || length == 0 ? -1 : length);
    try (OutputStream out = exchange.getResponseBody()) {
      response.writeBody(out);
    }
  }

  private static final class ExchangeRequest implements HealthRequest {
    private final HttpExchange exchange;

    ExchangeRequest(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public String method() {
      return exchange.getRequestMethod();
    }

    @Override
    public String path() {
      return exchange.getRequestURI().getRawPath();
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
