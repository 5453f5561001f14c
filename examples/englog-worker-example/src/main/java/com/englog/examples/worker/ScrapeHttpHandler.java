package com.englog.examples.worker;

import com.englog.observability.metrics.ScrapeEndpoint;
import com.englog.observability.metrics.ScrapeRequest;
import com.englog.observability.metrics.ScrapeResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * {@code /metrics} on the worker's own JDK server: englog-metrics' {@link ScrapeEndpoint} decides
 * everything (bearer token, 401/405, OpenMetrics or Prometheus text, gzip); this only copies its answer
 * to the exchange.
 */
final class ScrapeHttpHandler implements HttpHandler {

  private final ScrapeEndpoint endpoint;

  ScrapeHttpHandler(ScrapeEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      exchange.getRequestBody().readNBytes(64 * 1024);   // scrapes have no body; let the connection be reused
      if (!exchange.getRequestURI().getPath().equals("/metrics")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      ScrapeResponse response = endpoint.handle(ScrapeRequest.of(exchange.getRequestMethod(),
          name -> header(exchange, name)));
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      response.headers().forEach(exchange.getResponseHeaders()::set);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      if (head) {
        // The JDK server sends no length for a bodyless answer: GET's, by hand.
        exchange.getResponseHeaders().set("Content-Length", Integer.toString(response.contentLength()));
      }
      int length = response.contentLength();
      exchange.sendResponseHeaders(response.statusCode(), head || length == 0 ? -1 : length);
      try (OutputStream out = exchange.getResponseBody()) {
        response.writeBody(out);
      }
    } finally {
      exchange.close();
    }
  }

  /** A header sent on several lines is one value, its lines joined with commas, as HTTP defines. */
  private static String header(HttpExchange exchange, String name) {
    List<String> values = exchange.getRequestHeaders().get(name);
    return values == null || values.isEmpty() ? null : String.join(",", values);
  }
}
