package com.englog.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.testsupport.Exposition;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  @Test
  void bindsAHikariPoolByReflection() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:pooltest;DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(4);
    config.setPoolName("pooltest");
    try (HikariDataSource ds = new HikariDataSource(config);
        EnglogMetrics m = EnglogMetrics.builder().jvmMetrics(false).build()) {
      m.bindConnectionPool("journals", ds);
      List<Connection> held = new ArrayList<>();
      try {
        held.add(ds.getConnection());
        held.add(ds.getConnection());
        held.add(ds.getConnection());
        assertThat(gauge(m, "active", "journals")).isEqualTo(3);
        assertThat(gauge(m, "max", "journals")).isEqualTo(4);
        assertThat(gauge(m, "pending", "journals")).isZero();
        // HikariCP fills idle connections in the background; it never exceeds max - active.
        assertThat(gauge(m, "idle", "journals")).isBetween(0.0, 1.0);
      } finally {
        for (Connection c : held) {
          c.close();
        }
      }
      assertThat(gauge(m, "active", "journals")).isZero();
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
