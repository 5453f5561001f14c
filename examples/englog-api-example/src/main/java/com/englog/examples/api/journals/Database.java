package com.englog.examples.api.journals;

import com.englog.examples.api.ApiConfig;
import com.englog.examples.api.Peer;
import com.englog.observability.common.Secret;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;

/**
 * The journal database: PostgreSQL through HikariCP when {@code ENGLOG_EXAMPLE_JDBC_URL} is set, else H2
 * in memory in PostgreSQL mode (same SQL, same pool, nothing to install).
 *
 * <p>A frozen or unreachable database must cost a request a bounded time, not a Jetty thread for ever.
 * Every call gets {@link #CALL_BUDGET}: HikariCP waits at most that long for a connection, the
 * connection's network timeout is what is left of it, and pgjdbc's own connect, login and socket
 * timeouts bound the pool's background threads too. At most {@link #MAX_CALLERS} requests wait for the
 * database at once; the others are turned away at once. Each refusal is a {@link
 * DatabaseUnavailableException}, which the API answers with 503.
 */
public final class Database implements AutoCloseable {

  /** The longest a request spends on one database call, waiting for a connection included. */
  public static final Duration CALL_BUDGET = Duration.ofMillis(1500);
  /** Least network timeout given to a call that got its connection late in its budget. */
  private static final int MIN_NETWORK_TIMEOUT_MS = 250;
  private static final int POOL_SIZE = 10;
  /** Requests allowed to wait for the database at once: twice the pool, far below Jetty's threads. */
  public static final int MAX_CALLERS = 2 * POOL_SIZE;

  private static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS journals (
        id         VARCHAR(36)  PRIMARY KEY,
        user_id    VARCHAR(64)  NOT NULL,
        title      VARCHAR(200) NOT NULL,
        body       TEXT         NOT NULL,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL
      )""";
  private static final String INDEX = "CREATE INDEX IF NOT EXISTS journals_user_id ON journals (user_id)";

  private final HikariDataSource pool;
  private final Peer peer;
  private final Semaphore callers = new Semaphore(MAX_CALLERS);

  private Database(HikariDataSource pool, Peer peer) {
    this.pool = pool;
    this.peer = peer;
  }

  /**
   * The database {@code config} names, as outbound spans name it: {@code peer.service} is also the
   * {@code db.system.name} ({@code postgresql} or {@code h2}). Known before the pool opens, so tracing can
   * be configured first.
   */
  public static Peer peerOf(ApiConfig config) {
    return config.jdbcUrl().map(Database::postgresPeer).orElse(Peer.inProcess("h2"));
  }

  /** Opens the pool described by {@code config} and creates the schema; fails when the database does. */
  public static Database open(ApiConfig config) throws SQLException {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("englog");
    hikari.setMaximumPoolSize(POOL_SIZE);
    hikari.setConnectionTimeout(CALL_BUDGET.toMillis());
    hikari.setValidationTimeout(500);
    Database database;
    if (config.jdbcUrl().isPresent()) {
      String url = config.jdbcUrl().get();
      hikari.setJdbcUrl(url);
      hikari.setUsername(config.jdbcUser());
      config.jdbcPasswordFile().flatMap(f -> Secret.fromFile(f).value()).ifPresent(hikari::setPassword);
      // pgjdbc waits for ever by default (the kernel accepts connections of a stopped server): bound the
      // pool's own connection attempts. Seconds; a request's call is bounded tighter below.
      hikari.addDataSourceProperty("connectTimeout", "2");
      hikari.addDataSourceProperty("loginTimeout", "2");
      hikari.addDataSourceProperty("socketTimeout", "5");
      hikari.addDataSourceProperty("tcpKeepAlive", "true");
      hikari.addDataSourceProperty("ApplicationName", ApiConfig.SERVICE_NAME);
      database = new Database(new HikariDataSource(hikari), peerOf(config));
    } else {
      hikari.setJdbcUrl("jdbc:h2:mem:englog;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
      hikari.setUsername("sa");
      database = new Database(new HikariDataSource(hikari), peerOf(config));
    }
    try {
      database.createSchema();
    } catch (SQLException | RuntimeException e) {
      database.close();
      throw e;
    }
    return database;
  }

  /** The database as outbound spans name it. */
  public Peer peer() {
    return peer;
  }

  /** The pool, for the health check and the pool gauges. */
  public DataSource dataSource() {
    return pool;
  }

  /** Work done with a borrowed connection. */
  @FunctionalInterface
  public interface ConnectionWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on a pooled connection within {@link #CALL_BUDGET}.
   *
   * @throws DatabaseUnavailableException when too many requests already wait for the database, no
   *     connection came in time, or the database stopped answering
   * @throws SQLException for any other database error
   */
  public <T> T call(ConnectionWork<T> work) throws SQLException {
    if (!callers.tryAcquire()) {
      throw new DatabaseUnavailableException("too many requests waiting for the database", null);
    }
    long start = System.nanoTime();
    try (Connection connection = pool.getConnection()) {
      long left = CALL_BUDGET.toMillis() - Duration.ofNanos(System.nanoTime() - start).toMillis();
      setNetworkTimeout(connection, (int) Math.max(MIN_NETWORK_TIMEOUT_MS, left));
      return work.run(connection);
    } catch (DatabaseUnavailableException e) {
      throw e;
    } catch (SQLException e) {
      if (isUnavailable(e)) {
        throw new DatabaseUnavailableException("database unavailable: " + e.getMessage(), e);
      }
      throw e;
    } finally {
      callers.release();
    }
  }

  private void createSchema() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute(SCHEMA);
      s.execute(INDEX);
    }
  }

  private static void setNetworkTimeout(Connection connection, int millis) throws SQLException {
    try {
      // pgjdbc applies it to the socket; HikariCP puts the pool's setting back when the connection returns.
      connection.setNetworkTimeout(Runnable::run, millis);
    } catch (SQLFeatureNotSupportedException e) {
      // H2 in memory has no network to time out.
    }
  }

  /** Connection-level failures (SQLSTATE class 08, timeouts) as opposed to errors in the SQL itself. */
  private static boolean isUnavailable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException
          || t instanceof SQLTimeoutException) {
        return true;
      }
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static Peer postgresPeer(String jdbcUrl) {
    // jdbc:postgresql://host[:port][,host2...]/database?...: the first host is the one we report.
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()).replaceFirst(",[^/]*", ""));
    String host = uri.getHost() != null ? uri.getHost() : "localhost";
    return Peer.of("postgresql", host, uri.getPort() != -1 ? uri.getPort() : 5432);
  }

  @Override
  public void close() {
    pool.close();
  }
}
