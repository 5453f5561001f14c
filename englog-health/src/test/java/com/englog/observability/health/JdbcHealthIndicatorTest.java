package com.englog.observability.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The JDBC indicator on pgjdbc's unpooled data source, against a server that accepts connections and
 * never answers (a listening socket nobody accepts from: the kernel completes the handshake, as for
 * a PostgreSQL stopped with SIGSTOP, which {@code FrozenDependencyIT} uses). pgjdbc by itself waits
 * for such a server for ever ({@code loginTimeout} and {@code socketTimeout} 0); the check's
 * connection gives up within the check's deadline rounded up to whole seconds, and no thread of the
 * driver is left waiting. The tests turn SSL off: with it, pgjdbc gives up waiting for the answer to
 * its SSL request after 5 s ({@code sslResponseTimeout}), whatever the deadline.
 */
class JdbcHealthIndicatorTest {

  static final String PGJDBC_CONNECT_THREAD = "PostgreSQL JDBC driver connection thread";

  @Test
  void onAnUnpooledPgjdbcDataSourceASilentServerEndsTheCheckWithinTheDeadlineRoundedUp() throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setServerNames(new String[] {"127.0.0.1"});
      dataSource.setPortNumbers(new int[] {silent.getLocalPort()});
      dataSource.setDatabaseName("postgres");
      dataSource.setUser("postgres");
      dataSource.setSslMode("disable");
      JdbcHealthIndicator jdbc = JdbcHealthIndicator.of(dataSource);

      Future<Throwable> check = caller.submit(() -> {
        try {
          jdbc.check(new FixedContext(Duration.ofMillis(800)));
          return null;
        } catch (Throwable e) {
          return e;
        }
      });
      Throwable failure;
      try {
        // The deadline rounded up is 1 s; pgjdbc's own defaults would wait until the socket closes.
        failure = check.get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("the check still waits for a server that never answers after 10 s with "
            + "an 800 ms deadline: pgjdbc's login, connect and socket timeouts do not come from it", e);
      }

      assertThat(failure).as("a server that never answers").isInstanceOf(SQLException.class);
      // The timeouts went to the check's own copy: the service's data source is as it was.
      assertThat(dataSource.getLoginTimeout()).isZero();
      assertThat(dataSource.getConnectTimeout()).isEqualTo(10);
      assertThat(dataSource.getSocketTimeout()).isZero();
      // pgjdbc logs in on a thread of its own when loginTimeout is set: its socket timeout ends it
      // too, while the server is still silent.
      await().atMost(Duration.ofSeconds(10)).until(() -> pgjdbcConnectThreads().isEmpty());
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void aConfiguredTimeoutShorterThanTheDeadlineIsKept() throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setUrl("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/postgres");
      dataSource.setUser("postgres");
      dataSource.setSslMode("disable");
      dataSource.setLoginTimeout(1);
      dataSource.setSocketTimeout(1);
      JdbcHealthIndicator jdbc = JdbcHealthIndicator.of(dataSource);

      Future<Throwable> check = caller.submit(() -> {
        try {
          jdbc.check(new FixedContext(Duration.ofMinutes(10)));
          return null;
        } catch (Throwable e) {
          return e;
        }
      });
      Throwable failure;
      try {
        failure = check.get(30, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("a 1 s loginTimeout of the data source was replaced by the 10 min deadline", e);
      }

      assertThat(failure).isInstanceOf(SQLException.class);
      assertThat(dataSource.getLoginTimeout()).isEqualTo(1);
    } finally {
      caller.shutdownNow();
    }
  }

  static List<Thread> pgjdbcConnectThreads() {
    List<Thread> threads = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && PGJDBC_CONNECT_THREAD.equals(t.getName())) {
        threads.add(t);
      }
    }
    return threads;
  }

  /** A check's context outside a registry: its deadline from now, abort hooks never run. */
  private static final class FixedContext implements HealthCheckContext {
    private final Duration deadline;
    private final long start = System.nanoTime();

    FixedContext(Duration deadline) {
      this.deadline = deadline;
    }

    @Override
    public String component() {
      return "db";
    }

    @Override
    public Duration deadline() {
      return deadline;
    }

    @Override
    public Duration remaining() {
      return deadline.minusNanos(System.nanoTime() - start);
    }

    @Override
    public void onAbort(AutoCloseable hook) {
      if (hook == null) {
        fail("null hook");
      }
    }
  }
}
