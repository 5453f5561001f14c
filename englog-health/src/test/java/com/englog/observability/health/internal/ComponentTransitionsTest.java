package com.englog.observability.health.internal;

import static com.englog.observability.health.internal.QueuedChecks.DEADLINE;
import static com.englog.observability.health.internal.QueuedChecks.MAX_AGE;
import static com.englog.observability.health.internal.QueuedChecks.REFRESH_AFTER;
import static com.englog.observability.testsupport.Latches.awaitUninterruptibly;
import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.health.ComponentHealth;
import com.englog.observability.health.Health;
import com.englog.observability.health.HealthIndicator;
import com.englog.observability.health.HealthListener;
import com.englog.observability.health.RecoveryPolicy;
import com.englog.observability.health.Status;
import com.englog.observability.health.internal.ComponentRuntime.State;
import com.englog.observability.testsupport.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One test per transition of a component's state machine (drawn in {@link ComponentRuntime}'s class
 * comment), each named after it. Time is the injected clock's: the tests move it by hand; checks run
 * when a test hands the queued task to a thread, so every state is observed, not raced for.
 */
class ComponentTransitionsTest {

  @RegisterExtension
  final QueuedChecks checks = new QueuedChecks();
  private final MutableClock clock = checks.clock;
  /** The check executor: holds each submitted check until the test runs it. */
  private final BlockingQueue<Runnable> queued = checks.queued;
  private final AtomicInteger calls = checks.calls;
  private final List<HealthListener> listeners = new ArrayList<>();
  private HealthEngine engine;
  private ComponentRuntime db;

  private void start(HealthIndicator indicator, int breakerFailures,
      List<ComponentRuntime.RecoverySpec> recoveries, Executor executor) {
    engine = checks.engine(List.of(checks.db(indicator, DEADLINE, breakerFailures, recoveries)), executor,
        new HealthMetrics(null), listeners);
    db = engine.component("db");
  }

  private void start(HealthIndicator indicator) {
    start(indicator, 0, List.of(), queued::add);
  }

  @Test
  void idleToQueuedOnDue() {
    start(context -> Health.up().build());
    assertThat(db.state()).isEqualTo(State.IDLE);

    Evaluation first = db.evaluate();

    assertThat(first).isInstanceOf(Evaluation.Pending.class);
    assertThat(db.state()).isEqualTo(State.QUEUED);
    assertThat(queued).hasSize(1);
    assertThat(calls).hasValue(0);
    assertThat(first.now().status).as("nothing to show before the first check").isEqualTo(Status.UNKNOWN);
  }

  @Test
  void queuedStaysQueuedOnDueAndTheCallerJoinsTheCheck() {
    start(context -> Health.up().build());
    Evaluation first = db.evaluate();

    Evaluation second = db.evaluate();

    assertThat(second).isEqualTo(first);
    assertThat(queued).as("one check, not two").hasSize(1);
    assertThat(db.state()).isEqualTo(State.QUEUED);
  }

  @Test
  void queuedToCheckingOnBegin() throws InterruptedException {
    AtomicReference<State> seenByTheIndicator = new AtomicReference<>();
    start(context -> {
      seenByTheIndicator.set(db.state());
      return Health.up().build();
    });
    db.evaluate();

    checks.runQueued();

    assertThat(seenByTheIndicator).hasValue(State.CHECKING);
  }

