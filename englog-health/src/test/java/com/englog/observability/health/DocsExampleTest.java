package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.common.Secret;
import com.englog.observability.testsupport.HttpRecorder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** The example of docs/health.md, compiled and run (the database and Redis are absent here: DOWN). */
class DocsExampleTest {

  @Test
  void wiringExampleFromTheDocs(@TempDir Path secrets) throws Exception {
    Files.writeString(secrets.resolve("health-token"), "ops-token\n");
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setUrl("jdbc:postgresql://127.0.0.1:1/englog");
    DataSource dataSource = pg;
    PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (HttpRecorder ai = HttpRecorder.start()) {
      URI aiHealth = ai.uri("/health");
      Path tokenFile = secrets.resolve("health-token");
      int redisPort = 1;
      int healthPort = 0;                                     // any free port (8081 by default)

      // docs:start wiring
      HealthRegistry health = HealthRegistry.builder()
          .meterRegistry(meterRegistry)                       // englog_health_* metrics
          .add("db", JdbcHealthIndicator.of(dataSource))      // critical, readiness + startup, 2 s deadline
          .add("redis", RedisHealthIndicator.of("127.0.0.1", redisPort),
              o -> o.deadline(Duration.ofMillis(500)))
          .add("ai", HttpHealthIndicator.builder(aiHealth)
                  .latencyBudget(Duration.ofSeconds(1))
                  .build(),
              o -> o.nonCritical())                           // down => DEGRADED, still 200
          .add("disk", DiskSpaceHealthIndicator.of(Path.of("/")), o -> o.nonCritical())
          .add("heap", HeapHealthIndicator.of(), o -> o.groups(HealthRegistry.LIVENESS))
          .build();

      HealthHandler handler = HealthHandler.builder(health)
          .access(HealthAccess.bearerToken(Secret.fromFile(tokenFile)))   // details for ops only
          .build();
      HealthHttpServer server = HealthHttpServer.builder(handler)      // /health, /health/ready, …
          .port(healthPort)
          .start();
      // docs:end wiring

      try {
        HttpClient client = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + server.port());
        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> live = client.send(HttpRequest.newBuilder(base.resolve("/health/live")).build(),
            HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> details = client.send(HttpRequest.newBuilder(base.resolve("/health"))
            .header("Authorization", "Bearer ops-token").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("{\"status\":\"DOWN\"}");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(details.body()).contains("\"db\":{\"status\":\"DOWN\"", "\"ai\":{\"status\":\"UP\"");
        assertThat(meterRegistry.scrape()).contains("englog_health_status{component=\"db\",critical=\"true\",status=\"DOWN\"} 1");
      } finally {
        server.close();
        health.close();
      }
    }
  }

  /** Stands in for a connection pool that can be told to drop its connections. */
  static final class Pool {
    final java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);

    void evictConnections() {
      broken.set(false);
    }
  }

  @Test
  void recoveryExampleFromTheDocs() {
    Pool pool = new Pool();
    HealthIndicator poolIndicator = c -> pool.broken.get() ? Health.down("pool broken").build() : Health.up().build();

    // docs:start recovery
    Consumer<ComponentOptions.Builder> evictWhenDown = o -> o.recovery("evict-pool",
        failing -> pool.evictConnections(),
        RecoveryPolicy.builder()
            .afterFailures(3)                                         // consecutive DOWN results
            .backoff(Duration.ofSeconds(30), Duration.ofMinutes(10))  // doubles per attempt
            .maxAttemptsPerHour(6)
            .timeout(Duration.ofSeconds(30))
            .build());
    // docs:end recovery

    try (HealthRegistry health = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("db", poolIndicator, evictWhenDown.andThen(ComponentOptions.Builder::noCache))
        .build()) {
      assertThat(health.status("db")).isEqualTo(Status.DOWN);
      assertThat(health.status("db")).isEqualTo(Status.DOWN);
      assertThat(pool.broken).as("no recovery before the third consecutive DOWN").isTrue();
      // The third DOWN starts the recovery, and the re-check after it may already answer this call.
      health.status("db");
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> health.status("db") == Status.UP);
    }
  }
}
