package com.englog.examples.api;

import com.englog.observability.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code englog_users_active{time_window}}: users seen in the last hour, day and week, recounted every
 * few seconds from the last time each authenticated user made a request. In memory, per instance; a
 * fleet would count in Redis (a HyperLogLog per window) instead.
 */
public final class ActiveUsers implements AutoCloseable {

  private static final Map<String, Duration> WINDOWS = Map.of(
      "1h", Duration.ofHours(1), "24h", Duration.ofDays(1), "7d", Duration.ofDays(7));
  private static final Duration LONGEST = Duration.ofDays(7);
  private static final Duration PUBLISH_EVERY = Duration.ofSeconds(5);

  private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
  private final Clock clock;
  private final ScheduledExecutorService publisher;

  ActiveUsers(Clock clock) {
    this.clock = clock;
    this.publisher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "englog-api-active-users");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts publishing through the {@code Metrics} facade, at once and then every few seconds. */
  static ActiveUsers start(Clock clock) {
    ActiveUsers users = new ActiveUsers(clock);
    users.publisher.scheduleWithFixedDelay(users::publish, 0, PUBLISH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return users;
  }

  /** Notes a request of {@code userId}. */
  public void seen(String userId) {
    lastSeen.put(userId, clock.instant());
  }

  /** Recounts every window; users not seen for a week are forgotten. */
  void publish() {
    Instant now = clock.instant();
    lastSeen.values().removeIf(seen -> seen.isBefore(now.minus(LONGEST)));
    WINDOWS.forEach((window, length) -> {
      Instant since = now.minus(length);
      long count = lastSeen.values().stream().filter(seen -> !seen.isBefore(since)).count();
      Metrics.updateActiveUsers(count, window);
    });
  }

  @Override
  public void close() {
    publisher.shutdownNow();
  }
}
