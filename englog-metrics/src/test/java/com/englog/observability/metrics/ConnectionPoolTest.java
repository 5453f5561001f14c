package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.Exposition;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** One line binds a pool's active, idle, max and pending connection gauges. */
class ConnectionPoolTest {

  private static double gauge(EnglogMetrics m, String suffix, String db) {
    String name = "englog_database_connections_" + suffix;
    return Exposition.parse(m.scrapeHandler().handle(null).bodyText()).family(name)
        .value(name, Map.of("database", db));
  }

  @Test
  void bindsAnyPoolThroughSuppliersReadAtScrapeTime() {
    AtomicInteger active = new AtomicInteger(2);
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.bindConnectionPool("reports", active::get, () -> 6, () -> 8, () -> 1);
      assertThat(gauge(m, "active", "reports")).isEqualTo(2);
      active.set(5);
      assertThat(gauge(m, "active", "reports")).isEqualTo(5);
      assertThat(gauge(m, "idle", "reports")).isEqualTo(6);
      assertThat(gauge(m, "max", "reports")).isEqualTo(8);
      assertThat(gauge(m, "pending", "reports")).isEqualTo(1);
    }
  }

  @Test
  void aThrowingSupplierReadsAsNaNAndTheScrapeSurvives() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.bindConnectionPool("flaky", () -> {
        throw new IllegalStateException("pool closed");
      }, () -> 1, () -> 2, () -> 0);
      assertThat(gauge(m, "active", "flaky")).isNaN();
      assertThat(gauge(m, "idle", "flaky")).isEqualTo(1);
    }
  }

  @Test
  void bindingTheSameDatabaseTwiceIsRefused() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.bindConnectionPool("main", () -> 0, () -> 0, () -> 1, () -> 0);
      assertThatThrownBy(() -> m.bindConnectionPool("main", () -> 0, () -> 0, () -> 1, () -> 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("main");
    }
  }

  /** Polls the gauge until it reads {@code expected}; HikariCP fills and hands out in the background. */
  private static double awaitGauge(EnglogMetrics m, String suffix, String db, double expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    double v = gauge(m, suffix, db);
    while (v != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
      v = gauge(m, suffix, db);
    }
    return v;
  }

  private static HikariConfig pool(String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(Duration.ofSeconds(60).toMillis());
    config.setPoolName(name);
    return config;
  }

  @Test
  void bindsAHikariPoolByReflectionAndReadsItsRealCounts() throws Exception {
    ExecutorService waiters = Executors.newFixedThreadPool(2);
    List<Connection> held = new ArrayList<>();
    try (HikariDataSource ds = new HikariDataSource(pool("pooltest", 3));
        EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.bindConnectionPool("journals", ds);
      // Filled to minimumIdle in the background: every connection open and idle.
      assertThat(awaitGauge(m, "idle", "journals", 3)).isEqualTo(3);
      assertThat(gauge(m, "active", "journals")).isZero();
      assertThat(gauge(m, "max", "journals")).isEqualTo(3);
      assertThat(gauge(m, "pending", "journals")).isZero();

      held.add(ds.getConnection());
      assertThat(gauge(m, "active", "journals")).isEqualTo(1);
      assertThat(gauge(m, "idle", "journals")).isEqualTo(2);
      held.add(ds.getConnection());
      held.add(ds.getConnection());
      assertThat(gauge(m, "idle", "journals")).isZero();

      // Two more threads ask while the pool is exhausted: they wait, and the gauge says so.
      List<Future<Connection>> waiting = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        waiting.add(waiters.submit(() -> ds.getConnection()));
      }
      assertThat(awaitGauge(m, "pending", "journals", 2)).isEqualTo(2);
      assertThat(gauge(m, "active", "journals")).isEqualTo(3);

      held.remove(0).close();
      assertThat(awaitGauge(m, "pending", "journals", 1)).isEqualTo(1);
      held.remove(0).close();
      assertThat(awaitGauge(m, "pending", "journals", 0)).isZero();
      for (Future<Connection> f : waiting) {
        held.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(gauge(m, "active", "journals")).isEqualTo(3);

      for (Connection c : held) {
        c.close();
      }
      held.clear();
      assertThat(gauge(m, "active", "journals")).isZero();
      assertThat(gauge(m, "idle", "journals")).isEqualTo(3);
    } finally {
      for (Connection c : held) {
        c.close();
      }
      waiters.shutdownNow();
    }
  }

  /** A HikariCP pool whose statistics cannot be read, as when the pool fails inside. */
  static final class BrokenStatsDataSource extends HikariDataSource {
    BrokenStatsDataSource(HikariConfig config) {
      super(config);
    }

    @Override
    public HikariPoolMXBean getHikariPoolMXBean() {
      throw new IllegalStateException("pool statistics unavailable");
    }
  }

  @Test
  void aPoolThatCannotBeReadIsExportedAsNaNNotZero() throws Exception {
    try (HikariDataSource ds = new BrokenStatsDataSource(pool("unreadable", 2));
        EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.bindConnectionPool("broken", ds);
      Connection c = ds.getConnection();
      try {
        for (String suffix : List.of("active", "idle", "max", "pending")) {
          assertThat(gauge(m, suffix, "broken")).as(suffix).isNaN();
        }
      } finally {
        c.close();
      }
      // The scrape itself survives, with the other metrics in it.
      assertThat(m.scrapeHandler().handle(null).bodyText())
          .contains("englog_metrics_recordings_dropped_total");
    }
  }

  @Test
  void aNonHikariDataSourceIsRefusedWithTheAlternative() {
    try (EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      assertThatThrownBy(() -> m.bindConnectionPool("main", new PlainDataSource()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a HikariCP DataSource")
          .hasMessageContaining("bindConnectionPool(database, active, idle, max, pending)");
    }
  }

  /** A DataSource that is not a pool; it never hands out connections. */
  static final class PlainDataSource implements DataSource {
    @Override
    public Connection getConnection() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Connection getConnection(String user, String password) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
