package com.englog.examples.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.metrics.Metrics;
import com.englog.observability.testsupport.MutableClock;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ActiveUsersTest {

  @Test
  void eachWindowCountsTheUsersSeenWithinIt() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-10T12:00:00Z"));
    ActiveUsers users = new ActiveUsers(clock);
    users.seen("carol");                       // 8 days before the count: forgotten
    clock.advance(Duration.ofDays(6));
    users.seen("bob");                         // 2 days before
    clock.advance(Duration.ofDays(1).plusHours(22));
    users.seen("alice");                       // 2 hours before
    clock.advance(Duration.ofMinutes(90));
    users.seen("dave");                        // 30 minutes before
    users.seen("alice");
    clock.advance(Duration.ofMinutes(30));

    users.publish();

    assertThat(active("1h")).isEqualTo(2);     // alice, dave
    assertThat(active("24h")).isEqualTo(2);
    assertThat(active("7d")).isEqualTo(3);     // and bob
    users.close();
  }

  private static double active(String window) {
    String series = "englog_users_active{time_window=\"" + window + "\"} ";
    String scrape = ((PrometheusMeterRegistry) Metrics.registry()).scrape();
    return scrape.lines().filter(l -> l.startsWith(series))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length()))).findFirst().orElse(-1);
  }
}
