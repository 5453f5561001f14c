package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.englog.observability.testsupport.PostgresServer;
import com.englog.observability.testsupport.RedisServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A dependency that hangs (every process of the server stopped with SIGSTOP, so pooled connections
 * hang too) must not hang the health endpoint: each answer comes within the deadline plus 100 ms, for
 * 200 checks in a row, without the thread count growing with the number of checks; after SIGCONT
 * the component is UP again.
 */
class FrozenDependencyIT {

  private static final Duration DEADLINE = Duration.ofMillis(100);
  private static final int CHECKS = 200;
  /** Threads the JVM may legitimately add meanwhile (JIT, GC, HTTP client); a leak adds ~1 per check. */
  private static final int THREAD_TOLERANCE = 8;

  @Test
  void frozenPostgresBehindAHikariPoolDoesNotHangHealth() {
    try (PostgresServer pg = PostgresServer.start();
        HikariDataSource pool = hikari(pg);
        HealthRegistry registry = registry("db", JdbcHealthIndicator.of(pool));
        HealthEndpoint endpoint = new HealthEndpoint(registry, HealthAccess.always())) {
      // The first checks also start the pool, which may take longer than the short deadline.
      await().atMost(Duration.ofSeconds(30)).until(() -> endpoint.get("/health/db").statusCode() == 200);
      // Fill the pool, so the frozen server holds pooled connections.
      for (int i = 0; i < 5; i++) {
        endpoint.get("/health/db");
      }

      pg.freeze();
      List<Long> timings = hammer(endpoint, "/health/db");

      assertWithinDeadline(timings);
      pg.thaw();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> endpoint.get("/health/db").statusCode() == 200);
      assertThat(endpoint.get("/health/db").body()).contains("\"status\":\"UP\"", "PostgreSQL");
    }
  }

  @Test
  void frozenRedisDoesNotHangHealth() {
    try (RedisServer redis = RedisServer.start();
        HealthRegistry registry = registry("redis", RedisHealthIndicator.of("127.0.0.1", redis.port()));
        HealthEndpoint endpoint = new HealthEndpoint(registry, HealthAccess.always())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> endpoint.get("/health/redis").statusCode() == 200);

      redis.freeze();
      List<Long> timings = hammer(endpoint, "/health/redis");

      assertWithinDeadline(timings);
      redis.thaw();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> endpoint.get("/health/redis").statusCode() == 200);
    }
  }

  private static HealthRegistry registry(String name, HealthIndicator indicator) {
    return HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add(name, indicator, o -> o.deadline(DEADLINE).noCache().withoutCircuitBreaker())
        .build();
  }

  private static HikariDataSource hikari(PostgresServer pg) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(pg.jdbcUrl());
    config.setUsername(pg.user());
    config.setMaximumPoolSize(3);
    config.setMinimumIdle(3);
    config.setConnectionTimeout(1000);
    config.setValidationTimeout(250);
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /**
   * {@value #CHECKS} requests, 5 ms apart, while the dependency is frozen; returns each one's time in
   * ms and checks the thread count after a short warm-up against the count after the last request.
   */
  private static List<Long> hammer(HealthEndpoint endpoint, String path) {
    List<Long> timings = new ArrayList<>();
    int threadsAfterWarmUp = 0;
    for (int i = 0; i < CHECKS; i++) {
      long start = System.nanoTime();
      HttpResponse<String> response = endpoint.get(path);
      timings.add((System.nanoTime() - start) / 1_000_000);
      assertThat(response.statusCode()).as("answer %d: %s", i, response.body()).isEqualTo(503);
      assertThat(response.body()).contains("\"status\":\"DOWN\"");
      if (i == 10) {
        threadsAfterWarmUp = ManagementFactory.getThreadMXBean().getThreadCount();
      }
      sleep(5);
    }
    int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
    assertThat(threadsAfter).as("threads after %d checks against a frozen dependency", CHECKS)
        .isLessThanOrEqualTo(threadsAfterWarmUp + THREAD_TOLERANCE);
    return timings;
  }

  /**
   * Every answer within the deadline + 100 ms, except that a busy 2-core CI machine may stall a
   * couple of requests (1 %) for reasons that have nothing to do with the check; those still come
   * back within the deadline + 1 s, where a hung check would take as long as the freeze.
   */
  private static void assertWithinDeadline(List<Long> timings) {
    long limit = DEADLINE.toMillis() + 100;
    List<Long> sorted = new ArrayList<>(timings);
    sorted.sort(null);
    String description = "response times (ms) with a " + DEADLINE.toMillis() + " ms deadline: " + sorted;
    assertThat(sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1)).as(description).isLessThanOrEqualTo(limit);
    assertThat(sorted.get(sorted.size() - 1)).as(description).isLessThanOrEqualTo(DEADLINE.toMillis() + 1000);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
