package com.englog.observability.health;

import com.englog.observability.testsupport.Latches;
import com.englog.observability.testsupport.MutableClock;
import static com.englog.observability.health.HealthRegistryTest.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecoveryActionTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private HealthRegistry registry;

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
  }

  private double attempts(String outcome) {
    var counter = meters.find("englog.health.recovery.attempts").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private HealthRegistry registry(HealthIndicator indicator, RecoveryAction action, RecoveryPolicy policy) {
    return registry(indicator, action, policy, new HealthListener() { });
  }

  private HealthRegistry registry(HealthIndicator indicator, RecoveryAction action, RecoveryPolicy policy,
      HealthListener listener) {
    return HealthRegistry.builder().backgroundRefresh(Duration.ZERO).clock(clock).meterRegistry(meters)
        .listener(listener)
        .add("pool", indicator, o -> o.noCache().withoutCircuitBreaker().recovery("reconnect", action, policy))
        .build();
  }

  @Test
  void actionRunsAfterConsecutiveFailuresAndTheComponentIsRecheckedAtOnce() {
    AtomicBoolean broken = new AtomicBoolean(true);
    AtomicInteger runs = new AtomicInteger();
    registry = registry(c -> broken.get() ? Health.down("pool closed").build() : Health.up().build(),
        failing -> {
          assertThat(failing.reason()).isEqualTo("pool closed");
          runs.incrementAndGet();
          broken.set(false);
        },
        RecoveryPolicy.builder().afterFailures(3).build());

    registry.status();
    registry.status();
    assertThat(runs).hasValue(0);
    registry.status();

    awaitCondition(() -> attempts("success") == 1);
    awaitCondition(() -> registry.check().component("pool").orElseThrow().status() == Status.UP);
    assertThat(runs).hasValue(1);
  }

  /**
   * The schedule of attempts on the injected clock. An attempt is decided, and its WARN line logged,
   * by the check whose DOWN result it answers, before that check's caller gets the result; its action
   * then sees that result, stamped with the injected clock. So the instants the action saw are the
   * schedule, however late the recovery thread runs; and the test lets each attempt finish (its
   * outcome counted) before moving the clock, so an attempt still running never postpones the next.
   */
  @Test
  void throwingActionCountsAsFailureAndItsBackoffDoublesUpToTheMaximum() {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger("com.englog.observability.health");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      Instant start = clock.instant();
      java.util.List<Long> attemptedAtSeconds = new java.util.concurrent.CopyOnWriteArrayList<>();
      registry = registry(c -> Health.down("still broken").build(),
          failing -> {
            attemptedAtSeconds.add(Duration.between(start, failing.checkedAt()).toSeconds());
            throw new IllegalStateException("cannot reconnect");
          },
          RecoveryPolicy.builder().afterFailures(1).backoff(Duration.ofSeconds(10), Duration.ofSeconds(40))
              .maxAttemptsPerHour(100).build());

      for (int second = 0; second <= 180; second += 5) {
        assertThat(registry.status()).isEqualTo(Status.DOWN);
        int started = (int) recoveryLines(appender).stream().filter(l -> l.contains("attempting recovery"))
            .count();
        awaitCondition(() -> attempts("failure") == started && attemptedAtSeconds.size() == started);
        clock.advance(Duration.ofSeconds(5));
      }

      // Backoff 10 s, then 20 s, 40 s, and 40 s (the maximum) from then on.
      assertThat(attemptedAtSeconds).containsExactly(0L, 10L, 30L, 70L, 110L, 150L);
      assertThat(attempts("failure")).isEqualTo(6);
      assertThat(attempts("success")).isZero();
    } finally {
      logger.detachAppender(appender);
      appender.stop();
    }
  }

  @Test
  void hangingActionTimesOutAndIsNotStartedTwice() {
    CountDownLatch interrupted = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    registry = registry(c -> Health.down("broken").build(),
        failing -> {
          runs.incrementAndGet();
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            interrupted.countDown();
            // Keep hanging, as a badly written action would.
            Latches.awaitUninterruptibly(new CountDownLatch(1));
          }
        },
        RecoveryPolicy.builder().afterFailures(1).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .timeout(Duration.ofMillis(100)).build());

    registry.status();
    awaitCondition(() -> attempts("timeout") == 1);
    awaitCondition(() -> interrupted.getCount() == 0);
    clock.advance(Duration.ofMinutes(5));
    for (int i = 0; i < 5; i++) {
      assertThat(registry.status()).isEqualTo(Status.DOWN);
    }
    assertThat(runs).hasValue(1);
  }

  @Test
  void everyAttemptAndItsOutcomeIsLoggedCountedAndHeardByListeners() {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger("com.englog.observability.health");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      AtomicBoolean broken = new AtomicBoolean(true);
      AtomicInteger runs = new AtomicInteger();
      CountDownLatch hungActionReturned = new CountDownLatch(1);
      java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      HealthListener listener = new HealthListener() {
        @Override
        public void onRecoveryAttempt(String component, String action, RecoveryOutcome outcome) {
          heard.add(component + "/" + action + ":" + outcome);
        }
      };
      registry = registry(c -> broken.get() ? Health.down("pool closed").build() : Health.up().build(),
          failing -> {
            int run = runs.incrementAndGet();
            if (run == 1) {
              throw new IllegalStateException("cannot reconnect");
            }
            if (run == 2) {
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                hungActionReturned.countDown();
                return;
              }
            }
            broken.set(false);
          },
          RecoveryPolicy.builder().afterFailures(1).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
              .timeout(Duration.ofMillis(200)).build(), listener);

      // An outcome is counted before its line is logged: wait for the line too before the next
      // attempt, whose first line would otherwise race it.
      registry.status();
      awaitCondition(() -> attempts("failure") == 1 && recoveryLines(appender).size() == 2);
      clock.advance(Duration.ofSeconds(1));
      registry.status();
      awaitCondition(() -> attempts("timeout") == 1 && hungActionReturned.getCount() == 0
          && recoveryLines(appender).size() == 4);
      clock.advance(Duration.ofSeconds(1));
      // The hung action's thread clears its slot just after it returns: ask until attempt 3 starts.
      awaitCondition(() -> {
        registry.status();
        return attempts("success") == 1;
      });

      // Outcomes are counted before their line is logged: wait for the lines, then compare them all.
      awaitCondition(() -> recoveryLines(appender).size() >= 6);
      java.util.List<String> lines = recoveryLines(appender);
      assertThat(lines).containsExactly(
          "WARN health: pool is DOWN (N consecutive failures): attempting recovery reconnect (attempt 1)",
          "WARN health: pool recovery reconnect failed after N ms: IllegalStateException: cannot reconnect",
          "WARN health: pool is DOWN (N consecutive failures): attempting recovery reconnect (attempt 2)",
          "WARN health: pool recovery reconnect timed out after N ms; interrupting it",
          "WARN health: pool is DOWN (N consecutive failures): attempting recovery reconnect (attempt 3)",
          "INFO health: pool recovery reconnect succeeded in N ms");
      // Listeners hear the outcomes the metric counts, as enum constants named like its labels.
      assertThat(heard).containsExactly("pool/reconnect:FAILURE", "pool/reconnect:TIMEOUT",
          "pool/reconnect:SUCCESS");
      for (RecoveryOutcome outcome : RecoveryOutcome.values()) {
        assertThat(attempts(outcome.name().toLowerCase(java.util.Locale.ROOT))).as("%s", outcome).isEqualTo(1);
      }
    } finally {
      logger.detachAppender(appender);
      appender.stop();
    }
  }

  /** The recovery lines {@code appender} has received so far, durations and failure counts masked. */
  private static java.util.List<String> recoveryLines(
      ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    synchronized (appender) {
      for (ch.qos.logback.classic.spi.ILoggingEvent e : appender.list) {
        if (e.getFormattedMessage().contains("recovery")) {
          lines.add(e.getLevel() + " " + e.getFormattedMessage().replaceAll("\\d+ ms", "N ms")
              .replaceAll("\\(\\d+ consecutive", "(N consecutive"));
        }
      }
    }
    return lines;
  }

  @Test
  void attemptsPerHourAreCapped() {
    AtomicInteger runs = new AtomicInteger();
    registry = registry(c -> Health.down("broken").build(), failing -> runs.incrementAndGet(),
        RecoveryPolicy.builder().afterFailures(1).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .maxAttemptsPerHour(2).build());

    for (int i = 0; i < 6; i++) {
      registry.status();
      int expected = Math.min(i + 1, 2);
      awaitCondition(() -> attempts("success") == expected);
      clock.advance(Duration.ofSeconds(2));
    }
    registry.status();
    assertThat(runs).hasValue(2);
    clock.advance(Duration.ofHours(1));
    registry.status();
    awaitCondition(() -> runs.get() == 3);
  }

  /**
   * {@code afterFailures(2)}: the second consecutive failure starts the action, not the third. On a
   * clock whose ticks are negative too (1960, as {@link System#nanoTime()}'s arbitrary origin may
   * make them): the first attempt waits for no backoff.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"2026-01-01T00:00:00Z", "1960-01-01T00:00:00Z"})
  void theActionRunsAtTheFailureItsPolicyNamesWhateverTheClocksOrigin(String origin) {
    MutableClock early = new MutableClock(Instant.parse(origin));
    AtomicInteger runs = new AtomicInteger();
    registry = HealthRegistry.builder().backgroundRefresh(Duration.ZERO).clock(early).meterRegistry(meters)
        .add("pool", c -> Health.down("pool closed").build(), o -> o.noCache().withoutCircuitBreaker()
            .recovery("reconnect", failing -> runs.incrementAndGet(),
                RecoveryPolicy.builder().afterFailures(2).build()))
        .build();

    registry.status();
    registry.status();

    awaitCondition(() -> attempts("success") == 1);
    assertThat(runs).as("not after the first failure").hasValue(1);
  }

  /** A result that is not DOWN resets the schedule: the next failure is attempt 1, with no backoff. */
  @Test
  void aComponentThatWasUpAgainStartsItsRecoveryScheduleAfresh() {
    AtomicBoolean broken = new AtomicBoolean(true);
    AtomicInteger runs = new AtomicInteger();
    registry = registry(c -> broken.get() ? Health.down("pool closed").build() : Health.up().build(),
        failing -> runs.incrementAndGet(),
        RecoveryPolicy.builder().afterFailures(1).backoff(Duration.ofSeconds(10), Duration.ofSeconds(40))
            .build());
    registry.status();
    awaitCondition(() -> attempts("success") == 1);

    broken.set(false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(registry.status()).isEqualTo(Status.UP);
    broken.set(true);
    clock.advance(Duration.ofSeconds(1));
    assertThat(registry.status()).isEqualTo(Status.DOWN);

    // 2 s after the first attempt, well inside its 10 s backoff: the reset lets it run at once.
    awaitCondition(() -> attempts("success") == 2);
    assertThat(runs).hasValue(2);
  }

  /** The hourly budget is a sliding hour: an attempt counts against it for exactly one hour. */
  @Test
  void anAttemptLeavesTheHourlyBudgetExactlyOneHourAfterItStarted() {
    AtomicInteger runs = new AtomicInteger();
    registry = registry(c -> Health.down("broken").build(), failing -> runs.incrementAndGet(),
        RecoveryPolicy.builder().afterFailures(1).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .maxAttemptsPerHour(1).build());
    registry.status();
    awaitCondition(() -> attempts("success") == 1);

    clock.advance(Duration.ofHours(1).minusNanos(1));
    registry.status();
    clock.advance(Duration.ofNanos(1));
    registry.status();

    awaitCondition(() -> attempts("success") == 2);
    assertThat(runs).as("none a nanosecond before the hour").hasValue(2);
  }

  /**
   * An action that fails with a {@link VirtualMachineError} (a stack overflow) counts once as a
   * failure, heard once by listeners, and frees the action for its next attempt.
   */
  @Test
  void anActionFailingWithAVirtualMachineErrorCountsOnceAsAFailure() {
    AtomicInteger runs = new AtomicInteger();
    java.util.List<RecoveryOutcome> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    registry = registry(c -> Health.down("broken").build(),
        failing -> {
          if (runs.incrementAndGet() == 1) {
            throw new StackOverflowError("too deep");
          }
        },
        RecoveryPolicy.builder().afterFailures(1).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .build(),
        new HealthListener() {
          @Override
          public void onRecoveryAttempt(String component, String action, RecoveryOutcome outcome) {
            heard.add(outcome);
          }
        });
    registry.status();
    awaitCondition(() -> attempts("failure") == 1 && heard.size() == 1);

    clock.advance(Duration.ofSeconds(1));
    registry.status();

    awaitCondition(() -> attempts("success") == 1);
    assertThat(attempts("failure")).isEqualTo(1);
    assertThat(heard).containsExactly(RecoveryOutcome.FAILURE, RecoveryOutcome.SUCCESS);
  }

  @Test
  void policyValidationNamesTheField() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RecoveryPolicy.builder().afterFailures(0))
        .hasMessageContaining("afterFailures must be between 1 and 1000");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RecoveryPolicy.builder().backoff(Duration.ofSeconds(10), Duration.ofSeconds(1)))
        .hasMessageContaining("max backoff must be at least");
  }
}