  /**
   * Publishing the result and freeing the slot are one step: whoever sees the new result (here a
   * listener, called inside the transition; before, a caller racing the logging thread) finds the
   * slot already free, so a caller for whom that result is already due starts a new check.
   */
  @Test
  void checkingToIdleOnReturned() throws InterruptedException {
    List<State> statesSeenWithTheNewResult = new ArrayList<>();
    listeners.add(new HealthListener() {
      @Override
      public void onStatusChange(Status previous, ComponentHealth current) {
        statesSeenWithTheNewResult.add(db.state());
      }
    });
    start(context -> calls.get() == 1 ? Health.up().build() : Health.down("now down").build());
    Evaluation first = db.evaluate();
    checks.runQueued();

    assertThat(db.state()).isEqualTo(State.IDLE);
    assertThat(first.await().status).isEqualTo(Status.UP);
    assertThat(statesSeenWithTheNewResult).containsExactly(State.IDLE);

    clock.advance(MAX_AGE.plusSeconds(1));
    Evaluation afterTheJump = db.evaluate();
    assertThat(afterTheJump).as("a new check, not the finished one").isInstanceOf(Evaluation.Pending.class);
    assertThat(db.state()).isEqualTo(State.QUEUED);
    checks.runQueued();
    assertThat(afterTheJump.await().status).isEqualTo(Status.DOWN);
  }

  @Test
  void queuedToIdleOnDeadline() throws InterruptedException {
    start(context -> Health.up().build());
    Evaluation first = db.evaluate();

    clock.advance(DEADLINE);
    Result timedOut = first.outcome().join();

    assertThat(timedOut.status).isEqualTo(Status.DOWN);
    assertThat(timedOut.reason).isEqualTo("timed out after 5 s");
    assertThat(db.state()).as("the slot is free: the check never ran").isEqualTo(State.IDLE);
    checks.runQueued();
    assertThat(calls).as("a check ended by its deadline before it ran never runs").hasValue(0);
    assertThat(db.currentStatus()).isEqualTo(Status.DOWN);
  }

  @Test
  void queuedToIdleOnReturnedWhenTheExecutorRefusesTheCheck() {
    start(context -> Health.up().build(), 0, List.of(), task -> {
      throw new RejectedExecutionException("saturated");
    });

    Result refused = db.evaluate().await();

    assertThat(refused.status).isEqualTo(Status.DOWN);
    assertThat(refused.reason).startsWith("health check executor rejected the check");
    assertThat(db.state()).isEqualTo(State.IDLE);
    assertThat(calls).hasValue(0);
  }

  @Test
  void checkingToOverdueOnDeadline() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch hookRan = new CountDownLatch(1);
    AtomicReference<Boolean> interrupted = new AtomicReference<>();
    start(context -> {
      context.onAbort(hookRan::countDown);
      entered.countDown();
      awaitUninterruptibly(release);
      interrupted.set(Thread.currentThread().isInterrupted());
      return Health.up().build();
    });
    Evaluation first = db.evaluate();
    Thread check = checks.runQueuedInBackground();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

    clock.advance(DEADLINE);
    Result timedOut = first.outcome().join();

