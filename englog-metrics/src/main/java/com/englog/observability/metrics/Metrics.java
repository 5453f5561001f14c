package com.englog.observability.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Static facade over one default {@link EnglogMetrics}, for application code that does not want to
 * pass an instance around. It works with no setup: on first use it creates a default instance with a
 * new {@code PrometheusMeterRegistry}. To record into your own instance instead, call {@link
 * #setDefault(EnglogMetrics)} once, at startup, before anything records through the facade. Prefer
 * injecting an {@link EnglogMetrics} where you can; library code never reads this facade.
 *
 * <pre>{@code
 * Metrics.setDefault(EnglogMetrics.builder().build());   // optional, at startup
 * Metrics.recordJournalCreated(userId, "text");
 * String body = Metrics.get().scrapeHandler().handle(null).bodyText();
 * }</pre>
 *
 * <p>Recording through the facade costs one volatile read more than recording on the instance.
 */
public final class Metrics {

  /** The instance in use; null until the first {@link #get()}. */
  private static volatile EnglogMetrics inUse;
  /** The instance {@link #setDefault} chose; guarded by the class lock. */
  private static EnglogMetrics chosen;
  /** Where the facade was first used (only the first use is recorded); guarded by the class lock. */
  private static Throwable firstUse;

  private Metrics() {}

  /**
   * The instance the facade records into: the one given to {@link #setDefault}, else a default one
   * created now. The first call fixes it for the life of the JVM.
   */
  public static EnglogMetrics get() {
    EnglogMetrics m = inUse;
    return m != null ? m : firstUse();
  }

  private static synchronized EnglogMetrics firstUse() {
    if (inUse == null) {
      firstUse = new Throwable("the Metrics facade was first used here, on thread "
          + Thread.currentThread().getName());
      inUse = chosen != null ? chosen : EnglogMetrics.builder().build();
    }
    return inUse;
  }

  /**
   * Makes {@code metrics} the facade's instance. Call it once, at startup, before anything records
   * through the facade or calls {@link #get()}.
   *
   * @throws IllegalStateException if the facade was already used (the message and cause say where it
   *     was first used) or {@code setDefault} was already called
   */
  public static synchronized void setDefault(EnglogMetrics metrics) {
    Objects.requireNonNull(metrics, "metrics");
    if (inUse != null) {
      throw new IllegalStateException("Metrics.setDefault(...) was called after the facade was first "
          + "used, at " + callSite(firstUse) + "; call it at startup, before anything records through "
          + "Metrics", firstUse);
    }
    if (chosen != null) {
      throw new IllegalStateException("Metrics.setDefault(...) was already called; the facade's "
          + "instance is set once, at startup");
    }
    chosen = metrics;
  }

  /** The first frame of {@code use} outside this class: the caller that first used the facade. */
  private static String callSite(Throwable use) {
    for (StackTraceElement frame : use.getStackTrace()) {
      if (!frame.getClassName().equals(Metrics.class.getName())) {
        return frame.toString();
      }
    }
    return "an unknown place";
  }

  /** Forgets the instance and where it was first used; for tests of code that uses the facade. */
  static synchronized void reset() {
    inUse = null;
    chosen = null;
    firstUse = null;
  }

  /** The registry the facade records into. */
  public static MeterRegistry registry() {
    return get().registry();
  }

  /** See {@link EnglogMetrics#recordHttpRequest}. */
  public static void recordHttpRequest(String method, String route, int status, Duration duration) {
    get().recordHttpRequest(method, route, status, duration);
  }

  /** See {@link EnglogMetrics#recordHttpRequestCount}. */
  public static void recordHttpRequestCount(String method, String route, int status) {
    get().recordHttpRequestCount(method, route, status);
  }

  /** See {@link EnglogMetrics#recordJournalCreated}. */
  public static void recordJournalCreated(String userId, String entryType) {
    get().recordJournalCreated(userId, entryType);
  }

  /** See {@link EnglogMetrics#recordAiProcessing}. */
  public static void recordAiProcessing(String taskType, String provider, Duration duration,
      @Nullable Throwable error) {
    get().recordAiProcessing(taskType, provider, duration, error);
  }

  /** See {@link EnglogMetrics#recordDatabaseQuery}. */
  public static void recordDatabaseQuery(String operation, String table, Duration duration) {
    get().recordDatabaseQuery(operation, table, duration);
  }

  /** See {@link EnglogMetrics#recordCacheHit}. */
  public static void recordCacheHit(String cacheType, String keyPattern) {
    get().recordCacheHit(cacheType, keyPattern);
  }

  /** See {@link EnglogMetrics#recordCacheMiss}. */
  public static void recordCacheMiss(String cacheType, String keyPattern) {
    get().recordCacheMiss(cacheType, keyPattern);
  }

  /** See {@link EnglogMetrics#updateActiveUsers}. */
  public static void updateActiveUsers(long count, String timeWindow) {
    get().updateActiveUsers(count, timeWindow);
  }

  /** See {@link EnglogMetrics#recordUserSession}. */
  public static void recordUserSession(String authMethod) {
    get().recordUserSession(authMethod);
  }

  /** See {@link EnglogMetrics#recordAuthenticationFailure}. */
  public static void recordAuthenticationFailure(String authMethod, @Nullable AuthFailureReason reason) {
    get().recordAuthenticationFailure(authMethod, reason);
  }

  /** See {@link EnglogMetrics#recordAuthenticationFailure(String, AuthFailureReason, String)}. */
  public static void recordAuthenticationFailure(String authMethod, @Nullable AuthFailureReason reason,
      @Nullable String route) {
    get().recordAuthenticationFailure(authMethod, reason, route);
  }

  /** See {@link EnglogMetrics#recordAccessDenied}. */
  public static void recordAccessDenied(String route) {
    get().recordAccessDenied(route);
  }

  /** See {@link EnglogMetrics#recordRateLimited}. */
  public static void recordRateLimited(String route) {
    get().recordRateLimited(route);
  }

  /** See {@link EnglogMetrics#recordAuditEvent}. */
  public static void recordAuditEvent(String action, boolean success) {
    get().recordAuditEvent(action, success);
  }
}
