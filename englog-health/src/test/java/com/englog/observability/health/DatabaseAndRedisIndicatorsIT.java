package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.common.Secret;
import com.englog.observability.testsupport.PostgresServer;
import com.englog.observability.testsupport.RedisServer;
import com.englog.observability.testsupport.ScratchServer;
import com.englog.observability.testsupport.SelfSignedCertificate;
import com.englog.observability.testsupport.TestEnvironment;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The JDBC and Redis indicators against real PostgreSQL 15 and Redis servers. */
class DatabaseAndRedisIndicatorsIT {

  private static ComponentHealth check(HealthIndicator indicator) {
    try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
        .add("c", indicator, o -> o.deadline(Duration.ofSeconds(10)))
        .build()) {
      return registry.check().component("c").orElseThrow();
    }
  }

  /** What the indicator says while the server runs, then once it is stopped. */
  private record RunningThenStopped(ComponentHealth running, ComponentHealth stopped) {}

  private static RunningThenStopped checkRunningThenStopped(ScratchServer server, HealthIndicator indicator) {
    ComponentHealth running;
    try {
      running = check(indicator);
    } finally {
      server.close();
    }
    return new RunningThenStopped(running, check(indicator));
  }

  private static PGSimpleDataSource dataSource(PostgresServer pg, String password) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(pg.jdbcUrl());
    ds.setUser(pg.user());
    if (password != null) {
      ds.setPassword(password);
    }
    return ds;
  }

  @Test
  void postgresIsUpWhileRunningAndDownWithTheReasonWhenStopped() {
    PostgresServer pg = PostgresServer.start();
    RunningThenStopped result = checkRunningThenStopped(pg, JdbcHealthIndicator.of(dataSource(pg, null)));
    ComponentHealth up = result.running();
    ComponentHealth down = result.stopped();

    assertThat(up.status()).isEqualTo(Status.UP);
    assertThat(up.details()).containsOnlyKeys("database", "validation_ms");
    assertThat((String) up.details().get("database")).startsWith("PostgreSQL 15");
    assertThat(down.status()).isEqualTo(Status.DOWN);
    assertThat(down.reason()).contains("Connection to 127.0.0.1:" + pg.port() + " refused");
  }

  @Test
  void validationQueryErrorsAndWrongPasswordsAreDownWithTheDatabasesMessage() {
    try (PostgresServer pg = PostgresServer.builder().password("right-password").start()) {
      ComponentHealth badQuery = check(JdbcHealthIndicator.builder(dataSource(pg, "right-password"))
          .validationQuery("SELECT 1 FROM no_such_table").build());
      ComponentHealth badPassword = check(JdbcHealthIndicator.of(dataSource(pg, "wrong-password")));
      ComponentHealth good = check(JdbcHealthIndicator.builder(dataSource(pg, "right-password"))
          .validationQuery("SELECT 1").build());

      assertThat(badQuery.status()).isEqualTo(Status.DOWN);
      assertThat(badQuery.reason()).contains("no_such_table");
      assertThat(badPassword.status()).isEqualTo(Status.DOWN);
      assertThat(badPassword.reason()).contains("password authentication failed").doesNotContain("wrong-password");
      assertThat(good.status()).isEqualTo(Status.UP);
    }
  }

  private static HikariDataSource hikari(PostgresServer pg, int maximumPoolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(pg.jdbcUrl());
    config.setUsername(pg.user());
    config.setMaximumPoolSize(maximumPoolSize);
    config.setConnectionTimeout(30_000);
    return new HikariDataSource(config);
  }

  @Test
  void hikariPoolSaturationCountsTheServicesConnectionsNotTheChecksOwn() throws Exception {
    try (PostgresServer pg = PostgresServer.start()) {
      // A pool of one is not saturated by the connection the check borrows.
      try (HikariDataSource single = hikari(pg, 1)) {
        ComponentHealth alone = check(JdbcHealthIndicator.of(single));
        assertThat(alone.status()).as(alone.toString()).isEqualTo(Status.UP);
        assertThat(alone.details()).containsOnlyKeys("database", "validation_ms", "pool_active", "pool_idle",
            "pool_max", "pool_waiting").containsEntry("pool_max", 1).containsEntry("pool_active", 0);
      }
      try (HikariDataSource pool = hikari(pg, 4)) {
        JdbcHealthIndicator indicator = JdbcHealthIndicator.builder(pool).saturationThreshold(0.75).build();
        ComponentHealth idle = check(indicator);
        assertThat(idle.status()).isEqualTo(Status.UP);
        assertThat(idle.details()).containsEntry("pool_max", 4);

        List<Connection> held = new ArrayList<>();
        held.add(pool.getConnection());
        held.add(pool.getConnection());
        ComponentHealth half = check(indicator);
        held.add(pool.getConnection());
        ComponentHealth nearlyFull = check(indicator);
        held.add(pool.getConnection());
        Thread waiter = new Thread(() -> {
          try {
            // Waits until a held connection is returned.
            pool.getConnection().close();
          } catch (Exception ignored) {
            // Pool closed at the end of the test.
          }
        });
        waiter.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 1);
        ComponentHealth exhausted = check(indicator);
        for (Connection c : held) {
          c.close();
        }
        waiter.join(30_000);

        // 2 of 4 held by the service is below 75 % (with the check's own connection it would be 3/4).
        assertThat(half.status()).as(half.toString()).isEqualTo(Status.UP);
        assertThat(half.details()).containsEntry("pool_active", 2);
        assertThat(nearlyFull.status()).isEqualTo(Status.DEGRADED);
        assertThat(nearlyFull.reason()).isEqualTo("connection pool nearly saturated: 3/4 connections active");
        assertThat(exhausted.status()).isEqualTo(Status.DEGRADED);
        assertThat(exhausted.reason())
            .isEqualTo("connection pool exhausted: 4/4 connections active, 1 callers waiting");
      }
    }
  }

  @Test
  void redisIsUpWhileRunningAndDownWithTheReasonWhenStopped() {
    RedisServer redis = RedisServer.start();
    RunningThenStopped result = checkRunningThenStopped(redis, RedisHealthIndicator.of("127.0.0.1", redis.port()));
    ComponentHealth up = result.running();
    ComponentHealth down = result.stopped();

    assertThat(up.status()).isEqualTo(Status.UP);
    assertThat(up.details()).containsOnlyKeys("address", "latency_ms")
        .containsEntry("address", "127.0.0.1:" + redis.port());
    assertThat(down.status()).isEqualTo(Status.DOWN);
    assertThat(down.reason()).contains("Connection refused");
  }

  @Test
  void redisAuthenticationIsCheckedWithoutLeakingThePassword() {
    try (RedisServer redis = RedisServer.builder().password("redis-pass").start()) {
      ComponentHealth noPassword = check(RedisHealthIndicator.of("127.0.0.1", redis.port()));
      ComponentHealth wrong = check(RedisHealthIndicator.builder("127.0.0.1", redis.port())
          .password(Secret.of("not-it")).build());
      ComponentHealth right = check(RedisHealthIndicator.builder("127.0.0.1", redis.port())
          .password(Secret.of("redis-pass")).build());

      assertThat(noPassword.status()).isEqualTo(Status.DOWN);
      assertThat(noPassword.reason()).startsWith("Redis replied to PING: NOAUTH");
      assertThat(wrong.status()).isEqualTo(Status.DOWN);
      assertThat(wrong.reason()).startsWith("Redis refused AUTH: WRONGPASS").doesNotContain("not-it");
      assertThat(right.status()).isEqualTo(Status.UP);
    }
  }

  @Test
  void redisOverTlsChecksTheCertificateAndTheNameAndAuthenticatesInsideTls() {
    SelfSignedCertificate cert = SelfSignedCertificate.create(TestEnvironment.scratchDirectory("redis-tls"), "127.0.0.1");
    try (RedisServer redis = RedisServer.builder().tls(cert).password("tls-pass").start()) {
      javax.net.ssl.SSLSocketFactory trusting = cert.trustingContext().getSocketFactory();
      ComponentHealth trusted = check(RedisHealthIndicator.builder("127.0.0.1", redis.port())
          .tls(trusting).password(Secret.of("tls-pass")).build());
      ComponentHealth untrusted = check(RedisHealthIndicator.builder("127.0.0.1", redis.port())
          .tls().password(Secret.of("tls-pass")).build());
      ComponentHealth wrongName = check(RedisHealthIndicator.builder("localhost", redis.port())
          .tls(trusting).password(Secret.of("tls-pass")).build());
      ComponentHealth plain = check(RedisHealthIndicator.builder("127.0.0.1", redis.port())
          .password(Secret.of("tls-pass")).build());

      assertThat(trusted.status()).as(trusted.toString()).isEqualTo(Status.UP);
      assertThat(trusted.details()).containsEntry("tls", true);
      assertThat(untrusted.status()).isEqualTo(Status.DOWN);
      assertThat(untrusted.reason()).contains("SSLHandshakeException", "certification path");
      assertThat(wrongName.status()).isEqualTo(Status.DOWN);
      assertThat(wrongName.reason()).contains("SSLHandshakeException", "localhost");
      assertThat(plain.status()).isEqualTo(Status.DOWN);
      assertThat(plain.reason()).contains("if the server only speaks TLS, build the indicator with tls()");
      assertThat(trusted.toString() + untrusted + wrongName + plain).doesNotContain("tls-pass");
    }
  }
}
