package com.englog.observability.health;

import com.englog.observability.common.internal.HikariProbe;
import com.englog.observability.health.internal.PgjdbcTimeouts;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A relational database behind a {@link DataSource}: borrows a connection, validates it ({@code
 * Connection.isValid} or a validation query) and reports pool saturation.
 *
 * <pre>{@code
 * .add("db", JdbcHealthIndicator.of(dataSource))
 * .add("db", JdbcHealthIndicator.builder(dataSource).validationQuery("SELECT 1 FROM journals LIMIT 1").build())
 * }</pre>
 *
 * <p>A hung database pins the check's thread as little as JDBC allows. Once the check holds a
 * connection, its network timeout ({@code Connection.setNetworkTimeout}) is the time left to the
 * deadline, and when the deadline passes the connection is aborted ({@code Connection.abort}), which
 * closes its socket. Getting the connection has no abort hook in JDBC: on pgjdbc's unpooled {@code
 * PGSimpleDataSource}, the check connects through a copy of your data source whose {@code
 * loginTimeout}, {@code connectTimeout} and {@code socketTimeout} are the seconds left to the
 * deadline (rounded up; your data source is not changed), so a frozen server releases the check
 * within the deadline rounded up to whole seconds. A pool that waits inside {@code getConnection()}
 * (for a free connection, or for its own login to a frozen server) keeps the check's thread until
 * the pool's own timeout (HikariCP's {@code connectionTimeout}): the check is abandoned at its
 * deadline (DOWN, "timed out after …"), and no second check of the component starts until it
 * returns. Pool statistics come from HikariCP
 * automatically (read reflectively; no dependency) or from {@link Builder#poolStats(Supplier)}: the
 * check is DEGRADED when the share of connections the service holds (not counting the check's own)
 * reaches the saturation threshold, and when the pool is exhausted with callers waiting it reports
 * that without queueing for a connection itself.
 */
public final class JdbcHealthIndicator implements HealthIndicator {

  /** Active / maximum connections at or above which the pool counts as saturated. */
  public static final double DEFAULT_SATURATION_THRESHOLD = 0.9;

  private final DataSource dataSource;
  private final String validationQuery;
  private final Supplier<PoolStats> poolStats;
  private final double saturationThreshold;
  /** Non-null for pgjdbc's PGSimpleDataSource: connects through a copy with the deadline's timeouts. */
  private final PgjdbcTimeouts pgjdbc;

  private JdbcHealthIndicator(Builder b) {
    this.dataSource = b.dataSource;
    this.pgjdbc = PgjdbcTimeouts.detect(b.dataSource);
    this.validationQuery = b.validationQuery;
    this.saturationThreshold = b.saturationThreshold;
    if (b.poolStats != null) {
      this.poolStats = b.poolStats;
    } else {
      // Counts that cannot be read (reflection failed, the pool threw) are no details, never zeros.
      HikariProbe hikari = HikariProbe.detect(b.dataSource);
      this.poolStats = hikari == null ? () -> null : () -> {
        HikariProbe.Stats s = hikari.read();
        return s == null ? null : new PoolStats(s.active(), s.idle(), s.max(), s.pending());
      };
    }
  }

  /** Validates with {@code Connection.isValid}; pool stats from HikariCP when it is one. */
  public static JdbcHealthIndicator of(DataSource dataSource) {
    return builder(dataSource).build();
  }

  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  @Override
  public Health check(HealthCheckContext context) throws SQLException {
    PoolStats before = poolStats.get();
    if (before != null && before.max > 0 && before.active >= before.max && before.waiting > 0) {
      return withStats(Health.degraded("connection pool exhausted: " + before.active + "/" + before.max
          + " connections active, " + before.waiting + " callers waiting"), before).build();
    }
    long start = System.nanoTime();
    String database;
    long validationNanos;
    DataSource source = pgjdbc == null ? dataSource : pgjdbc.within(dataSource, secondsLeft(context));
    try (Connection connection = source.getConnection()) {
      AtomicBoolean inUse = new AtomicBoolean(true);
      context.onAbort(() -> {
        if (inUse.get()) {
          connection.abort(Runnable::run);
        }
      });
      int networkTimeout = boundNetworkTimeout(connection, context);
      try {
        int seconds = secondsLeft(context);
        if (validationQuery == null) {
          if (!connection.isValid(seconds)) {
            return Health.down("connection is not valid (Connection.isValid returned false)").build();
          }
        } else {
          try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(seconds);
            statement.execute(validationQuery);
          }
        }
        validationNanos = System.nanoTime() - start;
        DatabaseMetaData meta = connection.getMetaData();
        database = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
      } finally {
        inUse.set(false);
        restoreNetworkTimeout(connection, networkTimeout);
      }
    }
    // Read once the check's own connection is back in the pool, so that only the service's
    // connections count: otherwise a pool of one would always look saturated.
    PoolStats after = poolStats.get();
    Health.Builder health;
    if (after != null && after.max > 0 && after.active >= saturationThreshold * after.max) {
      health = Health.degraded("connection pool nearly saturated: " + after.active + "/" + after.max
          + " connections active");
    } else {
      health = Health.up();
    }
    health.detail("database", database).detail("validation_ms", validationNanos / 1_000_000);
    return withStats(health, after).build();
  }

  /** The time left to the deadline in whole seconds, rounded up, at least 1 (JDBC timeouts are seconds). */
  private static int secondsLeft(HealthCheckContext context) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (context.remaining().toMillis() + 999) / 1000));
  }

  /**
   * Bounds every wait of {@code connection} for the server by the time left to the deadline, so that
   * a read that the abort hook cannot reach in time still ends; returns the previous network timeout
   * to restore, or -1 when the driver does not support one.
   */
  private static int boundNetworkTimeout(Connection connection, HealthCheckContext context) {
    try {
      int previous = connection.getNetworkTimeout();
      long left = Math.max(1, Math.min(Integer.MAX_VALUE, context.remaining().toMillis()));
      connection.setNetworkTimeout(Runnable::run, (int) left);
      return previous;
    } catch (SQLException | RuntimeException | AbstractMethodError e) {
      return -1;
    }
  }

  /** Gives a (pooled) connection its network timeout back before it is returned. */
  private static void restoreNetworkTimeout(Connection connection, int previous) {
    if (previous < 0) {
      return;
    }
    try {
      if (!connection.isClosed()) {
        connection.setNetworkTimeout(Runnable::run, previous);
      }
    } catch (SQLException | RuntimeException e) {
      // An aborted or broken connection: the pool discards it.
    }
  }

  private static Health.Builder withStats(Health.Builder health, PoolStats stats) {
    if (stats != null) {
      health.detail("pool_active", stats.active).detail("pool_idle", stats.idle)
          .detail("pool_max", stats.max).detail("pool_waiting", stats.waiting);
    }
    return health;
  }

  @Override
  public String toString() {
    return "JdbcHealthIndicator{" + dataSource.getClass().getSimpleName() + "}";
  }

  /** A connection pool's numbers at one moment. */
  public static final class PoolStats {
    final int active;
    final int idle;
    final int max;
    final int waiting;

    private PoolStats(int active, int idle, int max, int waiting) {
      this.active = active;
      this.idle = idle;
      this.max = max;
      this.waiting = waiting;
    }

    /**
     * @param active connections in use
     * @param idle connections in the pool, unused
     * @param max the pool's maximum size (0 when unknown)
     * @param waiting threads waiting for a connection
     */
    public static PoolStats of(int active, int idle, int max, int waiting) {
      return new PoolStats(active, idle, max, waiting);
    }
  }

  /** Builds a {@link JdbcHealthIndicator}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String validationQuery;
    private Supplier<PoolStats> poolStats;
    private double saturationThreshold = DEFAULT_SATURATION_THRESHOLD;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Run this query instead of {@code Connection.isValid}, e.g. to check a table is readable. */
    public Builder validationQuery(String query) {
      Objects.requireNonNull(query, "query");
      if (query.isBlank()) {
        throw new IllegalArgumentException("validationQuery must not be blank");
      }
      this.validationQuery = query;
      return this;
    }

    /**
     * Pool statistics for a pool other than HikariCP; the supplier may return null. The check reads
     * them before it borrows its connection and again after it has returned it, so they count the
     * service's connections, not the check's own.
     */
    public Builder poolStats(Supplier<@Nullable PoolStats> poolStats) {
      this.poolStats = Objects.requireNonNull(poolStats, "poolStats");
      return this;
    }

    /** Active / max at or above which the check is DEGRADED; 0 (exclusive) to 1, default 0.9. */
    public Builder saturationThreshold(double threshold) {
      if (!(threshold > 0 && threshold <= 1)) {
        throw new IllegalArgumentException("saturationThreshold must be in (0, 1], was " + threshold);
      }
      this.saturationThreshold = threshold;
      return this;
    }

    public JdbcHealthIndicator build() {
      return new JdbcHealthIndicator(this);
    }
  }
}
