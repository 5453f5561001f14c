package com.englog.observability.health;

import com.englog.observability.testsupport.MutableClock;
import static com.englog.observability.testsupport.Latches.awaitUninterruptibly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private HealthRegistry registry;

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
  }

  private HealthRegistry.Builder builder() {
    return HealthRegistry.builder().backgroundRefresh(Duration.ZERO).clock(clock);
  }

  @Test
  void meterRegistryIsTheOneGivenToTheBuilder() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    registry = builder().meterRegistry(meters).add("db", context -> Health.up().build()).build();
    try (HealthRegistry without = builder().add("db", context -> Health.up().build()).build()) {
      assertThat(registry.meterRegistry()).containsSame(meters);
      assertThat(without.meterRegistry()).isEmpty();
    }
  }

  @Test
  void nonCriticalDependencyDownMakesTheServiceDegradedNotDown() {
    registry = builder()
        .add("db", context -> Health.up().build())
        .add("ai", context -> Health.down("HTTP 503").build(), o -> o.nonCritical())
        .build();

    HealthReport report = registry.check(HealthRegistry.READINESS);

    assertThat(report.status()).isEqualTo(Status.DEGRADED);
    assertThat(report.component("ai").orElseThrow().status()).isEqualTo(Status.DOWN);
    assertThat(report.component("ai").orElseThrow().reason()).isEqualTo("HTTP 503");
    assertThat(report.component("ai").orElseThrow().critical()).isFalse();
  }

  @Test
  void criticalDependencyDownMakesTheServiceDown() {
    registry = builder()
        .add("db", context -> Health.down("connection refused").build())
        .add("ai", context -> Health.up().build(), o -> o.nonCritical())
        .build();

    assertThat(registry.status(HealthRegistry.READINESS)).isEqualTo(Status.DOWN);
    assertThat(registry.status("ai")).isEqualTo(Status.UP);
  }

  @Test
  void criticalDegradedAndUnknownPropagate() {
    registry = builder()
        .add("a", context -> Health.degraded("slow").build())
        .add("b", context -> Health.unknown("no data").build())
        .build();

    assertThat(registry.status("a")).isEqualTo(Status.DEGRADED);
    assertThat(registry.status(HealthRegistry.ALL)).isEqualTo(Status.UNKNOWN);
  }

  @Test
  void livenessIsEmptyAndUpByDefault() {
    registry = builder().add("db", context -> Health.down("down").build()).build();

    HealthReport liveness = registry.check(HealthRegistry.LIVENESS);

    assertThat(liveness.status()).isEqualTo(Status.UP);
    assertThat(liveness.components()).isEmpty();
    assertThat(registry.status(HealthRegistry.STARTUP)).isEqualTo(Status.DOWN);
  }

  @Test
  void customGroupsAndComponentNamesAreGroups() {
    registry = builder()
        .add("db", context -> Health.up().build(), o -> o.groups(HealthRegistry.READINESS, "storage"))
        .add("redis", context -> Health.down("refused").build(), o -> o.groups("storage"))
        .build();

    assertThat(registry.groups()).containsExactly("liveness", "readiness", "startup", "storage");
    assertThat(registry.status("storage")).isEqualTo(Status.DOWN);
    assertThat(registry.status(HealthRegistry.READINESS)).isEqualTo(Status.UP);
    assertThat(registry.check("redis").components()).extracting(ComponentHealth::name).containsExactly("redis");
    assertThat(registry.hasGroup("nope")).isFalse();
    assertThatThrownBy(() -> registry.check("nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void exceptionIsDownWithTheExceptionAsReason() {
    registry = builder()
        .add("db", context -> {
          throw new IllegalStateException("pool closed", new java.io.IOException("broken pipe"));
        })
        .build();

    ComponentHealth db = registry.check().component("db").orElseThrow();

    assertThat(db.status()).isEqualTo(Status.DOWN);
    assertThat(db.reason()).isEqualTo("IllegalStateException: pool closed (cause: IOException: broken pipe)");
  }

  @Test
  void checksOfDifferentComponentsRunConcurrently() {
    CyclicBarrier allThreeRunning = new CyclicBarrier(3);
    HealthIndicator waitsForTheOthers = context -> {
      allThreeRunning.await(5, TimeUnit.SECONDS);
      return Health.up().build();
    };
    registry = builder()
        .defaults(o -> o.deadline(Duration.ofSeconds(10)))
        .add("a", waitsForTheOthers).add("b", waitsForTheOthers).add("c", waitsForTheOthers)
        .build();

    // Sequential evaluation would break the barrier (timeout) and report DOWN.
    assertThat(registry.check().status()).isEqualTo(Status.UP);
  }

  @Test
  void checkThatOverrunsItsDeadlineIsDownAndNotStartedTwiceWhileHung() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean hang = new AtomicBoolean(true);
    registry = builder()
        .add("db", context -> {
          calls.incrementAndGet();
          if (hang.get()) {
            awaitUninterruptibly(release);
          }
          return Health.up().build();
        }, o -> o.deadline(Duration.ofMillis(100)).noCache().withoutCircuitBreaker())
        .build();

    ComponentHealth first = registry.check().component("db").orElseThrow();
    assertThat(first.status()).isEqualTo(Status.DOWN);
    assertThat(first.reason()).isEqualTo("timed out after 100 ms");
    assertThat(first.details()).containsOnlyKeys("timed_out", "deadline_ms").containsEntry("timed_out", true)
        .containsEntry("deadline_ms", 100L);

    clock.advance(Duration.ofSeconds(3));
    for (int i = 0; i < 20; i++) {
      ComponentHealth later = registry.check().component("db").orElseThrow();
      assertThat(later.status()).isEqualTo(Status.DOWN);
      assertThat(later.age()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }
    assertThat(calls).hasValue(1);

    hang.set(false);
    release.countDown();
    awaitCondition(() -> registry.check().status() == Status.UP);
    assertThat(calls.get()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void abortHookAndInterruptUnblockAHungCheck() throws Exception {
    CountDownLatch hookRan = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    registry = builder()
        .add("redis", context -> {
          context.onAbort(hookRan::countDown);
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
          return Health.up().build();
        }, o -> o.deadline(Duration.ofMillis(50)).noCache())
        .build();

    assertThat(registry.status()).isEqualTo(Status.DOWN);
    assertThat(hookRan.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * The caller that finds the last result due for a refresh starts one, even when the check that
   * published that result has not yet freed its slot (its thread is still logging the status change):
   * it used to join that finished check and get its old result back. Only a clock that jumps right
   * after a check shows it, so this repeats the jump many times.
   */
  @Test
  void aRefreshDueRightAfterACheckPublishedStartsANewCheck() {
    for (int i = 0; i < 3000; i++) {
      MutableClock jumping = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
      AtomicInteger calls = new AtomicInteger();
      try (HealthRegistry r = HealthRegistry.builder().backgroundRefresh(Duration.ZERO).clock(jumping)
          .add("db", context -> calls.incrementAndGet() == 1 ? Health.up().build() : Health.down("now down").build(),
              o -> o.refreshAfter(Duration.ofSeconds(1)).maxAge(Duration.ofSeconds(10)))
          .build()) {
        assertThat(r.status()).isEqualTo(Status.UP);
        jumping.advance(Duration.ofSeconds(11));
        assertThat(r.status()).as("after the jump, round %d", i).isEqualTo(Status.DOWN);
      }
    }
  }

  @Test
  void freshResultIsServedFromCacheAndStaleOneWhileRefreshing() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch secondCheck = new CountDownLatch(1);
    registry = builder()
        .add("db", context -> {
          if (calls.incrementAndGet() == 2) {
            awaitUninterruptibly(secondCheck);
            return Health.down("second").build();
          }
          return Health.up().build();
        }, o -> o.refreshAfter(Duration.ofSeconds(5)).maxAge(Duration.ofSeconds(30))
            .deadline(Duration.ofSeconds(30)))
        .build();

    assertThat(registry.status()).isEqualTo(Status.UP);
    clock.advance(Duration.ofSeconds(4));
    assertThat(registry.check().component("db").orElseThrow().age()).isEqualTo(Duration.ofSeconds(4));
    assertThat(calls).hasValue(1);

    clock.advance(Duration.ofSeconds(2));
    // Older than refreshAfter, younger than maxAge: served at once, refresh (blocked) in the background.
    assertThat(registry.status()).isEqualTo(Status.UP);
    awaitCondition(() -> calls.get() == 2);
    assertThat(registry.status()).isEqualTo(Status.UP);
    secondCheck.countDown();
    awaitCondition(() -> registry.status() == Status.DOWN);
    assertThat(calls).hasValue(2);
  }

  @Test
  void resultOlderThanMaxAgeWaitsForTheRefresh() {
    AtomicInteger calls = new AtomicInteger();
    registry = builder()
        .add("db", context -> calls.incrementAndGet() == 1 ? Health.up().build() : Health.down("now down").build(),
            o -> o.refreshAfter(Duration.ofSeconds(1)).maxAge(Duration.ofSeconds(10)))
        .build();

    assertThat(registry.status()).isEqualTo(Status.UP);
    clock.advance(Duration.ofSeconds(11));
    assertThat(registry.status()).isEqualTo(Status.DOWN);
  }

  @Test
  void backgroundRefreshChecksDueComponentsWithoutRequestsAndKeepsTheStatusGaugeCurrent() {
    AtomicInteger calls = new AtomicInteger();
    AtomicBoolean healthy = new AtomicBoolean(true);
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    registry = HealthRegistry.builder().clock(clock).meterRegistry(meters)
        .backgroundRefresh(Duration.ofMillis(20))
        .add("db", context -> {
          calls.incrementAndGet();
          return healthy.get() ? Health.up().build() : Health.down("connection refused").build();
        }, o -> o.refreshAfter(Duration.ofSeconds(5)).maxAge(Duration.ofSeconds(30)))
        .build();
    java.util.function.Function<String, Double> gauge = status -> meters.get("englog.health.status")
        .tag("component", "db").tag("status", status).gauge().value();

    // The first check runs at build time, not at the first request.
    awaitCondition(() -> gauge.apply("UP") == 1.0);
    assertThat(calls).hasValue(1);

    // Once the result is older than refreshAfter, the periodic refresh checks again on its own.
    healthy.set(false);
    clock.advance(Duration.ofSeconds(6));
    awaitCondition(() -> gauge.apply("DOWN") == 1.0);
    assertThat(gauge.apply("UP")).isEqualTo(0.0);
    assertThat(calls).hasValue(2);

    // A request then gets that result from the cache without checking again.
    ComponentHealth db = registry.check().component("db").orElseThrow();
    assertThat(db.status()).isEqualTo(Status.DOWN);
    assertThat(db.age()).isEqualTo(Duration.ZERO);
    assertThat(calls).hasValue(2);
  }

  @Test
  void circuitBreakerSkipsTheCheckWhileOpenThenTriesOnce() {
    AtomicInteger calls = new AtomicInteger();
    AtomicBoolean healthy = new AtomicBoolean(false);
    registry = builder()
        .add("ai", context -> {
          calls.incrementAndGet();
          return healthy.get() ? Health.up().build() : Health.down("HTTP 500").build();
        }, o -> o.noCache().circuitBreaker(3, Duration.ofSeconds(30)))
        .build();

    for (int i = 0; i < 10; i++) {
      assertThat(registry.status()).isEqualTo(Status.DOWN);
    }
    assertThat(calls).hasValue(3);
    ComponentHealth open = registry.check().component("ai").orElseThrow();
    assertThat(open.details()).containsEntry("circuit_breaker", "OPEN");
    assertThat(open.reason()).contains("circuit breaker open").contains("HTTP 500");

    // While open, the failed result is served past maxAge (0 here) without a check, with its age.
    clock.advance(Duration.ofSeconds(20));
    ComponentHealth stale = registry.check().component("ai").orElseThrow();
    assertThat(stale.status()).isEqualTo(Status.DOWN);
    assertThat(stale.details()).containsEntry("circuit_breaker", "OPEN");
    assertThat(stale.age()).isEqualTo(Duration.ofSeconds(20));
    assertThat(calls).hasValue(3);

    healthy.set(true);
    clock.advance(Duration.ofSeconds(11));
    assertThat(registry.status()).isEqualTo(Status.UP);
    assertThat(calls).hasValue(4);
    assertThat(registry.status()).isEqualTo(Status.UP);
    assertThat(calls).hasValue(5);
  }

  @Test
  void builderRejectsBadNamesAndDurations() {
    HealthRegistry.Builder b = HealthRegistry.builder();
    assertThatThrownBy(() -> b.add("has space", c -> Health.up().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name must match");
    assertThatThrownBy(() -> b.add("all", c -> Health.up().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    assertThatThrownBy(() -> ComponentOptions.builder().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline must be between 1 ms and 24 h");
    assertThatThrownBy(() -> b.backgroundRefresh(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backgroundRefresh");
    b.add("db", c -> Health.up().build());
    assertThatThrownBy(() -> b.add("db", c -> Health.up().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
  }

  @Test
  void componentsCannotShadowOrBeShadowedByGroups() {
    assertThatThrownBy(() -> HealthRegistry.builder().add("readiness", c -> Health.up().build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("component readiness has the name of a group");
    assertThatThrownBy(() -> HealthRegistry.builder()
        .add("db", c -> Health.up().build(), o -> o.groups("storage"))
        .add("storage", c -> Health.up().build())
        .build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("component storage has the name of a group");
  }

  @Test
  void hostileReasonsAndDetailsAreBounded() {
    String huge = "x".repeat(10_000) + "\u0000\n";
    registry = builder()
        .add("db", context -> {
          Health.Builder b = Health.down("line1\nline2 " + huge);
          for (int i = 0; i < 100; i++) {
            b.detail("k" + i, huge);
          }
          return b.build();
        })
        .build();

    ComponentHealth db = registry.check().component("db").orElseThrow();
    assertThat(db.reason()).startsWith("line1 line2 ").hasSize(Health.MAX_REASON_LENGTH);
    assertThat(db.details()).hasSize(Health.MAX_DETAILS);
    assertThat((String) db.details().get("k0")).hasSize(Health.MAX_REASON_LENGTH);
  }

  static void awaitCondition(java.util.function.BooleanSupplier condition) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10)).until(condition::getAsBoolean);
  }
}
