package com.englog.observability.health.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not public API.
 *
 * <p>Gives a health check on pgjdbc's unpooled {@code org.postgresql.ds.PGSimpleDataSource} timeouts
 * that end with the check's deadline. pgjdbc waits for a server that accepted the connection but does
 * not answer (a frozen one) without limit by default: {@code loginTimeout} and {@code socketTimeout}
 * are 0, and {@code connectTimeout} (10 s) bounds only the TCP handshake, which the kernel completes
 * for a stopped server. {@code Connection.abort} cannot help either: there is no connection yet.
 *
 * <p>The service's own {@code DataSource} is never changed (a socket timeout of a few seconds would
 * break its long queries): each check connects through a fresh copy ({@code initializeFrom}, so the
 * copy follows later changes such as a rotated password) whose {@code loginTimeout}, {@code
 * connectTimeout} and {@code socketTimeout} are the seconds left to the check, or the configured
 * value when that is shorter. pgjdbc is read by reflection: no dependency.
 */
public final class PgjdbcTimeouts {

  private static final Logger LOG = LoggerFactory.getLogger("com.englog.observability.health");
  private static final String SIMPLE_DATA_SOURCE = "org.postgresql.ds.PGSimpleDataSource";

  private final MethodHandle create;
  private final MethodHandle initializeFrom;
  private final MethodHandle getConnectTimeout;
  private final MethodHandle setConnectTimeout;
  private final MethodHandle getSocketTimeout;
  private final MethodHandle setSocketTimeout;
  private volatile boolean warned;

  private PgjdbcTimeouts(Class<?> type) throws ReflectiveOperationException {
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    Class<?> base = type.getSuperclass();
    MethodType getter = MethodType.methodType(int.class);
    MethodType setter = MethodType.methodType(void.class, int.class);
    this.create = lookup.findConstructor(type, MethodType.methodType(void.class));
    this.initializeFrom = lookup.findVirtual(type, "initializeFrom", MethodType.methodType(void.class, base));
    this.getConnectTimeout = lookup.findVirtual(type, "getConnectTimeout", getter);
    this.setConnectTimeout = lookup.findVirtual(type, "setConnectTimeout", setter);
    this.getSocketTimeout = lookup.findVirtual(type, "getSocketTimeout", getter);
    this.setSocketTimeout = lookup.findVirtual(type, "setSocketTimeout", setter);
  }

  /**
   * Timeouts for {@code dataSource} when it is exactly a {@code PGSimpleDataSource} (a subclass may
   * connect its own way), else null.
   */
  public static PgjdbcTimeouts detect(DataSource dataSource) {
    Class<?> type = dataSource.getClass();
    if (!SIMPLE_DATA_SOURCE.equals(type.getName())) {
      return null;
    }
    try {
      return new PgjdbcTimeouts(type);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      LOG.warn("health: cannot bound pgjdbc's connection timeouts by the check's deadline ({}); a frozen "
          + "PostgreSQL holds the check's thread until pgjdbc gives up", e.toString());
      return null;
    }
  }

  /**
   * A copy of {@code dataSource} (a {@code PGSimpleDataSource}) that gives up connecting within
   * {@code seconds}; {@code dataSource} itself when it cannot be copied (logged once).
   */
  public DataSource within(DataSource dataSource, int seconds) {
    try {
      DataSource copy = (DataSource) create.invoke();
      initializeFrom.invoke(copy, dataSource);
      copy.setLoginTimeout(shorter(dataSource.getLoginTimeout(), seconds));
      setConnectTimeout.invoke(copy, shorter((int) getConnectTimeout.invoke(dataSource), seconds));
      setSocketTimeout.invoke(copy, shorter((int) getSocketTimeout.invoke(dataSource), seconds));
      return copy;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      if (!warned) {
        warned = true;
        LOG.warn("health: cannot copy the PGSimpleDataSource to bound its timeouts by the check's "
            + "deadline ({}); checking with its own timeouts", e instanceof SQLException
            ? e.getMessage() : e.toString());
      }
      return dataSource;
    }
  }

  /** {@code configured} (0: none) or {@code seconds}, whichever ends first. */
  private static int shorter(int configured, int seconds) {
    return configured > 0 && configured < seconds ? configured : seconds;
  }
}
