package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.englog.observability.testsupport.Hiccups;
import com.englog.observability.testsupport.PostgresServer;
import com.englog.observability.testsupport.RedisServer;
import com.englog.observability.testsupport.ScratchServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A dependency that hangs (every process of the server stopped with SIGSTOP, so pooled connections
 * hang too) must not hang the health endpoint: each answer comes within the deadline plus 100 ms, for
 * 200 checks in a row, without the thread count growing with the number of checks; after SIGCONT
 * the component is UP again.
 *
 * <p>The run proves something only if the server really is frozen, so that is checked before and
 * after the 200 requests, over the wire: {@link ScratchServer#freeze()} waits until every process of
 * the server is stopped; a new connection's first request gets no answer; and for PostgreSQL, {@code
 * Connection.isValid} on a connection opened before the freeze returns false after its timeout. That
 * last probe is also what the JDBC indicator relies on: HikariCP hands out a connection used in the
 * last 500 ms without validating it (its alive-bypass window), so the indicator's own {@code isValid}
 * is the call that must reach the server, and pgjdbc's {@code isValid} sends an empty query and waits
 * for the reply; a driver that answered it from local state would make a frozen server look UP.
 */
class FrozenDependencyIT {

  private static final Duration DEADLINE = Duration.ofMillis(100);
  private static final int CHECKS = 200;
  /** Threads the JVM may legitimately add meanwhile (JIT, GC, HTTP client); a leak adds ~1 per check. */
  private static final int THREAD_TOLERANCE = 8;
  /** A server that answers at all answers a loopback request well within this. */
  private static final int SILENCE_MS = 500;
  /** PostgreSQL's SSLRequest: a running postmaster answers it with one byte, 'S' or 'N'. */
  static final byte[] PG_SSL_REQUEST = ByteBuffer.allocate(8).putInt(8).putInt(80877103).array();
  private static final byte[] REDIS_PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void frozenPostgresBehindAHikariPoolDoesNotHangHealth() throws Exception {
    try (PostgresServer pg = PostgresServer.start();
        HikariDataSource pool = hikari(pg);
        HealthRegistry registry = registry("db", JdbcHealthIndicator.of(pool));
        HealthEndpoint endpoint = new HealthEndpoint(registry, HealthAccess.always());
        Connection openBeforeTheFreeze = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "")) {
      // The first checks also start the pool, which may take longer than the short deadline.
      await().atMost(Duration.ofSeconds(30)).until(() -> endpoint.get("/health/db").statusCode() == 200);
      // Every pooled connection exists before the freeze, so the frozen server holds them all and no
      // backend is being forked while the server is stopped.
      await().atMost(Duration.ofSeconds(30))
          .until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 3);
      endpoint.get("/health/db");

      pg.freeze();
      assertFrozen(pg, PG_SSL_REQUEST);
      long start = System.nanoTime();
      boolean valid = openBeforeTheFreeze.isValid(1);
      long validMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(valid).as("Connection.isValid(1) on a connection to the frozen PostgreSQL answered true "
          + "after %d ms: a backend still runs (process states %s) or isValid does not go to the server",
          validMs, pg.processStates()).isFalse();
      assertThat(validMs).as("Connection.isValid(1) against a frozen server returns at its 1 s timeout")
          .isGreaterThanOrEqualTo(900);

      List<Long> timings = hammer(endpoint, "/health/db", pg);
      assertFrozen(pg, PG_SSL_REQUEST);

