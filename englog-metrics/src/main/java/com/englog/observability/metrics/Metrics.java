package com.englog.observability.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Static facade over one default {@link EnglogMetrics}, for application code that does not want to
 * pass an instance around. It works with no setup (the default instance, with a new
 * {@code PrometheusMeterRegistry}, is created on first use) and can be replaced once, at startup, with
 * {@link #install(EnglogMetrics)}. Prefer injecting an {@link EnglogMetrics} where you can; library code
 * never reads this facade.
 *
 * <pre>{@code
 * Metrics.recordJournalCreated(userId, "text");
 * String body = Metrics.instance().scrapeHandler().handle(null).bodyText();
 * }</pre>
 */
public final class Metrics {

  private static volatile EnglogMetrics instance;
  private static boolean installed;

  private Metrics() {}

  /** The instance the facade records into, created with defaults on first use. */
  public static EnglogMetrics instance() {
    EnglogMetrics m = instance;
    return m != null ? m : createDefault();
  }

  private static synchronized EnglogMetrics createDefault() {
    if (instance == null) {
      instance = EnglogMetrics.builder().build();
    }
    return instance;
  }

  /**
   * Makes {@code metrics} the facade's instance. Call it once, at startup, before recording: what the
   * facade recorded before goes on living in the previous instance's registry.
   *
   * @throws IllegalStateException if an instance was already installed
   */
  public static synchronized void install(EnglogMetrics metrics) {
    Objects.requireNonNull(metrics, "metrics");
    if (installed) {
      throw new IllegalStateException("Metrics.install(...) was already called; the facade's instance "
          + "can be replaced once, at startup");
    }
    installed = true;
    instance = metrics;
  }

  /** Forgets the installed instance; for tests of code that uses the facade. */
  static synchronized void reset() {
    installed = false;
    instance = null;
  }

  /** The registry the facade records into. */
  public static MeterRegistry registry() {
    return instance().registry();
  }

  /** See {@link EnglogMetrics#recordHttpRequest}. */
  public static void recordHttpRequest(String method, String route, int status, Duration duration) {
    instance().recordHttpRequest(method, route, status, duration);
  }

  /** See {@link EnglogMetrics#recordJournalCreated}. */
  public static void recordJournalCreated(String userId, String entryType) {
    instance().recordJournalCreated(userId, entryType);
  }

  /** See {@link EnglogMetrics#recordAiProcessing}. */
  public static void recordAiProcessing(String taskType, String provider, Duration duration,
      @Nullable Throwable error) {
    instance().recordAiProcessing(taskType, provider, duration, error);
  }

  /** See {@link EnglogMetrics#recordDatabaseQuery}. */
  public static void recordDatabaseQuery(String operation, String table, Duration duration) {
    instance().recordDatabaseQuery(operation, table, duration);
  }

  /** See {@link EnglogMetrics#recordCacheHit}. */
  public static void recordCacheHit(String cacheType, String keyPattern) {
    instance().recordCacheHit(cacheType, keyPattern);
  }

  /** See {@link EnglogMetrics#recordCacheMiss}. */
  public static void recordCacheMiss(String cacheType, String keyPattern) {
    instance().recordCacheMiss(cacheType, keyPattern);
  }

  /** See {@link EnglogMetrics#updateActiveUsers}. */
  public static void updateActiveUsers(long count, String timeWindow) {
    instance().updateActiveUsers(count, timeWindow);
  }

  /** See {@link EnglogMetrics#recordUserSession}. */
  public static void recordUserSession(String authMethod) {
    instance().recordUserSession(authMethod);
  }

  /** See {@link EnglogMetrics#recordAuthenticationFailure}. */
  public static void recordAuthenticationFailure(String authMethod, @Nullable AuthFailureReason reason) {
    instance().recordAuthenticationFailure(authMethod, reason);
  }

  /** See {@link EnglogMetrics#recordAccessDenied}. */
  public static void recordAccessDenied(String route) {
    instance().recordAccessDenied(route);
  }

  /** See {@link EnglogMetrics#recordRateLimited}. */
  public static void recordRateLimited(String route) {
    instance().recordRateLimited(route);
  }

  /** See {@link EnglogMetrics#recordAuditEvent}. */
  public static void recordAuditEvent(String action, boolean success) {
    instance().recordAuditEvent(action, success);
  }
}
