package com.englog.examples.api;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for the worker: records each {@code POST /jobs} (body and headers), answers 202. */
final class WorkerStub implements AutoCloseable {

  /** One hand-off as the worker received it. */
  record Received(String body, Map<String, List<String>> headers) {}

  private final HttpServer server;
  private final List<Received> jobs = new CopyOnWriteArrayList<>();

  WorkerStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jobs", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        jobs.add(new Received(new String(in.readAllBytes(), StandardCharsets.UTF_8),
            Map.copyOf(exchange.getRequestHeaders())));
      }
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    server.createContext("/health", exchange -> {
      byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Received> jobs() {
    return List.copyOf(jobs);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