    try {
      assertThat(timedOut.reason).isEqualTo("timed out after 5 s");
      assertThat(db.state()).isEqualTo(State.OVERDUE);
      assertThat(hookRan.await(30, TimeUnit.SECONDS)).as("abort hook run").isTrue();
      clock.advance(REFRESH_AFTER);
      assertThat(db.evaluate()).as("no second check while the first is stuck").isSameAs(timedOut);
      assertThat(queued).isEmpty();
    } finally {
      release.countDown();
    }
    check.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(interrupted).as("the overdue check was interrupted").hasValue(true);
  }

  @Test
  void overdueToIdleOnReturned() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    start(context -> {
      entered.countDown();
      awaitUninterruptibly(release);
      return calls.get() == 1 ? Health.up().build() : Health.down("second").build();
    });
    Evaluation first = db.evaluate();
    Thread check = checks.runQueuedInBackground();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    clock.advance(DEADLINE);
    Result timedOut = first.outcome().join();
    assertThat(db.state()).isEqualTo(State.OVERDUE);

    release.countDown();
    check.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(db.state()).isEqualTo(State.IDLE);
    assertThat(db.evaluate()).as("the late result is dropped").isSameAs(timedOut);
    clock.advance(REFRESH_AFTER);
    assertThat(db.evaluate()).as("served while the next check runs").isSameAs(timedOut);
    assertThat(db.state()).as("the slot is free for the next check").isEqualTo(State.QUEUED);
    checks.runQueued();
    assertThat(db.evaluate().now().reason).isEqualTo("second");
  }

  @Test
  void idleStaysIdleOnDueWhenTheBreakerRefuses() {
    start(context -> Health.down("HTTP 500").build(), 1, List.of(), Runnable::run);
    assertThat(db.evaluate().await().reason).isEqualTo("HTTP 500");

    clock.advance(REFRESH_AFTER);
    Result shown = db.evaluate().await();

    assertThat(db.state()).isEqualTo(State.IDLE);
    assertThat(calls).as("the open breaker skipped the check").hasValue(1);
    assertThat(shown.reason).contains("circuit breaker open").contains("HTTP 500");
    assertThat(shown.details).containsEntry("circuit_breaker", "OPEN");
  }

  @Test
  void idleToQueuedOnRecovered() throws InterruptedException {
    CountDownLatch recovered = new CountDownLatch(1);
    ComponentRuntime.RecoverySpec restart = new ComponentRuntime.RecoverySpec("restart",
        failing -> recovered.countDown(),
        RecoveryPolicy.builder().afterFailures(1)
            .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build());
    start(context -> calls.get() == 1 ? Health.down("HTTP 500").build() : Health.up().build(), 1,
        List.of(restart), queued::add);
    Evaluation first = db.evaluate();
    checks.runQueued();
    assertThat(first.await().reason).isEqualTo("HTTP 500");
    assertThat(recovered.await(30, TimeUnit.SECONDS)).isTrue();

    // The successful recovery lets the open breaker try once, now, without a caller.
    checks.runQueued();

    assertThat(calls).hasValue(2);
    assertThat(db.currentStatus()).isEqualTo(Status.UP);
    assertThat(db.state()).isEqualTo(State.IDLE);
  }

  @Test
  void queuedToClosedOnClose() {
    start(context -> Health.up().build());
    Evaluation first = db.evaluate();

    engine.close();

    assertThat(db.state()).isEqualTo(State.CLOSED);
    Result closed = first.outcome().join();
    assertThat(closed.status).isEqualTo(Status.UNKNOWN);
    assertThat(closed.reason).isEqualTo("health registry closed");
    assertThat(db.evaluate().now().reason).as("nothing starts once closed").isEqualTo("not checked yet");
    assertThat(db.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void idleToClosedOnClose() throws InterruptedException {
    start(context -> Health.up().build());
    db.evaluate();
    checks.runQueued();

    engine.close();

    assertThat(db.state()).isEqualTo(State.CLOSED);
    clock.advance(MAX_AGE.plusSeconds(1));
    assertThat(db.evaluate().now().status).as("the last result stands").isEqualTo(Status.UP);
    assertThat(queued).isEmpty();
  }

  @Test
  void checkingToClosedOnClose() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch hookRan = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    start(context -> {
      context.onAbort(hookRan::countDown);
      entered.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return Health.up().build();
    });
    Evaluation first = db.evaluate();
    Thread check = checks.runQueuedInBackground();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

    engine.close();

    assertThat(db.state()).isEqualTo(State.CLOSED);
    assertThat(first.outcome().join().reason).isEqualTo("health registry closed");
    assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the check was interrupted").isTrue();
    check.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(db.state()).as("its late return changes nothing").isEqualTo(State.CLOSED);
    assertThat(db.currentStatus()).isEqualTo(Status.UNKNOWN);
  }

  @Test
  void overdueToClosedOnClose() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    start(context -> {
      entered.countDown();
      awaitUninterruptibly(release);
      return Health.up().build();
    });
    Evaluation first = db.evaluate();
    Thread check = checks.runQueuedInBackground();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    clock.advance(DEADLINE);
    Result timedOut = first.outcome().join();

    engine.close();
    release.countDown();
    check.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(db.state()).isEqualTo(State.CLOSED);
    assertThat(db.evaluate()).as("the late result is dropped").isSameAs(timedOut);
  }
}