      ResponseTimes.assertWithinDeadline(timings, DEADLINE.toMillis());
      pg.thaw();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> endpoint.get("/health/db").statusCode() == 200);
      assertThat(endpoint.get("/health/db").body()).contains("\"status\":\"UP\"", "PostgreSQL");
    }
  }

  /**
   * An unpooled {@code PGSimpleDataSource} has no connection before the freeze: every check logs in to
   * the frozen server, where JDBC has no abort hook. The check's login, connect and socket timeouts
   * come from its deadline, so each check is DOWN within the deadline + 100 ms, the check's thread
   * leaves the indicator within the deadline rounded up to whole seconds + 100 ms while the server is
   * still frozen (with pgjdbc's defaults it waits 5 s for the answer to its SSL request, for ever
   * without SSL), pgjdbc's own login thread ends too, and after SIGCONT the thread count is back
   * where it was. Times are judged like {@link ResponseTimes} judges them, less the stalls of the
   * machine ({@link Hiccups}).
   */
  @Test
  void frozenPostgresBehindAnUnpooledDataSourceIsDownWithinTheDeadlineAndHoldsNoThread() {
    Duration deadline = Duration.ofMillis(500);
    int checks = 10;
    try (PostgresServer pg = PostgresServer.start()) {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setUrl(pg.jdbcUrl());
      dataSource.setUser(pg.user());
      JdbcHealthIndicator jdbc = JdbcHealthIndicator.of(dataSource);
      AtomicInteger inside = new AtomicInteger();
      List<long[]> spans = java.util.Collections.synchronizedList(new ArrayList<>());
      HealthIndicator counted = context -> {
        inside.incrementAndGet();
        long entered = System.nanoTime();
        try {
          return jdbc.check(context);
        } finally {
          spans.add(new long[] {entered, System.nanoTime()});
          inside.decrementAndGet();
        }
      };
      try (HealthRegistry registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO)
          .add("db", counted, o -> o.deadline(deadline).noCache().withoutCircuitBreaker())
          .build()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> registry.status("db") == Status.UP);
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

        pg.freeze();
        assertFrozen(pg, PG_SSL_REQUEST);
        spans.clear();
        List<Long> timings = new ArrayList<>();
        List<Long> insideTimings = new ArrayList<>();
        try (Hiccups hiccups = new Hiccups()) {
          for (int i = 0; i < checks; i++) {
            long start = System.nanoTime();
            HealthReport report = registry.check("db");
            long end = System.nanoTime();
            timings.add(Math.max(0, (end - start - hiccups.within(start, end)) / 1_000_000));
            assertThat(report.status()).as("check %d of the frozen server: %s", i, report).isEqualTo(Status.DOWN);
            assertThat(report.component("db").orElseThrow().reason()).isEqualTo("timed out after 500 ms");
            // The next check starts only once this one has left the indicator (one check in flight).
            int n = i;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(inside).as("checks still inside the indicator 30 s after "
                    + "check %d of the frozen server (process states %s)", n, pg.processStates()).hasValue(0));
          }
          synchronized (spans) {
            for (long[] span : spans) {
              insideTimings.add(Math.max(0, (span[1] - span[0] - hiccups.within(span[0], span[1])) / 1_000_000));
            }
          }
        }
        assertThat(insideTimings).as("checks that entered the indicator").hasSize(checks);
        // JDBC timeouts are whole seconds: the thread is free by the deadline rounded up (+ 100 ms).
        ResponseTimes.assertWithinDeadline(insideTimings, (deadline.toMillis() + 999) / 1000 * 1000);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
            JdbcHealthIndicatorTest.pgjdbcConnectThreads()).as("pgjdbc login threads while the server is frozen")
            .isEmpty());
        assertFrozen(pg, PG_SSL_REQUEST);
        ResponseTimes.assertWithinDeadline(timings, deadline.toMillis());
        assertThat(dataSource.getSocketTimeout()).as("the service's data source is not changed").isZero();

        pg.thaw();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> registry.status("db") == Status.UP);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
            ManagementFactory.getThreadMXBean().getThreadCount()).as("threads after the thaw")
            .isLessThanOrEqualTo(threadsBefore + THREAD_TOLERANCE));
        assertThat(JdbcHealthIndicatorTest.pgjdbcConnectThreads()).isEmpty();
      }
    }
  }

  @Test
  void frozenRedisDoesNotHangHealth() {
    try (RedisServer redis = RedisServer.start();
        HealthRegistry registry = registry("redis", RedisHealthIndicator.of("127.0.0.1", redis.port()));
        HealthEndpoint endpoint = new HealthEndpoint(registry, HealthAccess.always())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> endpoint.get("/health/redis").statusCode() == 200);

      redis.freeze();
      assertFrozen(redis, REDIS_PING);
      List<Long> timings = hammer(endpoint, "/health/redis", redis);
      assertFrozen(redis, REDIS_PING);

      ResponseTimes.assertWithinDeadline(timings, DEADLINE.toMillis());
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

  static HikariDataSource hikari(PostgresServer pg) {
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
   * Fails loudly unless a new connection to the server gets no answer to {@code request} within
   * {@value #SILENCE_MS} ms: without a frozen server the run would prove nothing.
   */
  static void assertFrozen(ScratchServer server, byte[] request) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
      socket.setSoTimeout(SILENCE_MS);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      int answer = in.read();
      fail("%s is not frozen: it answered a new connection (first byte %d); process states %s. The "
          + "health checks below would then run against a live server and prove nothing.", server, answer,
          server.processStates());
    } catch (SocketTimeoutException expected) {
      // Silence: the kernel accepted the connection, no process of the server took it.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot probe " + server, e);
    }
  }

  /**
   * {@value #CHECKS} requests, 5 ms apart, while the dependency is frozen: each must be a DOWN answer;
   * returns each one's time in ms, less the machine's stalls meanwhile ({@link Hiccups}), and checks the thread count after a short warm-up against the count
   * after the last request.
   */
  private static List<Long> hammer(HealthEndpoint endpoint, String path, ScratchServer server) {
    try (Hiccups hiccups = new Hiccups()) {
      return hammer(endpoint, path, server, hiccups);
    }
  }

  private static List<Long> hammer(HealthEndpoint endpoint, String path, ScratchServer server,
      Hiccups hiccups) {
    List<Long> timings = new ArrayList<>();
    int threadsAfterWarmUp = 0;
    Duration clientTimeout = DEADLINE.plusSeconds(10);
    for (int i = 0; i < CHECKS; i++) {
      long start = System.nanoTime();
      HttpResponse<String> response;
      try {
        response = endpoint.get(path, clientTimeout);
      } catch (UncheckedIOException e) {
        throw new AssertionError("request " + i + " to " + path + " got no answer within " + clientTimeout
            + " while " + server + " is frozen: the endpoint waits for the hung dependency", e);
      }
      long end = System.nanoTime();
      // Time the machine did not run this JVM at all (a loaded CI machine) is not the endpoint's.
      timings.add(Math.max(0, (end - start - hiccups.within(start, end)) / 1_000_000));
      assertThat(response.statusCode()).as("answer %d while %s is frozen (process states %s): %s", i, server,
          server.processStates(), response.body()).isEqualTo(503);
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

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
