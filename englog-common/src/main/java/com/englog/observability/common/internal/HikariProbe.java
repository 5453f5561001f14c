package com.englog.observability.common.internal;

import java.lang.reflect.Method;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Not public API.
 *
 * <p>Reads HikariCP's pool statistics by reflection, so no EngLog module depends on HikariCP. A
 * {@code DataSource} is a HikariCP one when its class, or a superclass, is {@code
 * com.zaxxer.hikari.HikariDataSource}, or when it wraps one ({@link DataSource#unwrap}). The pool
 * itself starts lazily, on the first connection: until then it has no connections, which {@link
 * #read()} reports as zeros.
 */
public final class HikariProbe {

  private static final String DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";
  private static final String POOL_MX_BEAN = "com.zaxxer.hikari.HikariPoolMXBean";

  private final Object dataSource;
  private final Method poolBean;
  private final Method maximumPoolSize;
  private final Method active;
  private final Method idle;
  private final Method pending;

  private HikariProbe(Object dataSource, Class<?> dsClass, Class<?> beanClass)
      throws ReflectiveOperationException {
    this.dataSource = dataSource;
    this.poolBean = dsClass.getMethod("getHikariPoolMXBean");
    this.maximumPoolSize = dsClass.getMethod("getMaximumPoolSize");
    this.active = beanClass.getMethod("getActiveConnections");
    this.idle = beanClass.getMethod("getIdleConnections");
    this.pending = beanClass.getMethod("getThreadsAwaitingConnection");
  }

  /** A probe of {@code dataSource}'s pool, or null when it is not (and does not wrap) a HikariCP one. */
  public static HikariProbe detect(DataSource dataSource) {
    Object target = dataSource;
    Class<?> dsClass = hikariClass(dataSource.getClass());
    if (dsClass == null) {
      try {
        Class<?> c = Class.forName(DATA_SOURCE, false, dataSource.getClass().getClassLoader());
        if (!dataSource.isWrapperFor(c)) {
          return null;
        }
        target = dataSource.unwrap(c);
        dsClass = c;
      } catch (ClassNotFoundException | LinkageError | SQLException | RuntimeException e) {
        return null;
      }
    }
    try {
      Class<?> beanClass = Class.forName(POOL_MX_BEAN, false, dsClass.getClassLoader());
      return new HikariProbe(target, dsClass, beanClass);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  private static Class<?> hikariClass(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (DATA_SOURCE.equals(c.getName())) {
        return c;
      }
    }
    return null;
  }

  /**
   * The pool's counts now: zeros (and the configured maximum) before the pool has started, null when
   * they cannot be read (reflection failed, or the pool threw); callers export that as unknown, never
   * as 0.
   */
  public Stats read() {
    try {
      int max = (Integer) maximumPoolSize.invoke(dataSource);
      Object bean = poolBean.invoke(dataSource);
      if (bean == null) {
        return new Stats(0, 0, max, 0);
      }
      return new Stats((Integer) active.invoke(bean), (Integer) idle.invoke(bean), max,
          (Integer) pending.invoke(bean));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** One reading of the pool. */
  public static final class Stats {
    private final int active;
    private final int idle;
    private final int max;
    private final int pending;

    Stats(int active, int idle, int max, int pending) {
      this.active = active;
      this.idle = idle;
      this.max = max;
      this.pending = pending;
    }

    /** Connections in use. */
    public int active() {
      return active;
    }

    /** Open connections not in use. */
    public int idle() {
      return idle;
    }

    /** The configured maximum pool size. */
    public int max() {
      return max;
    }

    /** Threads waiting for a connection. */
    public int pending() {
      return pending;
    }
  }
}
