package com.englog.observability.health.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.health.Health;
import com.englog.observability.health.HealthIndicator;
import com.englog.observability.health.HealthListener;
import com.englog.observability.health.RecoveryOutcome;
import com.englog.observability.health.RecoveryPolicy;
import com.englog.observability.health.Status;
import com.englog.observability.testsupport.MutableClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a component does besides changing state (its transitions are {@link ComponentTransitionsTest}'s):
 * what a timeout means to the circuit breaker, what the open breaker shows, abort hooks registered
 * late, the context a check sees, results read without waiting, and the recovery budget. Time is the
 * injected clock's; checks run when a test hands the queued task to a thread.
 */
class ComponentRuntimeTest {

  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final Duration REFRESH_AFTER = Duration.ofSeconds(1);
  private static final Duration MAX_AGE = Duration.ofSeconds(10);
  private static final Duration BREAKER_OPEN_FOR = Duration.ofMinutes(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final BlockingQueue<Runnable> queued = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private HealthEngine engine;
  private ComponentRuntime db;

  @AfterEach
  void close() throws InterruptedException {
    if (engine != null) {
      engine.close();
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  private void start(HealthIndicator indicator, int breakerFailures, Executor executor) {
    start(indicator, breakerFailures, executor, List.of(), List.of());
  }

  private void start(HealthIndicator indicator, int breakerFailures, Executor executor,
      List<ComponentRuntime.RecoverySpec> recoveries, List<HealthListener> listeners) {
    HealthIndicator counted = context -> {
      calls.incrementAndGet();
      return indicator.check(context);
    };
    ComponentRuntime.Spec spec = new ComponentRuntime.Spec("db", counted, true, DEADLINE, REFRESH_AFTER,
        MAX_AGE, breakerFailures, BREAKER_OPEN_FOR, recoveries);
    engine = new HealthEngine(List.of(spec), Map.of(), clock, executor, new HealthMetrics(meters),
        listeners);
    db = engine.component("db");
  }

  private void runQueued() throws InterruptedException {
    Runnable task = queued.poll(30, TimeUnit.SECONDS);
    assertThat(task).as("a queued check").isNotNull();
    task.run();
  }

  private Thread runQueuedInBackground() throws InterruptedException {
    Runnable task = queued.poll(30, TimeUnit.SECONDS);
    assertThat(task).as("a queued check").isNotNull();
    Thread t = new Thread(task, "check");
    threads.add(t);
    t.start();
    return t;
  }

  @Test
  void aTimedOutCheckCountsAsAFailureForTheBreaker() {
    start(context -> Health.up().build(), 1, queued::add);
    Evaluation first = db.evaluate();
    clock.advance(DEADLINE);
    assertThat(first.outcome().join().reason).isEqualTo("timed out after 5 s");

    clock.advance(REFRESH_AFTER);
    Result shown = db.evaluate().await();

    assertThat(shown.reason).startsWith("circuit breaker open").endsWith("timed out after 5 s");
    assertThat(shown.details).containsEntry("circuit_breaker", "OPEN");
    assertThat(queued).as("no new check while the breaker is open").hasSize(1); // the one never run
  }

  @Test
  void theOpenBreakerShowsTheLatestFailure() {
    start(context -> Health.down("failure " + calls.get()).build(), 1, Runnable::run);
    assertThat(db.evaluate().await().reason).isEqualTo("failure 1");
    clock.advance(REFRESH_AFTER);
    assertThat(db.evaluate().await().reason).contains("circuit breaker open").endsWith("failure 1");

    clock.advance(BREAKER_OPEN_FOR); // the breaker lets one trial check through; it fails again
    assertThat(db.evaluate().await().reason).isEqualTo("failure 2");
    clock.advance(REFRESH_AFTER);

    assertThat(db.evaluate().await().reason).contains("circuit breaker open").endsWith("failure 2");
    assertThat(calls).hasValue(2);
  }

  @Test
  void anAbortHookRegisteredAfterTheDeadlineRunsAtOnce() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch timedOut = new CountDownLatch(1);
    CountDownLatch hookRan = new CountDownLatch(1);
    start(context -> {
      entered.countDown();
      while (true) {
        try {
          timedOut.await();
          break;
        } catch (InterruptedException interruptedByTheDeadline) {
          // go on: the hook is registered late on purpose
        }
      }
      context.onAbort(hookRan::countDown);
      return Health.up().build();
    }, 0, queued::add);
    Evaluation first = db.evaluate();
    runQueuedInBackground();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    clock.advance(DEADLINE);
    assertThat(first.outcome().join().reason).isEqualTo("timed out after 5 s");

    timedOut.countDown();

    assertThat(hookRan.await(30, TimeUnit.SECONDS)).as("the late hook ran").isTrue();
  }

  @Test
  void aCheckSeesItsDeadline() throws InterruptedException {
    AtomicReference<Duration> deadline = new AtomicReference<>();
    AtomicReference<String> component = new AtomicReference<>();
    start(context -> {
      deadline.set(context.deadline());
      component.set(context.component());
      return Health.up().build();
    }, 0, queued::add);
    db.evaluate();
    runQueued();

    assertThat(deadline).hasValue(DEADLINE);
    assertThat(component).hasValue("db");
  }

  @Test
  void aCheckThatThrowsAnErrorOfTheVirtualMachineEndsDownWithItsDuration() throws InterruptedException {
    start(context -> {
      clock.advance(Duration.ofMillis(250));
      throw new StackOverflowError("deep");
    }, 0, queued::add);
    Evaluation first = db.evaluate();

    assertThatThrownBy(this::runQueued).as("the error goes on to the pool thread")
        .isInstanceOf(StackOverflowError.class);

    Result r = first.await();
    assertThat(r.status).isEqualTo(Status.DOWN);
    assertThat(r.durationNanos).isEqualTo(Duration.ofMillis(250).toNanos());
  }

  @Test
  void aCheckThatEndedBeforeTheCallerLooksIsReadWithoutWaiting() {
    start(context -> Health.up().build(), 0, Runnable::run); // the check runs inside evaluate()

    assertThat(db.evaluate().now().status).isEqualTo(Status.UP);
  }

  @Test
  void aQueuedCheckIsTimedOutTheMomentItsDeadlineIsReached() {
    start(context -> Health.up().build(), 0, queued::add);
    Evaluation first = db.evaluate();
    clock.advance(DEADLINE.minusNanos(1));
    assertThat(first.outcome()).as("one nanosecond before the deadline").isNotDone();

    clock.advance(Duration.ofNanos(1));

    assertThat(first.outcome()).as("at the deadline, without waiting for the timer").isDone();
    assertThat(first.outcome().join().reason).isEqualTo("timed out after 5 s");
  }

  @Test
  void aCheckThatTookNoTimeIsObservedAsSuch() {
    start(context -> Health.up().build(), 0, Runnable::run); // no time passes on the injected clock

    db.evaluate().await();

    Timer duration = meters.get(HealthMetrics.DURATION).tag("component", "db").timer();
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.totalTime(TimeUnit.NANOSECONDS)).isZero();
  }

  @Test
  void aCheckThatIsNotDownStartsTheRecoveryBackoffAfresh() throws InterruptedException {
    BlockingQueue<RecoveryOutcome> attempts = new LinkedBlockingQueue<>();
    ComponentRuntime.RecoverySpec restart = new ComponentRuntime.RecoverySpec("restart", failing -> {
      throw new IllegalStateException("still down");
    }, RecoveryPolicy.builder().afterFailures(1).backoff(Duration.ofMinutes(1), Duration.ofMinutes(1))
        .build());
    HealthListener listener = new HealthListener() {
      @Override
      public void onRecoveryAttempt(String component, String action, RecoveryOutcome outcome) {
        attempts.add(outcome);
      }
    };
    start(context -> calls.get() == 2 ? Health.up().build() : Health.down("HTTP 500").build(), 0,
        Runnable::run, List.of(restart), List.of(listener));
    assertThat(db.evaluate().await().status).isEqualTo(Status.DOWN);
    assertThat(attempts.poll(30, TimeUnit.SECONDS)).isEqualTo(RecoveryOutcome.FAILURE);

    clock.advance(REFRESH_AFTER);
    db.evaluate(); // serves the last result while its refresh runs (here, at once)
    assertThat(db.evaluate().await().status).isEqualTo(Status.UP);
    clock.advance(REFRESH_AFTER);
    db.evaluate();
    assertThat(db.evaluate().await().status).isEqualTo(Status.DOWN);

    assertThat(attempts.poll(30, TimeUnit.SECONDS))
        .as("a new failure is attempted at once, not a minute after the last attempt")
        .isEqualTo(RecoveryOutcome.FAILURE);
  }

  @Test
  void aRecoveryActionThatThrowsAnErrorOfTheVirtualMachineIsAFailure() throws InterruptedException {
    BlockingQueue<RecoveryOutcome> attempts = new LinkedBlockingQueue<>();
    ComponentRuntime.RecoverySpec restart = new ComponentRuntime.RecoverySpec("restart", failing -> {
      throw new StackOverflowError("deep");
    }, RecoveryPolicy.builder().afterFailures(1).build());
    HealthListener listener = new HealthListener() {
      @Override
      public void onRecoveryAttempt(String component, String action, RecoveryOutcome outcome) {
        attempts.add(outcome);
      }
    };
    start(context -> Health.down("HTTP 500").build(), 0, Runnable::run, List.of(restart),
        List.of(listener));

    assertThat(db.evaluate().await().status).isEqualTo(Status.DOWN);

    assertThat(attempts.poll(30, TimeUnit.SECONDS)).as("recorded when it ends, not at its timeout")
        .isEqualTo(RecoveryOutcome.FAILURE);
  }

  // ---- the recovery budget ---------------------------------------------------------------

  private RecoverySchedule schedule(RecoveryPolicy policy) {
    ComponentRuntime.RecoverySpec spec = new ComponentRuntime.RecoverySpec("restart", failing -> { },
        policy);
    return new RecoverySchedule(spec, "db", null, new HealthMetrics(null).recovery("db", "restart"),
        s -> { }, () -> { });
  }

  /** Claims an attempt and ends it at once, as a finished recovery action does. */
  private static boolean claimAndEnd(RecoverySchedule s, long now) {
    boolean claimed = s.claim(now, 1);
    s.running = false;
    return claimed;
  }

  @Test
  void theNextAttemptIsDueTheMomentItsBackoffHasPassed() {
    long t0 = Duration.ofMinutes(7).toNanos(); // any time but 0: ticks are differences
    long backoff = Duration.ofSeconds(30).toNanos();
    RecoverySchedule s = schedule(RecoveryPolicy.builder().afterFailures(1)
        .backoff(Duration.ofSeconds(30), Duration.ofMinutes(5)).build());

    assertThat(claimAndEnd(s, t0)).isTrue();
    assertThat(claimAndEnd(s, t0 + backoff - 1)).as("one nanosecond early").isFalse();
    assertThat(claimAndEnd(s, t0 + backoff)).as("on time").isTrue();
    assertThat(claimAndEnd(s, t0 + backoff + 2 * backoff - 1)).as("the backoff doubled").isFalse();
    assertThat(claimAndEnd(s, t0 + backoff + 2 * backoff)).isTrue();
  }

  @Test
  void anAttemptLeavesTheHourlyBudgetExactlyAnHourLater() {
    long t0 = Duration.ofMinutes(7).toNanos();
    long hour = TimeUnit.HOURS.toNanos(1);
    RecoverySchedule s = schedule(RecoveryPolicy.builder().afterFailures(1)
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).maxAttemptsPerHour(1).build());

    assertThat(claimAndEnd(s, t0)).isTrue();
    assertThat(claimAndEnd(s, t0 + hour - 1)).as("the hour's one attempt is spent").isFalse();
    assertThat(claimAndEnd(s, t0 + hour)).isTrue();
  }
}
