package com.englog.observability.health.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.health.Health;
import com.englog.observability.health.HealthIndicator;
import com.englog.observability.health.HealthReport;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a component answers around the edges of its rules: ages exactly at {@code refreshAfter},
 * checks exactly at their deadline on the time source, a ticker whose origin is negative (as {@link
 * System#nanoTime()}'s may be), a timed-out check and the circuit breaker, abort hooks registered
 * late, and the duration of a check that took no time. Time is the injected clock's; checks run
 * when the test hands the queued task to a thread.
 */
class ComponentRuntimeEdgesTest {

  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final Duration REFRESH_AFTER = Duration.ofSeconds(1);
  private static final Duration MAX_AGE = Duration.ofSeconds(10);

  private MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final BlockingQueue<Runnable> queued = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger calls = new AtomicInteger();
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

  private void start(HealthIndicator indicator, Duration deadline, int breakerFailures, Executor executor) {
    HealthIndicator counted = context -> {
      calls.incrementAndGet();
      return indicator.check(context);
    };
    ComponentRuntime.Spec spec = new ComponentRuntime.Spec("db", counted, true, deadline, REFRESH_AFTER,
        MAX_AGE, breakerFailures, Duration.ofMinutes(1), List.of());
    engine = new HealthEngine(List.of(spec), Map.of(), clock, executor, new HealthMetrics(registry),
        List.of());
    db = engine.component("db");
  }

  private void start(HealthIndicator indicator) {
    start(indicator, DEADLINE, 0, queued::add);
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

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
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
    clock = new MutableClock(Instant.parse(origin));
    start(context -> Health.up().build());
    db.evaluate();
    runQueued();
    Result first = db.evaluate().now();
    assertThat(first.status).isEqualTo(Status.UP);

    clock.advance(REFRESH_AFTER.minusNanos(1));
    assertThat(db.evaluate()).as("fresh: served as it is").isSameAs(first);
    db.refreshIfDue();
    assertThat(queued).as("fresh: no refresh").isEmpty();

    clock.advance(Duration.ofNanos(1));
    db.refreshIfDue();
    assertThat(queued).as("exactly refreshAfter old: the background refresh starts a check").hasSize(1);
    runQueued();
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
  void aCheckThatTimesOutCountsAsAFailureForTheCircuitBreaker() throws InterruptedException {
    start(context -> Health.up().build(), DEADLINE, 1, queued::add);
    Evaluation first = db.evaluate();
    clock.advance(DEADLINE);
    assertThat(first.outcome().join().reason).isEqualTo("timed out after 5 s");
    runQueued(); // the timed-out check never runs
    assertThat(calls).hasValue(0);

    clock.advance(REFRESH_AFTER);
    Result shown = db.evaluate().await();

    assertThat(queued).as("the open breaker skips the check").isEmpty();
    assertThat(shown.reason).contains("circuit breaker open").contains("timed out after 5 s");
    assertThat(shown.details).containsEntry("circuit_breaker", "OPEN");
  }

  /** While the breaker stays open, the result it shows is made from the latest failure. */
  @Test
  void theOpenBreakerShowsTheLatestFailure() {
    start(context -> Health.down(calls.get() == 1 ? "HTTP 500" : "HTTP 503").build(), DEADLINE, 1,
        Runnable::run);
    assertThat(db.evaluate().await().reason).isEqualTo("HTTP 500");
    clock.advance(REFRESH_AFTER);
    assertThat(db.evaluate().await().reason).contains("circuit breaker open").endsWith("HTTP 500");

    clock.advance(Duration.ofMinutes(1)); // the breaker lets one trial check through; it fails again
    assertThat(db.evaluate().await().reason).isEqualTo("HTTP 503");
    clock.advance(REFRESH_AFTER);

    Result shown = db.evaluate().await();
    assertThat(calls).hasValue(2);
    assertThat(shown.reason).contains("circuit breaker open").endsWith("HTTP 503");
  }

  /**
   * An indicator that registers an abort hook after its check was timed out has it run at once; a
   * hook registered through the context of a check that already returned is never run. Hooks run on
   * one thread in order, so the second hook having run proves the first was never handed over.
   */
  @Test
  void aHookRegisteredAfterTheDeadlineRunsAndOneAfterTheCheckReturnedDoesNot() throws InterruptedException {
    AtomicReference<com.englog.observability.health.HealthCheckContext> returned = new AtomicReference<>();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch lateHookRan = new CountDownLatch(1);
    List<String> hooksRun = new java.util.concurrent.CopyOnWriteArrayList<>();
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
    runQueued();
    returned.get().onAbort(() -> hooksRun.add("after the return"));

    clock.advance(MAX_AGE.plusSeconds(1));
    Evaluation second = db.evaluate();
    Thread check = runQueuedInBackground();
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
    runQueued();

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
    Timer duration = registry.find("englog.health.check.duration").tag("component", "db").timer();
    assertThat(duration).isNotNull();

    db.evaluate();
    runQueued();
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.totalTime(TimeUnit.NANOSECONDS)).isZero();

    clock.advance(REFRESH_AFTER);
    db.evaluate();
    runQueued();
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

    assertThatThrownBy(this::runQueued).isInstanceOf(StackOverflowError.class);

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
    runQueued();

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
    runQueued();
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
        DEADLINE, REFRESH_AFTER, MAX_AGE, 0, Duration.ofMinutes(1), List.of());
    ComponentRuntime.Spec second = new ComponentRuntime.Spec("second", context -> Health.up().build(), true,
        DEADLINE, REFRESH_AFTER, MAX_AGE, 0, Duration.ofMinutes(1), List.of());
    engine = new HealthEngine(List.of(first, second), Map.of(), clock, queued::add,
        new HealthMetrics(registry), List.of());
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
