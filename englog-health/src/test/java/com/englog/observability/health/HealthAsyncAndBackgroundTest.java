package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.common.Secret;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The answers that do not block the caller ({@link HealthHandler#handleAsync}) and the background
 * refresh's first round.
 */
class HealthAsyncAndBackgroundTest {

  private static final HealthRequest ANONYMOUS = HealthRequest.of("GET", "/health/ready", h -> null);
  private static final HealthRequest AUTHORISED =
      HealthRequest.of("GET", "/health/ready", h -> h.equalsIgnoreCase("Authorization") ? "Bearer t" : null);

  private static HealthHandler handler(HealthRegistry registry) {
    return HealthHandler.builder(registry).access(HealthAccess.bearerToken(Secret.of("t"))).build();
  }

  @Test
  void anAsynchronousAnswerFromCachedResultsIsReadyAtOnce() throws Exception {
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .defaults(o -> o.refreshAfter(Duration.ofHours(1)))
        .add("db", c -> Health.up().build())
        .add("ai", c -> Health.down("HTTP 503").build(), o -> o.nonCritical())
        .build()) {
      HealthHandler handler = handler(registry);
      handler.handle(AUTHORISED); // runs the checks

      CompletableFuture<HealthResponse> anonymous = handler.handleAsync(ANONYMOUS).toCompletableFuture();
      CompletableFuture<HealthResponse> authorised = handler.handleAsync(AUTHORISED).toCompletableFuture();

      assertThat(anonymous).isDone();
      assertThat(anonymous.get().statusCode()).isEqualTo(200);
      assertThat(body(anonymous.get())).isEqualTo("{\"status\":\"DEGRADED\"}");
      assertThat(authorised).isDone();
      assertThat(body(authorised.get())).contains("\"db\"").contains("HTTP 503");
    }
  }

  @Test
  void anAsynchronousReportWaitsForItsCheckWithoutBlockingTheCaller() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", c -> {
          release.await();
          return Health.up().build();
        }, o -> o.deadline(Duration.ofSeconds(20)).noCache())
        .build()) {
      CompletableFuture<HealthResponse> answer = handler(registry).handleAsync(AUTHORISED)
          .toCompletableFuture();

      assertThat(answer).as("returned while the check runs").isNotDone();
      release.countDown();
      HealthResponse response = answer.get(30, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(body(response)).contains("\"db\"").contains("\"UP\"");
    } finally {
      release.countDown();
    }
  }

  @Test
  void theBackgroundRefreshChecksEveryComponentOnceAtTheStart() throws Exception {
    CountDownLatch checked = new CountDownLatch(2);
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ofHours(1))
        .add("db", c -> {
          checked.countDown();
          return Health.up().build();
        })
        .add("redis", c -> {
          checked.countDown();
          return Health.up().build();
        })
        .build()) {
      assertThat(checked.await(30, TimeUnit.SECONDS))
          .as("both checked long before the first period of an hour").isTrue();
      assertThat(registry.status()).isEqualTo(Status.UP);
    }
  }

  private static String body(HealthResponse r) {
    return r.bodyAsString();
  }
}
