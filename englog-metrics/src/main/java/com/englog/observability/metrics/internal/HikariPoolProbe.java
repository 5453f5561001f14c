package com.englog.observability.metrics.internal;

import java.lang.reflect.Method;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Not public API.
 *
 * <p>Reads HikariCP's pool statistics by reflection, so englog-metrics needs no HikariCP dependency.
 * The pool may not exist yet (HikariCP starts it lazily on the first connection); until it does, the
 * pool counts read 0.
 */
public final class HikariPoolProbe {

  private static final String DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";
  private static final String POOL_MX_BEAN = "com.zaxxer.hikari.HikariPoolMXBean";

  private final Object dataSource;
  private final Method poolBean;
  private final Method maximumPoolSize;
  private final Method active;
  private final Method idle;
  private final Method pending;

  private HikariPoolProbe(Object dataSource, Class<?> dsClass, Class<?> beanClass)
      throws ReflectiveOperationException {
    this.dataSource = dataSource;
    this.poolBean = dsClass.getMethod("getHikariPoolMXBean");
    this.maximumPoolSize = dsClass.getMethod("getMaximumPoolSize");
    this.active = beanClass.getMethod("getActiveConnections");
    this.idle = beanClass.getMethod("getIdleConnections");
    this.pending = beanClass.getMethod("getThreadsAwaitingConnection");
  }

  /**
   * A probe for {@code dataSource} when it is (or wraps) a {@code HikariDataSource}.
   *
   * @throws IllegalArgumentException if it is not
   */
  public static HikariPoolProbe of(DataSource dataSource) {
    ClassLoader loader = dataSource.getClass().getClassLoader();
    Class<?> dsClass;
    Class<?> beanClass;
    try {
      dsClass = Class.forName(DATA_SOURCE, false, loader);
      beanClass = Class.forName(POOL_MX_BEAN, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw notHikari(dataSource);
    }
    Object target = dataSource;
    if (!dsClass.isInstance(target)) {
      try {
        if (!dataSource.isWrapperFor(dsClass)) {
          throw notHikari(dataSource);
        }
        target = dataSource.unwrap(dsClass);
      } catch (SQLException e) {
        throw notHikari(dataSource);
      }
    }
    try {
      return new HikariPoolProbe(target, dsClass, beanClass);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("unsupported HikariCP version: " + e, e);
    }
  }

  private static IllegalArgumentException notHikari(DataSource ds) {
    return new IllegalArgumentException(ds.getClass().getName() + " is not a HikariCP DataSource; "
        + "bind its pool with bindConnectionPool(database, active, idle, max, pending)");
  }

  public int active() {
    return readPool(active);
  }

  public int idle() {
    return readPool(idle);
  }

  public int pending() {
    return readPool(pending);
  }

  public int max() {
    return invokeInt(maximumPoolSize, dataSource);
  }

  private int readPool(Method m) {
    Object bean;
    try {
      bean = poolBean.invoke(dataSource);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return 0;
    }
    return bean == null ? 0 : invokeInt(m, bean);
  }

  private static int invokeInt(Method m, Object target) {
    try {
      Object v = m.invoke(target);
      return v instanceof Integer ? (Integer) v : 0;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return 0;
    }
  }
}
