package com.englog.observability.health;

import com.englog.observability.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The registry's one time source drives ages, check durations, the time a check has left and its
 * deadline, so a test can move time by hand instead of sleeping.
 */
class HealthRuntimeVirtualTimeTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private HealthRegistry.Builder builder() {
    return HealthRegistry.builder().backgroundRefresh(Duration.ZERO).clock(clock);
  }

  @Test
  void durationAgeAndRemainingTimeFollowTheInjectedClock() {
    AtomicReference<Duration> remainingAtStart = new AtomicReference<>();
    AtomicReference<Duration> remainingAfterWork = new AtomicReference<>();
    try (HealthRegistry registry = builder()
        .add("db", context -> {
          remainingAtStart.set(context.remaining());
          clock.advance(Duration.ofMillis(1500));            // the check "takes" 1.5 s
          remainingAfterWork.set(context.remaining());
          return Health.up().build();
        }, o -> o.deadline(Duration.ofSeconds(2)))
        .build()) {
      registry.check("db");
      clock.advance(Duration.ofSeconds(3));

      ComponentHealth db = registry.check("db").component("db").orElseThrow();

      assertThat(remainingAtStart.get()).isEqualTo(Duration.ofSeconds(2));
      assertThat(remainingAfterWork.get()).isEqualTo(Duration.ofMillis(500));
      assertThat(db.duration()).isEqualTo(Duration.ofMillis(1500));
      assertThat(db.checkedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:01.500Z"));
      assertThat(db.age()).isEqualTo(Duration.ofSeconds(3));
    }
  }

  @Test
  void aCheckPastItsDeadlineOnTheInjectedClockIsTimedOutWithoutWaitingInRealTime() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (HealthRegistry registry = builder()
        .add("db", context -> {
          entered.countDown();
          release.await();                                   // hangs until the test ends
          return Health.up().build();
        }, o -> o.deadline(Duration.ofMinutes(10)).noCache().withoutCircuitBreaker())
        .build()) {
      CompletableFuture<Status> first = CompletableFuture.supplyAsync(() -> registry.status("db"));
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

      clock.advance(Duration.ofMinutes(10).plusMillis(1));
      HealthReport report = registry.check("db");

      // Both the caller waiting since the start and this one get the timeout, long before ten real
      // minutes: the deadline is the injected clock's.
      assertThat(report.status()).isEqualTo(Status.DOWN);
      assertThat(report.component("db").orElseThrow().reason()).startsWith("timed out after");
      assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(Status.DOWN);
    } finally {
      release.countDown();
    }
  }
}
