package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HealthHttpServerTest {

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private HealthRegistry registry(HealthIndicator db) {
    return HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", db, o -> o.noCache().deadline(Duration.ofMinutes(1)))
        .add("heap", c -> Health.up().build(), o -> o.groups(HealthRegistry.LIVENESS))
        .build();
  }

  @Test
  void servesTheProbePathsBelowItsPrefix() {
    try (HealthRegistry registry = registry(c -> Health.down("refused").build());
        HealthHttpServer server = HealthHttpServer.builder(HealthHandler.builder(registry).build())
            .host("127.0.0.1").port(0).start()) {
      URI base = server.uri();

      assertThat(base.toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/health");
      assertThat(get(URI.create(base + "/ready")).statusCode()).isEqualTo(503);
      // Liveness answers from the latest results: UNKNOWN (200) until the first check of heap is done.
      assertThat(get(URI.create(base + "/live")).statusCode()).isEqualTo(200);
      HealthRegistryTest.awaitCondition(() -> get(URI.create(base + "/live")).body().equals("{\"status\":\"UP\"}"));
      assertThat(get(URI.create(base + "/db")).body()).isEqualTo("{\"status\":\"DOWN\"}");
      assertThat(get(URI.create(base + "/nothing")).statusCode()).isEqualTo(404);
      assertThat(get(base).statusCode()).isEqualTo(503);
    }
  }

  @Test
  void anOwnPrefixIsMappedOntoTheHandlersPaths() {
    try (HealthRegistry registry = registry(c -> Health.up().build());
        HealthHttpServer server = HealthHttpServer.builder(HealthHandler.builder(registry).build())
            .host("127.0.0.1").port(0).path("/internal/health").start()) {
      assertThat(server.uri().getPath()).isEqualTo("/internal/health");
      assertThat(get(URI.create(server.uri() + "/ready")).body()).isEqualTo("{\"status\":\"UP\"}");
      assertThat(get(server.uri().resolve("/health/ready")).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aProbeWaitingForACheckHoldsNoThreadOfTheServer() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    try (HealthRegistry registry = registry(c -> {
          entered.countDown();
          release.await();
          return Health.up().build();
        });
        HealthHttpServer server = HealthHttpServer.builder(HealthHandler.builder(registry).build())
            .host("127.0.0.1").port(0).executor(oneThread).start()) {
      CompletableFuture<HttpResponse<String>> readiness = client.sendAsync(
          HttpRequest.newBuilder(URI.create(server.uri() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

      // While the check runs: liveness, a second readiness probe (joining the same check) and a 404
      // are all taken in; liveness and the 404 answered at once.
      CompletableFuture<HttpResponse<String>> second = client.sendAsync(
          HttpRequest.newBuilder(URI.create(server.uri() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(get(URI.create(server.uri() + "/live")).statusCode()).isEqualTo(200);
      assertThat(get(URI.create(server.uri() + "/nothing")).statusCode()).isEqualTo(404);
      assertThat(readiness).isNotDone();

      release.countDown();
      assertThat(readiness.get(30, TimeUnit.SECONDS).body()).isEqualTo("{\"status\":\"UP\"}");
      assertThat(second.get(30, TimeUnit.SECONDS).body()).isEqualTo("{\"status\":\"UP\"}");
    } finally {
      release.countDown();
      oneThread.shutdownNow();
    }
  }

  @Test
  void livenessIsAnsweredFromTheLatestResultsWithoutWaitingForACheck() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("wedge", c -> {
          release.await();
          return Health.up().build();
        }, o -> o.noCache().deadline(Duration.ofMinutes(1)).groups(HealthRegistry.LIVENESS))
        .build()) {
      HealthHandler handler = HealthHandler.builder(registry).access(HealthAccess.always()).build();

      HealthResponse live = handler.handle(HealthRequest.of("GET", "/health/live", h -> null));

      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.bodyAsString()).contains("\"status\":\"UNKNOWN\"", "first check in progress");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aProbeWaitingForACheckIsAnsweredWhenTheRegistryCloses() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HealthRegistry registry = registry(c -> {
      entered.countDown();
      release.await();
      return Health.up().build();
    });
    try {
      CompletableFuture<HealthResponse> answer = HealthHandler.builder(registry).build()
          .handleAsync(HealthRequest.of("GET", "/health/ready", h -> null)).toCompletableFuture();
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(answer).isNotDone();

      registry.close();

      HealthResponse response = answer.get(30, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.bodyAsString()).isEqualTo("{\"status\":\"UNKNOWN\"}");
    } finally {
      release.countDown();
      registry.close();
    }
  }

  @Test
  void settingsOutsideTheirRangeAreRefusedWithTheSettingsName() {
    try (HealthRegistry registry = registry(c -> Health.up().build())) {
      HealthHttpServer.Builder b = HealthHttpServer.builder(HealthHandler.builder(registry).build());
      assertThatThrownBy(() -> b.port(70000)).hasMessageContaining("port must be between 0 and 65535");
      assertThatThrownBy(() -> b.threads(0)).hasMessageContaining("threads must be between 1 and 64");
      assertThatThrownBy(() -> b.requestTimeout(Duration.ofMillis(10)))
          .hasMessageContaining("requestTimeout must be between 100 ms and 10 minutes");
      assertThatThrownBy(() -> b.path("health")).hasMessageContaining("path must start with '/'");
    }
  }

  @Test
  void headSendsTheContentLengthOfGetAlsoForAnAnswerThatWaitedForACheck() throws Exception {
    try (HealthRegistry registry = registry(c -> {
          Thread.sleep(50);
          return Health.down("refused").build();
        });
        HealthHttpServer server = HealthHttpServer.builder(HealthHandler.builder(registry).build())
            .host("127.0.0.1").port(0).start()) {
      // Liveness is UNKNOWN until heap's first check: let it settle so GET and HEAD see one answer.
      HealthRegistryTest.awaitCondition(
          () -> get(URI.create(server.uri() + "/live")).body().equals("{\"status\":\"UP\"}"));
      for (String path : new String[] {"/ready", "/live", "/db", "/nothing"}) {
        URI uri = URI.create(server.uri() + path);
        HttpResponse<String> get = get(uri);
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode());
        assertThat(head.body()).as(path).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).as(path)
            .hasValue(Integer.toString(get.body().length()));
      }
    }
  }

  private HttpResponse<String> get(URI uri) {
    try {
      return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
