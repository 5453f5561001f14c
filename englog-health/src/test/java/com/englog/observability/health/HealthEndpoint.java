package com.englog.observability.health;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A registry served over real HTTP by the JDK server, and a client for it (tests). */
final class HealthEndpoint implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  HealthEndpoint(HealthRegistry registry, HealthAccess access) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/health", new HealthHttpHandler(HealthHandler.builder(registry).access(access).build()));
    executor = Executors.newFixedThreadPool(2);
    server.setExecutor(executor);
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  HttpResponse<String> get(String path) {
    return get(path, Duration.ofSeconds(30));
  }

  /** GET {@code path}; an answer slower than {@code timeout} throws (an {@link UncheckedIOException}). */
  HttpResponse<String> get(String path, Duration timeout) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(timeout));
  }

  /** Sends {@code request} (any method, headers) with the endpoint's client. */
  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
