package com.englog.observability.health.internal;

import com.englog.observability.health.ComponentHealth;
import com.englog.observability.health.Health;
import com.englog.observability.health.HealthCheckContext;
import com.englog.observability.health.HealthIndicator;
import com.englog.observability.health.RecoveryAction;
import com.englog.observability.health.RecoveryPolicy;
import com.englog.observability.health.Status;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not public API. One component: its last result, its (at most one) check in flight, deadline
 * enforcement, circuit breaker and recovery actions.
 *
 * <p>The component is a small state machine. Every change of its state, of its last result, of its
 * circuit breaker and of its recovery schedule is made by {@code transition} holding {@code lock},
 * and by no other code. Other threads only read the volatile last result (a fresh one is served
 * without the lock, so readers never block on each other) and act on what a transition returns
 * (submit a check, wake its waiters, run abort hooks, start recovery actions) after the lock is
 * released.
 *
 * <pre>
 *  event [guard] / what the transition does        (any event not drawn leaves the state as it is)
 *
 *           DUE [engine open, breaker permits] / new check, submitted
 *           RECOVERED [same] / breaker half-open, new check
 *    +------+ ------------------------------------------------------------> +--------+
 *    |      |                                                                | QUEUED |
 *    |      | <------------------------------------------------------------ +--------+
 *    |      |  DEADLINE / publish "timed out" (the check never runs)          |
 *    |      |  RETURNED [executor refused it] / publish DOWN                BEGIN / note its thread
 *    | IDLE |                                                                 v
 *    |      |  RETURNED / publish its result                               +----------+
 *    |      | <------------------------------------------------------------ | CHECKING |
 *    |      |                                                               +----------+
 *    |      |  RETURNED / drop the late result       +---------+  DEADLINE      |
 *    |      | <------------------------------------- | OVERDUE | <--------------+
 *    +------+                                        +---------+  / publish "timed out", run
 *     |  ^  DUE [breaker refuses] / show the last result              abort hooks, interrupt it
 *     +--+      as the breaker's, start recovery actions that are due
 *
 *    IDLE, QUEUED, CHECKING, OVERDUE --CLOSE--> CLOSED  / a queued or running check ends UNKNOWN
 *                                                         for its waiters (abort hooks, interrupt)
 * </pre>
 *
 * <p>Events that leave the state as it is: DUE while a check is queued or running joins it (or
 * serves the last result while it is younger than {@code maxAge}); DUE while OVERDUE serves the
 * timeout; ABORT_HOOK records an indicator's hook (run at once if its check was already abandoned);
 * RECOVERY_ENDED frees a recovery action for its next attempt. Publishing a result also counts
 * consecutive failures and starts the recovery actions that are due.
 *
 * <p>Why a caller can never join a check that has already published: publishing the result and
 * freeing the slot are one transition (CHECKING to IDLE) under the lock, and a caller that finds
 * the last result due decides under the same lock whether to start a check or join the running
 * one. It therefore sees either the old result with the check still running (and joins it, rightly)
 * or the new result with the slot free (and starts the refresh it decided on); never the new result
 * with the slot still held, which once made such a caller join the finished check, get its old
 * result back and leave the refresh to the next caller. The log line and listeners of a status
 * change run inside that transition, after the state is whole; waiters are woken after it.
 */
public final class ComponentRuntime {

  private static final Logger LOG = LoggerFactory.getLogger("com.englog.observability.health");
  /** Waiters give the timer this long past the deadline before completing the timeout themselves. */
  private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** A failed check as the circuit breaker records it (no stack trace: it is a signal, not an error). */
  private static final Exception FAILED = new Exception("health check failed", null, false, false) {
    private static final long serialVersionUID = 1L;
  };

  /** Everything the registry decided about this component. */
  public record Spec(String name, HealthIndicator indicator, boolean critical, Duration deadline,
      Duration refreshAfter, Duration maxAge, int breakerFailures, Duration breakerOpenFor,
      List<RecoverySpec> recoveries) {}

  /** One recovery action of a component. */
  public record RecoverySpec(String name, RecoveryAction action, RecoveryPolicy policy) {}

