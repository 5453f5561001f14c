package com.englog.examples.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays the AI provider on a loopback port: {@code POST /v1/summarize} answers with the configured
 * status (200 with a summary, or an error), optionally held until released; {@code GET /health} 200.
 * It keeps the {@code traceparent} of every summarize request.
 */
final class AiProviderStandIn implements AutoCloseable {

  private final HttpServer server;
  private final List<String> traceparents = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<CountDownLatch> hold = new AtomicReference<>(new CountDownLatch(0));

  private AiProviderStandIn(HttpServer server) {
    this.server = server;
  }

  static AiProviderStandIn start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newCachedThreadPool());
    AiProviderStandIn standIn = new AiProviderStandIn(server);
    server.createContext("/v1/summarize", standIn::summarize);
    server.createContext("/health", exchange -> send(exchange, 200, "{\"status\":\"UP\"}"));
    server.start();
    return standIn;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The status the next summarize requests get. */
  void answer(int statusCode) {
    status.set(statusCode);
  }

  /** Holds summarize requests until {@link #release()}. */
  void hold() {
    hold.set(new CountDownLatch(1));
  }

  void release() {
    hold.get().countDown();
  }

  /** The {@code traceparent} header of each summarize request so far (empty string when absent). */
  List<String> traceparents() {
    return List.copyOf(traceparents);
  }

  private void summarize(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
    traceparents.add(traceparent == null ? "" : traceparent);
    try {
      hold.get().await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int code = status.get();
    send(exchange, code, code == 200 ? "{\"summary\":\"A calm day.\",\"tokens\":7}" : "{\"error\":\"overloaded\"}");
  }

  private static void send(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
