package com.englog.observability.health.internal;

import static com.englog.observability.health.internal.QueuedChecks.BREAKER_OPEN_FOR;
import static com.englog.observability.health.internal.QueuedChecks.DEADLINE;
import static com.englog.observability.health.internal.QueuedChecks.MAX_AGE;
import static com.englog.observability.health.internal.QueuedChecks.REFRESH_AFTER;
import static com.englog.observability.testsupport.Latches.awaitUninterruptibly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.health.Health;
import com.englog.observability.health.HealthCheckContext;
import com.englog.observability.health.HealthIndicator;
import com.englog.observability.health.HealthListener;
import com.englog.observability.health.HealthReport;
import com.englog.observability.health.RecoveryOutcome;
import com.englog.observability.health.RecoveryPolicy;
import com.englog.observability.health.Status;
import com.englog.observability.testsupport.MutableClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a component does besides changing state (its transitions are {@link ComponentTransitionsTest}'s),
 * also around the edges of its rules: ages exactly at {@code refreshAfter} on a ticker whose origin
 * may be negative (as {@link System#nanoTime()}'s may be), checks exactly at their deadline on the
 * time source, what a timeout means to the circuit breaker and what the open breaker shows, abort
 * hooks registered late, the context a check sees, the duration of a check, results read without
 * waiting, the recovery budget and the engine's groups. Time is the injected clock's; checks run
 * when a test hands the queued task to a thread.
 */
class ComponentRuntimeTest {

  @RegisterExtension
  final QueuedChecks checks = new QueuedChecks();
  private final MutableClock clock = checks.clock;
  private final BlockingQueue<Runnable> queued = checks.queued;
  private final AtomicInteger calls = checks.calls;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private HealthEngine engine;
  private ComponentRuntime db;

  private void start(HealthIndicator indicator) {
    start(indicator, DEADLINE, 0, queued::add);
  }

  private void start(HealthIndicator indicator, Duration deadline, int breakerFailures, Executor executor) {
    start(indicator, deadline, breakerFailures, executor, List.of(), List.of());
  }

  private void start(HealthIndicator indicator, Duration deadline, int breakerFailures, Executor executor,
      List<ComponentRuntime.RecoverySpec> recoveries, List<HealthListener> listeners) {
    engine = checks.engine(List.of(checks.db(indicator, deadline, breakerFailures, recoveries)), executor,
        new HealthMetrics(meters), listeners);
    db = engine.component("db");
  }

  /**
   * Ages are differences of two ticks: a result is fresh for {@code refreshAfter} and due from then
   * on, whether the ticker's values are positive (2026 on the clock) or negative (1960, as {@link
   * System#nanoTime()}'s arbitrary origin may make them).
   */
  @ParameterizedTest
  @ValueSource(strings = {"2026-01-01T00:00:00Z", "1960-01-01T00:00:00Z"})
  void aResultIsFreshForRefreshAfterAndDueFromThenOnWhateverTheTickersOrigin(String origin)
      throws InterruptedException {
    clock.advance(Duration.between(clock.instant(), Instant.parse(origin))); // before the engine's first tick
    start(context -> Health.up().build());
    db.evaluate();
    checks.runQueued();
    Result first = db.evaluate().now();
    assertThat(first.status).isEqualTo(Status.UP);

    clock.advance(REFRESH_AFTER.minusNanos(1));
    assertThat(db.evaluate()).as("fresh: served as it is").isSameAs(first);
    db.refreshIfDue();
    assertThat(queued).as("fresh: no refresh").isEmpty();

    clock.advance(Duration.ofNanos(1));
    db.refreshIfDue();
    assertThat(queued).as("exactly refreshAfter old: the background refresh starts a check").hasSize(1);
    checks.runQueued();
    Result second = db.evaluate().now();
    assertThat(second).isNotSameAs(first);

    clock.advance(REFRESH_AFTER);
    Evaluation due = db.evaluate();
    assertThat(due).as("due but younger than maxAge: served while the refresh runs").isSameAs(second);
    assertThat(queued).as("and the refresh started").hasSize(1);
    assertThat(calls).hasValue(2);
  }

  /** A check ended by its deadline counts as a failure for the breaker, like a DOWN result. */
  @Test
  void aTimedOutCheckCountsAsAFailureForTheBreaker() throws InterruptedException {
    start(context -> Health.up().build(), DEADLINE, 1, queued::add);
    Evaluation first = db.evaluate();
    clock.advance(DEADLINE);
    assertThat(first.outcome().join().reason).isEqualTo("timed out after 5 s");
    checks.runQueued(); // the timed-out check never runs
    assertThat(calls).hasValue(0);

    clock.advance(REFRESH_AFTER);
    Result shown = db.evaluate().await();

    assertThat(queued).as("no new check while the breaker is open").isEmpty();
    assertThat(shown.reason).startsWith("circuit breaker open").endsWith("timed out after 5 s");
    assertThat(shown.details).containsEntry("circuit_breaker", "OPEN");
  }

  /** While the breaker stays open, the result it shows is made from the latest failure. */
  @Test
  void theOpenBreakerShowsTheLatestFailure() {
    start(context -> Health.down("failure " + calls.get()).build(), DEADLINE, 1, Runnable::run);
    assertThat(db.evaluate().await().reason).isEqualTo("failure 1");
    clock.advance(REFRESH_AFTER);
    assertThat(db.evaluate().await().reason).contains("circuit breaker open").endsWith("failure 1");

    clock.advance(BREAKER_OPEN_FOR); // the breaker lets one trial check through; it fails again
    assertThat(db.evaluate().await().reason).isEqualTo("failure 2");
    clock.advance(REFRESH_AFTER);

    assertThat(db.evaluate().await().reason).contains("circuit breaker open").endsWith("failure 2");
    assertThat(calls).hasValue(2);
  }

  /**
   * An indicator that registers an abort hook after its check was timed out has it run at once; a
   * hook registered through the context of a check that already returned is never run. Hooks run on
   * one thread in order, so the second hook having run proves the first was never handed over.
   */
  @Test
  void aHookRegisteredAfterTheDeadlineRunsAndOneAfterTheCheckReturnedDoesNot() throws InterruptedException {
    AtomicReference<HealthCheckContext> returned = new AtomicReference<>();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch lateHookRan = new CountDownLatch(1);
    List<String> hooksRun = new CopyOnWriteArrayList<>();
    start(context -> {
      if (calls.get() == 1) {
        returned.set(context);
        return Health.up().build();
      }
      entered.countDown();
      awaitUninterruptibly(release);
      context.onAbort(() -> {
        hooksRun.add("after the deadline");
        lateHookRan.countDown();
      });
      return Health.up().build();
    });
    db.evaluate();
    checks.runQueued();
    returned.get().onAbort(() -> hooksRun.add("after the return"));

    clock.advance(MAX_AGE.plusSeconds(1));
    Evaluation second = db.evaluate();
    Thread check = checks.runQueuedInBackground();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    clock.advance(DEADLINE);
    assertThat(second.outcome().join().reason).isEqualTo("timed out after 5 s");
    release.countDown();
    check.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(lateHookRan.await(30, TimeUnit.SECONDS)).as("the hook of the abandoned check ran").isTrue();
    assertThat(hooksRun).containsExactly("after the deadline");
  }

  /** The indicator's context tells it its deadline and the time it has left on the time source. */
  @Test
  void theContextGivesTheDeadlineAndTheTimeLeft() throws InterruptedException {
    AtomicReference<Duration> deadline = new AtomicReference<>();
    AtomicReference<Duration> left = new AtomicReference<>();
    AtomicReference<String> component = new AtomicReference<>();
    start(context -> {
      clock.advance(Duration.ofSeconds(2));
      deadline.set(context.deadline());
      left.set(context.remaining());
      component.set(context.component());
      return Health.up().build();
    });
    db.evaluate();
    checks.runQueued();

    assertThat(deadline).hasValue(DEADLINE);
    assertThat(left).hasValue(Duration.ofSeconds(3));
    assertThat(component).hasValue("db");
  }

  /** The duration histogram counts every check, also one that took no time on the time source. */
  @Test
  void everyCheckIsObservedOnceInTheDurationHistogramAlsoOneThatTookNoTime() throws InterruptedException {
    start(context -> {
      if (calls.get() == 2) {
        clock.advance(Duration.ofMillis(3));
      }
      return Health.up().build();
    });
    Timer duration = meters.find("englog.health.check.duration").tag("component", "db").timer();
    assertThat(duration).isNotNull();

    db.evaluate();
    checks.runQueued();
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.totalTime(TimeUnit.NANOSECONDS)).isZero();

    clock.advance(REFRESH_AFTER);
    db.evaluate();
    checks.runQueued();
    assertThat(duration.count()).isEqualTo(2);
    assertThat(duration.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(3));
  }

  /**
   * An indicator that fails with a {@link VirtualMachineError} (here a stack overflow) publishes DOWN
   * with the time it took before the error goes on up the pool thread.
   */
  @Test
  void aVirtualMachineErrorIsPublishedAsDownWithItsDurationAndRethrown() throws InterruptedException {
    start(context -> {
      clock.advance(Duration.ofMillis(7));
      throw new StackOverflowError("too deep");
    });
    Evaluation first = db.evaluate();

    assertThatThrownBy(checks::runQueued).as("the error goes on to the pool thread")
        .isInstanceOf(StackOverflowError.class);

    Result published = first.await();
    assertThat(published.status).isEqualTo(Status.DOWN);
    assertThat(published.reason).contains("too deep");
    assertThat(published.durationNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(7));
    assertThat(db.toComponentHealth(published, engine.tick()).duration()).isEqualTo(Duration.ofMillis(7));
  }

  /**
   * The outcome of a pending check is timed out as soon as the time source reaches its deadline,
   * not one tick later and not when the (real-time) timer fires: here the deadline is an hour, which
   * the timer never reaches during the test.
   */
  @Test
  void aPendingCheckIsTimedOutExactlyAtItsDeadlineOnTheTimeSource() {
    Duration hour = Duration.ofHours(1);
    start(context -> Health.up().build(), hour, 0, queued::add);
    Evaluation pending = db.evaluate();

    clock.advance(hour.minusNanos(1));
    assertThat(pending.outcome()).as("one tick before the deadline").isNotDone();

    clock.advance(Duration.ofNanos(1));
    CompletableFuture<Result> outcome = pending.outcome();
    assertThat(outcome).as("at the deadline").isDone();
    assertThat(outcome.join().reason).isEqualTo("timed out after 60 min");
  }

  /** A check run by the executor on the caller's own thread is finished by the time the caller asks. */
  @Test
  void aCheckThatFinishedBeforeTheCallerAskedIsItsResultNow() {
    start(context -> Health.down("refused").build(), DEADLINE, 0, Runnable::run);

    Result now = db.evaluate().now();

    assertThat(now.status).isEqualTo(Status.DOWN);
    assertThat(now.reason).isEqualTo("refused");
    assertThat(engine.all().statusNow()).isEqualTo(Status.DOWN);
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
    start(context -> calls.get() == 2 ? Health.up().build() : Health.down("HTTP 500").build(),
        DEADLINE, 0, Runnable::run, List.of(restart), List.of(listener));
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
    start(context -> Health.down("HTTP 500").build(), DEADLINE, 0, Runnable::run, List.of(restart),
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

  // ---- the engine's groups ----------------------------------------------------------------

  /** The background refresh checks every component at once, not only after its first period. */
  @Test
  void theBackgroundRefreshStartsAFirstCheckAtOnce() {
    start(context -> Health.up().build());

    engine.startBackgroundRefresh(Duration.ofHours(1));

    assertThat(queued).hasSize(1);
    assertThat(db.state()).isEqualTo(ComponentRuntime.State.QUEUED);
  }

  @Test
  void statusAsyncOfFreshResultsIsCompletedAtOnce() throws InterruptedException {
    start(context -> Health.down("HTTP 500").build());
    db.evaluate();
    checks.runQueued();

    CompletableFuture<Status> status = engine.all().statusAsync();

    assertThat(status).isDone();
    assertThat(status.join()).isEqualTo(Status.DOWN);
    assertThat(queued).isEmpty();
  }

  /** An asynchronous report never blocks its caller: it completes when the check it started ends. */
  @Test
  void reportAsyncCompletesWhenTheCheckItStartedEnds() throws InterruptedException {
    start(context -> Health.down("HTTP 500").build());

    CompletableFuture<HealthReport> report = engine.all().reportAsync();

    assertThat(report).isNotDone();
    checks.runQueued();
    assertThat(report).isDone();
    assertThat(report.join().status()).isEqualTo(Status.DOWN);
    assertThat(report.join().component("db").orElseThrow().reason()).isEqualTo("HTTP 500");
  }

  /**
   * Once the registry is closing, no component starts a check, even one asked from a callback that
   * the close itself runs (a waiter of another component's check, ended by the close).
   */
  @Test
  void noCheckStartsOnceTheRegistryIsClosingEvenFromACallbackTheCloseRuns() {
    ComponentRuntime.Spec first = new ComponentRuntime.Spec("first", context -> Health.up().build(), true,
        DEADLINE, REFRESH_AFTER, MAX_AGE, 0, BREAKER_OPEN_FOR, List.of());
    ComponentRuntime.Spec second = new ComponentRuntime.Spec("second", context -> Health.up().build(), true,
        DEADLINE, REFRESH_AFTER, MAX_AGE, 0, BREAKER_OPEN_FOR, List.of());
    engine = checks.engine(List.of(first, second), queued::add, new HealthMetrics(meters), List.of());
    AtomicReference<Result> secondAsked = new AtomicReference<>();
    engine.component("first").evaluate().outcome()
        .thenRun(() -> secondAsked.set(engine.component("second").evaluate().now()));
    queued.clear();

    engine.close();

    assertThat(secondAsked.get()).isNotNull();
    assertThat(secondAsked.get().reason).isEqualTo("not checked yet");
    assertThat(queued).as("no check handed to the executor").isEmpty();
  }
}