  /** Where the component's check slot is; see the class comment for the transitions. */
  enum State {
    /** No check in flight: the next due caller (or the background refresh) starts one. */
    IDLE,
    /** A check handed to the executor, not yet running. */
    QUEUED,
    /** A check running in the indicator. */
    CHECKING,
    /** A check past its deadline (its timeout published) whose thread is still in the indicator. */
    OVERDUE,
    /** The registry is closed: nothing starts any more. */
    CLOSED
  }

  /** What can happen to a component; each is handled by {@code transition}. */
  private sealed interface Event {}

  /** A caller or the background refresh found the last result due for a refresh. */
  private record Due() implements Event {}

  /** A recovery action succeeded: give the dependency a trial check now. */
  private record Recovered() implements Event {}

  /** A pool thread picked up {@code run}. */
  private record Begin(Run run) implements Event {}

  /** {@code run}'s indicator returned (or the executor refused to run it). */
  private record Returned(Run run, Health health, long durationNanos) implements Event {}

  /** {@code run}'s deadline passed (seen by the timer or by a waiter). */
  private record Deadline(Run run) implements Event {}

  /** The indicator of {@code run} registered an abort hook. */
  private record AbortHook(Run run, AutoCloseable hook) implements Event {}

  /** A recovery action finished, one way or another. */
  private record RecoveryEnded(RecoverySchedule recovery) implements Event {}

  /** The registry closed. */
  private record Close() implements Event {}

  private final Spec spec;
  private final HealthEngine engine;
  private final long deadlineNanos;
  private final long refreshAfterNanos;
  private final long maxAgeNanos;
  private final CircuitBreaker breaker;
  private final HealthMetrics.ComponentMeters meters;
  private final List<RecoverySchedule> recoveries = new ArrayList<>();

  private final Object lock = new Object();
  // Written only by transition(), holding the lock.
  private volatile Result last;
  private State state = State.IDLE;
  /** The check of QUEUED, CHECKING and OVERDUE; null otherwise. */
  private Run current;
  /** The thread inside the indicator while CHECKING or OVERDUE. */
  private Thread checkThread;
  private int consecutiveFailures;
  /** The last result as shown while the breaker is open, with the result it was made from. */
  private BreakerView breakerView;

