package com.englog.observability.common.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class HikariProbeTest {

  private static HikariDataSource pool(String name, int max) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    c.setMaximumPoolSize(max);
    c.setMinimumIdle(max);
    c.setPoolName(name);
    return new HikariDataSource(c);
  }

  @Test
  void readsTheCountsOfARealPool() throws Exception {
    try (HikariDataSource ds = pool("probe-counts", 3)) {
      HikariProbe probe = HikariProbe.detect(ds);
      assertThat(probe).isNotNull();
      try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
        assertThat(a).isNotSameAs(b);
        HikariProbe.Stats s = probe.read();
        assertThat(s.active()).isEqualTo(2);
        assertThat(s.max()).isEqualTo(3);
        assertThat(s.idle()).isEqualTo(ds.getHikariPoolMXBean().getIdleConnections());
        assertThat(s.active() + s.idle()).isEqualTo(ds.getHikariPoolMXBean().getTotalConnections());
        assertThat(s.pending()).isZero();
      }
      assertThat(probe.read().active()).isZero();
    }
  }

  @Test
  void aPoolNotStartedYetReadsZerosWithItsMaximum() {
    HikariDataSource lazy = new HikariDataSource();
    lazy.setJdbcUrl("jdbc:h2:mem:probe-lazy");
    lazy.setMaximumPoolSize(7);
    HikariProbe.Stats s = HikariProbe.detect(lazy).read();
    assertThat(s.active()).isZero();
    assertThat(s.idle()).isZero();
    assertThat(s.max()).isEqualTo(7);
    lazy.close();
  }

  @Test
  void findsAPoolBehindAWrapperAndSubclasses() throws Exception {
    try (HikariDataSource ds = pool("probe-wrapped", 2)) {
      DataSource wrapper = new Wrapper(ds);
      HikariProbe probe = HikariProbe.detect(wrapper);
      assertThat(probe).isNotNull();
      try (Connection c = ds.getConnection()) {
        assertThat(c.isValid(1)).isTrue();
        assertThat(probe.read().active()).isEqualTo(1);
      }
    }
    HikariDataSource sub = new HikariDataSource() {};
    sub.setMaximumPoolSize(4);
    assertThat(HikariProbe.detect(sub).read().max()).isEqualTo(4);
  }

  @Test
  void otherDataSourcesHaveNoProbe() {
    assertThat(HikariProbe.detect(new Wrapper(null))).isNull();
  }

  @Test
  void aPoolThatThrowsReadsAsUnknownNotZero() {
    HikariDataSource broken = new HikariDataSource() {
      @Override
      public com.zaxxer.hikari.HikariPoolMXBean getHikariPoolMXBean() {
        throw new IllegalStateException("pool gone");
      }
    };
    assertThat(HikariProbe.detect(broken).read()).isNull();
  }

  /** A DataSource that is not HikariCP's but may wrap it, like a tracing or metrics proxy. */
  private static final class Wrapper implements DataSource {
    private final DataSource inner;

    Wrapper(DataSource inner) {
      this.inner = inner;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return inner.getConnection();
    }

    @Override
    public Connection getConnection(String u, String p) throws SQLException {
      return inner.getConnection(u, p);
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      if (inner != null && type.isInstance(inner)) {
        return type.cast(inner);
      }
      throw new SQLException("not a wrapper for " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return inner != null && type.isInstance(inner);
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
  }
}
