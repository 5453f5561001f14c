package com.englog.observability.health.internal;

import java.lang.reflect.Method;
import javax.sql.DataSource;

/**
 * Not public API. Reads HikariCP's pool statistics by reflection, so englog-health has no dependency
 * on HikariCP: {@code HikariDataSource.getHikariPoolMXBean()} and {@code getMaximumPoolSize()}.
 */
public final class HikariPool {

  private final DataSource dataSource;
  private final Method poolBean;
  private final Method maxSize;
  private Method active;
  private Method idle;
  private Method waiting;

  private HikariPool(DataSource dataSource, Method poolBean, Method maxSize) {
    this.dataSource = dataSource;
    this.poolBean = poolBean;
    this.maxSize = maxSize;
  }

  /** The pool behind {@code dataSource} if it is a HikariDataSource, else null. */
  public static HikariPool detect(DataSource dataSource) {
    for (Class<?> c = dataSource.getClass(); c != null; c = c.getSuperclass()) {
      if ("com.zaxxer.hikari.HikariDataSource".equals(c.getName())) {
        try {
          return new HikariPool(dataSource, c.getMethod("getHikariPoolMXBean"),
              c.getMethod("getMaximumPoolSize"));
        } catch (NoSuchMethodException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** {active, idle, max, waiting}, or null when the pool has not started or reflection fails. */
  public synchronized int[] stats() {
    try {
      Object bean = poolBean.invoke(dataSource);
      if (bean == null) {
        return null;
      }
      if (active == null) {
        Class<?> type = Class.forName("com.zaxxer.hikari.HikariPoolMXBean", false,
            dataSource.getClass().getClassLoader());
        active = type.getMethod("getActiveConnections");
        idle = type.getMethod("getIdleConnections");
        waiting = type.getMethod("getThreadsAwaitingConnection");
      }
      return new int[] {
          (Integer) active.invoke(bean), (Integer) idle.invoke(bean),
          (Integer) maxSize.invoke(dataSource), (Integer) waiting.invoke(bean)};
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