  ComponentRuntime(Spec spec, HealthEngine engine, HealthMetrics metrics) {
    this.spec = spec;
    this.engine = engine;
    this.deadlineNanos = spec.deadline().toNanos();
    this.refreshAfterNanos = spec.refreshAfter().toNanos();
    this.maxAgeNanos = Math.max(spec.maxAge().toNanos(), refreshAfterNanos);
    this.breaker = spec.breakerFailures() <= 0 ? null : CircuitBreaker.of(spec.name(),
        CircuitBreakerConfig.custom()
            .slidingWindow(spec.breakerFailures(), spec.breakerFailures(),
                CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(100f)
            .waitDurationInOpenState(spec.breakerOpenFor())
            .permittedNumberOfCallsInHalfOpenState(1)
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .writableStackTraceEnabled(false)
            .clock(engine.clock())
            .build());
    this.meters = metrics.component(spec.name(), spec.critical(), this::currentStatus);
    for (RecoverySpec r : spec.recoveries()) {
      recoveries.add(new RecoverySchedule(r, spec.name(), engine, metrics.recovery(spec.name(), r.name()),
          s -> fire(new RecoveryEnded(s)), () -> fire(new Recovered())));
    }
  }

  public String name() {
    return spec.name();
  }

  public boolean critical() {
    return spec.critical();
  }

  /** The status of the last result without triggering anything; UNKNOWN before the first check. */
  public Status currentStatus() {
    Result r = last;
    return r == null ? Status.UNKNOWN : r.status;
  }

  /** Where the check slot is now (for tests). */
  State state() {
    synchronized (lock) {
      return state;
    }
  }

  /**
   * The last result while it is younger than {@code refreshAfter}; otherwise what the DUE event
   * decides: a check started or joined, or a result to use now.
   */
  Evaluation evaluate() {
    Result r = last;
    if (r != null && engine.tick() - r.tick < refreshAfterNanos) {
      return r;
    }
    return fire(new Due()).evaluation;
  }

  /** Starts a check unless one is running or the last result is younger than {@code refreshAfter}. */
  void refreshIfDue() {
    Result r = last;
    if (r == null || engine.tick() - r.tick >= refreshAfterNanos) {
      fire(new Due());
    }
  }

  /** On close of the engine: the check in flight, if any, ends now as UNKNOWN for its waiters. */
  void closed() {
    fire(new Close());
  }

  /** Handles {@code event} and then does, outside the lock, what the transition asked for. */
  private Effects fire(Event event) {
    Effects effects = transition(event);
    effects.apply();
    return effects;
  }

  /**
   * The one place where the component's state changes (see the class comment): handles {@code
   * event} under the lock and returns what is to be done once the lock is released.
   */
  private Effects transition(Event event) {
    Effects fx = new Effects();
    synchronized (lock) {
      long now = engine.tick();
      Result r = last;
      Result published = null;
      boolean recoverIfDue = false;
      if (event instanceof Due || event instanceof Recovered) {
        boolean recovered = event instanceof Recovered;
        if (recovered && breaker != null && breaker.getState() == CircuitBreaker.State.OPEN) {
          breaker.transitionToHalfOpenState();
        }
        boolean servable = r != null && now - r.tick < maxAgeNanos;
        if (!recovered && r != null && now - r.tick < refreshAfterNanos) {
          fx.evaluation = r; // refreshed by another caller meanwhile
        } else if (state == State.CLOSED || engine.isClosed()) {
          fx.evaluation = r != null ? r : unknown("not checked yet");
        } else if (state == State.OVERDUE) {
          fx.evaluation = r; // the timeout, until the overdue check returns
        } else if (state != State.IDLE) {
          fx.evaluation = servable ? r : new Evaluation.Pending(current);
        } else if (breaker != null && !breaker.tryAcquirePermission()) {
          recoverIfDue = true;
          fx.evaluation = r != null ? breakerView(r) : unknown("circuit breaker open");
        } else {
          current = new Run(now);
          state = State.QUEUED;
          fx.submit = current;
          fx.evaluation = servable ? r : new Evaluation.Pending(current);
        }
      } else if (event instanceof Begin e) {
        if (e.run() == current && state == State.QUEUED) {
          state = State.CHECKING;
          checkThread = Thread.currentThread();
          fx.begun = true;
        }
      } else if (event instanceof Returned e) {
        if (e.run() != current || state == State.OVERDUE) {
          fx.late = e;
          if (e.run() == current) {
            state = State.IDLE;
            current = null;
            checkThread = null;
          }
        } else {
          Health h = e.health();
          published = new Result(h.status(), h.reason(), h.details(), e.durationNanos(), now,
              engine.clock().instant());
          recordBreaker(h.status() == Status.DOWN, e.durationNanos());
          fx.settle(e.run(), published, e.durationNanos(), false);
          state = State.IDLE;
          current = null;
          checkThread = null;
        }
      } else if (event instanceof Deadline e) {
        if (e.run() == current && (state == State.QUEUED || state == State.CHECKING)) {
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("timed_out", true);
          details.put("deadline_ms", spec.deadline().toMillis());
          published = new Result(Status.DOWN, "timed out after " + Reasons.duration(spec.deadline()),
              Collections.unmodifiableMap(details), deadlineNanos, now, engine.clock().instant());
          recordBreaker(true, deadlineNanos);
          fx.settle(e.run(), published, deadlineNanos, true);
          fx.hooks = e.run().abandon();
          if (state == State.CHECKING) {
            checkThread.interrupt();
            state = State.OVERDUE;
          } else {
            state = State.IDLE;
            current = null;
          }
        }
      } else if (event instanceof AbortHook e) {
        if (e.run() == current && state == State.CHECKING) {
          e.run().hooks.add(e.hook());
        } else if (e.run().abandoned) {
          fx.hooks = List.of(e.hook());
        } // else the check has returned: nothing is left to abort
      } else if (event instanceof RecoveryEnded e) {
        e.recovery().running = false;
      } else if (event instanceof Close) {
        if (state == State.QUEUED || state == State.CHECKING) {
          fx.settle(current, unknown("health registry closed"), -1, false);
          fx.hooks = current.abandon();
          if (state == State.CHECKING) {
            checkThread.interrupt();
          }
        }
        state = State.CLOSED;
        current = null;
        checkThread = null;
      } else {
        throw new IllegalArgumentException("unknown event " + event);
      }

      if (published != null) {
        last = published;
        if (published.status == Status.DOWN) {
          consecutiveFailures++;
          recoverIfDue = true;
        } else {
          consecutiveFailures = 0;
          for (RecoverySchedule s : recoveries) {
            s.reset();
          }
        }
      }
      Result failing = last;
      if (recoverIfDue && !engine.isClosed() && failing != null && failing.status == Status.DOWN) {
        for (RecoverySchedule s : recoveries) {
          if (s.claim(now, consecutiveFailures)) {
            fx.recoveries.add(s.new Attempt(s.attempts, consecutiveFailures,
                toComponentHealth(failing, now)));
          }
        }
      }
      // Last, with the state whole: whoever hears of the change sees the slot as it now is.
      Status before = r == null ? Status.UNKNOWN : r.status;
      if (published != null && before != published.status) {
        if (published.status == Status.UP) {
          LOG.info("health: {} {} -> UP", spec.name(), before);
        } else {
          LOG.warn("health: {} {} -> {}: {}", spec.name(), before, published.status, published.reason);
        }
        engine.statusChanged(before, toComponentHealth(published, published.tick));
      }
    }
    return fx;
  }

  private void recordBreaker(boolean failed, long durationNanos) {
    if (breaker == null) {
      return;
    }
    if (failed) {
      breaker.onError(durationNanos, TimeUnit.NANOSECONDS, FAILED);
    } else {
      breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** What a transition asks to be done after it released the lock. */
  private final class Effects {
    /** For DUE: what the caller gets. */
    Evaluation evaluation;
    /** For BEGIN: whether the pool thread may run the indicator. */
    boolean begun;
    /** A new check to hand to the executor. */
    Run submit;
    /** A check that has its result: meters, then its waiters. */
    Run settled;
    Result outcome;
    long observedNanos = -1;
    boolean timedOut;
    /** A result that came too late for anyone. */
    Returned late;
    List<AutoCloseable> hooks = List.of();
    final List<RecoverySchedule.Attempt> recoveries = new ArrayList<>(0);

    void settle(Run run, Result result, long durationNanos, boolean byDeadline) {
      settled = run;
      outcome = result;
      observedNanos = durationNanos;
      timedOut = byDeadline;
    }

    void apply() {
      if (settled != null) {
        ScheduledFuture<?> watchdog = settled.watchdog;
        if (watchdog != null) {
          watchdog.cancel(false);
        }
        // One observation per check, as the report shows it: a hung check counts at its deadline now,
        // not when (if ever) it returns, so the histogram sees a frozen dependency while it is frozen.
        if (observedNanos >= 0) {
          meters.duration(observedNanos);
        }
        if (timedOut) {
          meters.timeout();
        }
      }
      for (RecoverySchedule.Attempt a : recoveries) {
        a.launch();
      }
      if (settled != null) {
        settled.outcome.complete(outcome);
      }
      for (AutoCloseable hook : hooks) {
        engine.runAbortHook(spec.name(), hook);
      }
      if (late != null && LOG.isDebugEnabled()) {
        LOG.debug("health: {} check returned after its deadline ({} ms): {}", spec.name(),
            TimeUnit.NANOSECONDS.toMillis(late.durationNanos()), late.health());
      }
      if (submit != null) {
        start(submit);
      }
    }
  }

  private void start(Run run) {
    try {
      run.watchdog = engine.timer().schedule(() -> fire(new Deadline(run)), deadlineNanos,
          TimeUnit.NANOSECONDS);
      engine.checkExecutor().execute(() -> execute(run));
    } catch (RejectedExecutionException e) {
      fire(new Returned(run,
          Health.down("health check executor rejected the check (shut down or saturated)").build(), 0));
    }
  }

  private void execute(Run run) {
    if (!fire(new Begin(run)).begun) {
      return;
    }
    Health health;
    try {
      health = spec.indicator().check(run);
      if (health == null) {
        health = Health.unknown("indicator returned no result").build();
      }
    } catch (VirtualMachineError e) {
      fire(new Returned(run, Health.down(e).build(), engine.tick() - run.startNanos));
      Thread.interrupted();
      throw e;
    } catch (Throwable e) {
      health = Health.down(e).build();
    }
    long durationNanos = engine.tick() - run.startNanos;
    fire(new Returned(run, health, durationNanos));
    // An interrupt aimed at this check must not leak into the pool thread's next task: once the
    // check has returned (above) no transition interrupts this thread any more.
    Thread.interrupted();
  }

  private Result breakerView(Result r) {
    BreakerView cached = breakerView;
    if (cached != null && cached.of == r) {
      return cached.view;
    }
    Map<String, Object> details = new LinkedHashMap<>(r.details);
    details.put("circuit_breaker", breaker == null ? "CLOSED" : breaker.getState().name());
    String reason = Reasons.cut("circuit breaker open after repeated failures; last check: "
        + (r.reason.isEmpty() ? r.status.name() : r.reason));
    Result view = r.withReasonAndDetails(reason, Collections.unmodifiableMap(details));
    breakerView = new BreakerView(r, view);
    return view;
  }

  private record BreakerView(Result of, Result view) {}

  private Result unknown(String reason) {
    return new Result(Status.UNKNOWN, reason, Map.of(), 0, engine.tick(), null);
  }

  /** The result as a report shows it, with its age at {@code now}. */
  ComponentHealth toComponentHealth(Result r, long nowTick) {
    boolean never = r.checkedAt == null;
    return new ComponentHealth(spec.name(), r.status, spec.critical(), r.reason, r.details,
        Duration.ofNanos(r.durationNanos), r.checkedAt,
        never ? null : Duration.ofNanos(Math.max(0, nowTick - r.tick)));
  }

  // ---- one check -------------------------------------------------------------------------

  /** One check: the context handed to the indicator and the future its callers wait on. */
  final class Run implements HealthCheckContext {
    final long startNanos;
    final CompletableFuture<Result> outcome = new CompletableFuture<>();
    volatile ScheduledFuture<?> watchdog;
    // Guarded by the component's lock.
    private List<AutoCloseable> hooks = new ArrayList<>(2);
    private boolean abandoned;

    Run(long startNanos) {
      this.startNanos = startNanos;
    }

    /** Under the lock: marks the check abandoned and hands over its abort hooks. */
    private List<AutoCloseable> abandon() {
      abandoned = true;
      List<AutoCloseable> toRun = hooks;
      hooks = new ArrayList<>(0);
      return toRun;
    }

    /**
     * Waits for the result until the deadline (plus a little grace); then times the check out. The
     * deadline is the runtime's ticker's: a check already past it (as a virtual ticker of a test may
     * decide) is timed out at once; otherwise the wait itself takes real time.
     */
    Result await() {
      long remaining = startNanos + deadlineNanos + GRACE_NANOS - engine.tick();
      try {
        return outcome.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        fire(new Deadline(this));
        return outcome.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        Result r = last;
        return r != null ? r : unknown("interrupted while waiting for the check");
      } catch (ExecutionException e) {
        return unknown("check failed: " + Reasons.describe(e.getCause()));
      }
    }

    /** The result if there is one, else the component's last result (UNKNOWN before the first). */
    Result resultOrLast() {
      Result done = outcome.getNow(null);
      if (done != null) {
        return done;
      }
      Result r = last;
      return r != null ? r : unknown("first check in progress");
    }

    /** The future result, timed out here at once when the ticker says the deadline has passed. */
    CompletableFuture<Result> outcomeByDeadline() {
      if (!outcome.isDone() && engine.tick() - startNanos >= deadlineNanos) {
        fire(new Deadline(this));
      }
      return outcome;
    }

    @Override
    public String component() {
      return spec.name();
    }

    @Override
    public Duration deadline() {
      return spec.deadline();
    }

    @Override
    public Duration remaining() {
      return Duration.ofNanos(startNanos + deadlineNanos - engine.tick());
    }

    @Override
    public void onAbort(AutoCloseable hook) {
      fire(new AbortHook(this, Objects.requireNonNull(hook, "hook")));
    }
  }
}
