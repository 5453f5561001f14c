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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not public API. One component: its last result, its (at most one) running check, deadline
 * enforcement, circuit breaker and recovery actions.
 *
 * <p>Readers never block on each other: the last result is a volatile field, the running check an
 * atomic reference. A check that overruns its deadline is completed with a DOWN result by the timer
 * (its abort hooks run and its thread is interrupted); the check itself keeps its slot until it
 * returns, so a hung dependency pins at most one thread.
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

  private final Spec spec;
  private final HealthEngine engine;
  private final long deadlineNanos;
  private final long refreshAfterNanos;
  private final long maxAgeNanos;
  private final CircuitBreaker breaker;
  private final HealthMetrics.ComponentMeters meters;
  private final List<RecoveryState> recoveries = new ArrayList<>();
  private final AtomicReference<Run> inFlight = new AtomicReference<>();
  /** Returned by {@link #start()} when the open circuit breaker skipped the check. */
  private final Run skippedByBreaker = new Run(0);
  private volatile Result last;
  /** The last result as shown while the breaker is open, with the result it was made from. */
  private volatile BreakerView breakerView;
  private int consecutiveFailures;

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
      recoveries.add(new RecoveryState(r, metrics.recovery(spec.name(), r.name())));
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

  /**
   * Either a {@link Result} to use now or a {@link Run} to wait for, after starting a check when the
   * last result is older than {@code refreshAfter}.
   */
  Object evaluate() {
    Result r = last;
    long now = engine.tick();
    if (r != null && now - r.tick < refreshAfterNanos) {
      return r;
    }
    Run run = running(r);
    if (run == null) {
      run = start();
    }
    r = last;
    if (run == skippedByBreaker) {
      return r == null ? unknown("circuit breaker open") : breakerView(r);
    }
    if (run == null) {
      return r == null ? unknown("not checked yet") : r;
    }
    if (r != null && now - r.tick < maxAgeNanos) {
      return r;
    }
    Result done = run.outcome.getNow(null);
    return done != null ? done : run;
  }

  /** Starts a check unless one is running or the last result is younger than {@code refreshAfter}. */
  void refreshIfDue() {
    Result r = last;
    if ((r == null || engine.tick() - r.tick >= refreshAfterNanos) && running(r) == null) {
      start();
    }
    // (A check skipped by the open breaker needs nothing more: the last result stands.)
  }

  /**
   * The check in flight, or null. A check that returned and already published {@code r} (the result
   * the caller read) only has yet to free its slot: it is done, so its slot is freed here, letting
   * the caller start the refresh it decided on instead of joining a finished check. (A check settled
   * by its deadline keeps the slot while its thread is still inside the indicator.)
   */
  private Run running(Result r) {
    Run run = inFlight.get();
    if (run != null && r != null && run.published == r) {
      inFlight.compareAndSet(run, null);
      return null;
    }
    return run;
  }

  /**
   * Waits for {@code run} until its deadline (plus a little grace); then reports it timed out. The
   * deadline is the engine's ticker's: a run already past it (as a virtual ticker of a test may
   * decide) is timed out at once; otherwise the wait itself takes real time.
   */
  Result await(Run run) {
    long remaining = run.startNanos + deadlineNanos + GRACE_NANOS - engine.tick();
    try {
      return run.outcome.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      timeout(run);
      return run.outcome.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Result r = last;
      return r != null ? r : unknown("interrupted while waiting for the check");
    } catch (java.util.concurrent.ExecutionException e) {
      return unknown("check failed: " + Reasons.describe(e.getCause()));
    }
  }

  /**
   * The future result of {@code run}, completed by the check or at its deadline by the timer; timed
   * out here at once when the time source says its deadline has passed.
   */
  CompletableFuture<Result> outcome(Run run) {
    if (!run.outcome.isDone() && engine.tick() - run.startNanos >= deadlineNanos) {
      timeout(run);
    }
    return run.outcome;
  }

  /** On close of the engine: the check in flight, if any, ends now as UNKNOWN for its waiters. */
  void closed() {
    Run run = inFlight.get();
    if (run != null && run.settled.compareAndSet(false, true)) {
      if (run.watchdog != null) {
        run.watchdog.cancel(false);
      }
      run.outcome.complete(unknown("health registry closed"));
      run.abandon();
    }
  }

  /** For callers that must not wait: {@code run}'s result if it has one, else the last result. */
  Result lastOrInProgress(Run run) {
    Result done = run.outcome.getNow(null);
    if (done != null) {
      return done;
    }
    Result r = last;
    return r != null ? r : unknown("first check in progress");
  }

  private Run start() {
    if (engine.isClosed()) {
      return null;
    }
    if (breaker != null && !breaker.tryAcquirePermission()) {
      maybeRecover();
      return skippedByBreaker;
    }
    Run run = new Run(engine.tick());
    if (!inFlight.compareAndSet(null, run)) {
      if (breaker != null) {
        breaker.releasePermission();
      }
      return inFlight.get();
    }
    run.watchdog = engine.timer().schedule(() -> timeout(run), deadlineNanos, TimeUnit.NANOSECONDS);
    try {
      engine.checkExecutor().execute(() -> execute(run));
    } catch (RejectedExecutionException e) {
      run.watchdog.cancel(false);
      complete(run, Health.down("health check executor rejected the check (shut down or saturated)").build(),
          0);
    }
    return run;
  }

  private void execute(Run run) {
    if (!run.begin()) {
      return;
    }
    Health health;
    try {
      health = spec.indicator().check(run);
      if (health == null) {
        health = Health.unknown("indicator returned no result").build();
      }
    } catch (VirtualMachineError e) {
      run.end();
      complete(run, Health.down(e).build(), engine.tick() - run.startNanos);
      throw e;
    } catch (Throwable e) {
      health = Health.down(e).build();
    }
    run.end();
    complete(run, health, engine.tick() - run.startNanos);
  }

  private void complete(Run run, Health health, long durationNanos) {
    Result result = new Result(health.status(), health.reason(), health.details(), durationNanos,
        engine.tick(), engine.clock().instant());
    if (run.settled.compareAndSet(false, true)) {
      if (run.watchdog != null) {
        run.watchdog.cancel(false);
      }
      meters.duration(durationNanos);
      recordBreaker(health.status() == Status.DOWN, durationNanos);
      run.published = result;
      publish(result);
      // Free the slot before waking the waiters, so their next call can start a new check.
      inFlight.compareAndSet(run, null);
      run.outcome.complete(result);
    } else {
      if (LOG.isDebugEnabled()) {
        LOG.debug("health: {} check returned after its deadline ({} ms): {}", spec.name(),
            TimeUnit.NANOSECONDS.toMillis(durationNanos), health);
      }
      inFlight.compareAndSet(run, null);
    }
  }

  /** Completes {@code run} as timed out, unless it already completed. Safe to call twice. */
  void timeout(Run run) {
    if (!run.settled.compareAndSet(false, true)) {
      return;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("timed_out", true);
    details.put("deadline_ms", spec.deadline().toMillis());
    Result result = new Result(Status.DOWN, "timed out after " + Reasons.duration(spec.deadline()),
        java.util.Collections.unmodifiableMap(details), deadlineNanos, engine.tick(),
        engine.clock().instant());
    // One observation per check, as the report shows it: a hung check counts at its deadline now,
    // not when (if ever) it returns, so the histogram sees a frozen dependency while it is frozen.
    meters.duration(deadlineNanos);
    meters.timeout();
    recordBreaker(true, deadlineNanos);
    publish(result);
    run.outcome.complete(result);
    if (run.abandon()) {
      inFlight.compareAndSet(run, null);
    }
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

  private synchronized void publish(Result result) {
    Result previous = last;
    last = result;
    Status before = previous == null ? Status.UNKNOWN : previous.status;
    if (before != result.status) {
      if (result.status == Status.UP) {
        LOG.info("health: {} {} -> UP", spec.name(), before);
      } else {
        LOG.warn("health: {} {} -> {}: {}", spec.name(), before, result.status, result.reason);
      }
      engine.statusChanged(before, toComponentHealth(result, result.tick));
    }
    if (result.status == Status.DOWN) {
      consecutiveFailures++;
      maybeRecover();
    } else {
      consecutiveFailures = 0;
      for (RecoveryState r : recoveries) {
        r.reset();
      }
    }
  }

  private Result breakerView(Result r) {
    // One volatile pair: two fields written one after the other could pair one result's view with
    // another result under concurrent callers, and serve that stale view from then on.
    BreakerView cached = breakerView;
    if (cached != null && cached.of == r) {
      return cached.view;
    }
    Map<String, Object> details = new LinkedHashMap<>(r.details);
    details.put("circuit_breaker", breaker == null ? "CLOSED" : breaker.getState().name());
    String reason = Reasons.cut("circuit breaker open after repeated failures; last check: "
        + (r.reason.isEmpty() ? r.status.name() : r.reason));
    Result view = r.withReasonAndDetails(reason, java.util.Collections.unmodifiableMap(details));
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

  // ---- recovery --------------------------------------------------------------------------

  private synchronized void maybeRecover() {
    if (recoveries.isEmpty() || engine.isClosed()) {
      return;
    }
    Result failing = last;
    if (failing == null || failing.status != Status.DOWN) {
      return;
    }
    long now = engine.tick();
    for (RecoveryState r : recoveries) {
      if (consecutiveFailures >= r.spec.policy().afterFailures() && r.due(now)) {
        r.attempt(now, toComponentHealth(failing, now));
      }
    }
  }

  /** After a successful recovery: give the dependency a trial check now instead of waiting. */
  private void afterSuccessfulRecovery() {
    if (breaker != null && breaker.getState() == CircuitBreaker.State.OPEN) {
      breaker.transitionToHalfOpenState();
    }
    if (inFlight.get() == null) {
      start();
    }
  }

  /** One recovery action's schedule: backoff, hourly budget, one attempt at a time. */
  private final class RecoveryState {
    final RecoverySpec spec;
    final HealthMetrics.RecoveryMeters meters;
    final ArrayDeque<Long> lastHour = new ArrayDeque<>();
    int attempts;
    long nextAllowed;
    boolean running;

    RecoveryState(RecoverySpec spec, HealthMetrics.RecoveryMeters meters) {
      this.spec = spec;
      this.meters = meters;
    }

    void reset() {
      attempts = 0;
      nextAllowed = 0;
    }

    boolean due(long now) {
      if (running || (attempts > 0 && now - nextAllowed < 0)) {
        return false;
      }
      long hour = TimeUnit.HOURS.toNanos(1);
      while (!lastHour.isEmpty() && now - lastHour.peekFirst() >= hour) {
        lastHour.pollFirst();
      }
      if (lastHour.size() >= spec.policy().maxAttemptsPerHour()) {
        LOG.debug("health: {} recovery {} skipped: {} attempts in the last hour", name(), spec.name(),
            lastHour.size());
        return false;
      }
      return true;
    }

    void attempt(long now, ComponentHealth failing) {
      running = true;
      attempts++;
      lastHour.addLast(now);
      long backoff = spec.policy().initialBackoff().toNanos();
      for (int i = 1; i < attempts && backoff < spec.policy().maxBackoff().toNanos(); i++) {
        backoff *= 2;
      }
      nextAllowed = now + Math.min(backoff, spec.policy().maxBackoff().toNanos());
      AtomicBoolean recorded = new AtomicBoolean();
      long started = engine.tick();
      LOG.warn("health: {} is DOWN ({} consecutive failures): attempting recovery {} (attempt {})",
          name(), consecutiveFailures, spec.name(), attempts);
      Future<?> task;
      try {
        task = engine.recoveryExecutor().submit(() -> {
          String outcome;
          Throwable error = null;
          try {
            spec.action().recover(failing);
            outcome = "success";
          } catch (Throwable e) {
            outcome = "failure";
            error = e;
            if (e instanceof VirtualMachineError) {
              finish(recorded, outcome, e, started);
              throw (VirtualMachineError) e;
            }
          }
          finish(recorded, outcome, error, started);
        });
      } catch (RejectedExecutionException e) {
        finish(recorded, "failure", e, started);
        return;
      }
      engine.timer().schedule(() -> {
        if (recorded.compareAndSet(false, true)) {
          meters.record("timeout");
          engine.recoveryAttempted(name(), spec.name(), "timeout");
          LOG.warn("health: {} recovery {} timed out after {}; interrupting it", name(), spec.name(),
              Reasons.duration(spec.policy().timeout()));
          task.cancel(true);
        }
      }, spec.policy().timeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void finish(AtomicBoolean recorded, String outcome, Throwable error, long started) {
      synchronized (ComponentRuntime.this) {
        running = false;
      }
      if (!recorded.compareAndSet(false, true)) {
        return;
      }
      meters.record(outcome);
      engine.recoveryAttempted(name(), spec.name(), outcome);
      long ms = TimeUnit.NANOSECONDS.toMillis(engine.tick() - started);
      if (error == null) {
        LOG.info("health: {} recovery {} succeeded in {} ms", name(), spec.name(), ms);
        afterSuccessfulRecovery();
      } else {
        LOG.warn("health: {} recovery {} failed after {} ms: {}", name(), spec.name(), ms,
            Reasons.describe(error));
      }
    }
  }

  // ---- one check -------------------------------------------------------------------------

  /** One running check: the context handed to the indicator and the future its callers wait on. */
  final class Run implements HealthCheckContext {
    final long startNanos;
    final CompletableFuture<Result> outcome = new CompletableFuture<>();
    /** Set by whichever comes first: the check returning or the deadline. */
    final AtomicBoolean settled = new AtomicBoolean();
    volatile ScheduledFuture<?> watchdog;
    /** The result this check returned, set just before it is published; null while running or timed out. */
    volatile Result published;
    private Thread thread;
    private boolean started;
    private boolean finished;
    private boolean timedOut;
    private List<AutoCloseable> hooks;

    Run(long startNanos) {
      this.startNanos = startNanos;
    }

    synchronized boolean begin() {
      if (timedOut) {
        finished = true;
        return false;
      }
      started = true;
      thread = Thread.currentThread();
      return true;
    }

    void end() {
      synchronized (this) {
        thread = null;
        finished = true;
      }
      // An interrupt aimed at this check must not leak into the pool thread's next task.
      Thread.interrupted();
    }

    /**
     * Marks the run as abandoned: runs abort hooks and interrupts the thread if it is running.
     *
     * @return true when the check never started, so its slot is free at once
     */
    boolean abandon() {
      List<AutoCloseable> toRun;
      boolean neverStarted;
      synchronized (this) {
        timedOut = true;
        neverStarted = !started;
        if (neverStarted) {
          finished = true;
        }
        toRun = hooks == null ? List.of() : new ArrayList<>(hooks);
        hooks = null;
        if (thread != null && !finished) {
          thread.interrupt();
        }
      }
      for (AutoCloseable hook : toRun) {
        engine.runAbortHook(spec.name(), hook);
      }
      return neverStarted;
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
      java.util.Objects.requireNonNull(hook, "hook");
      synchronized (this) {
        if (!timedOut) {
          if (hooks == null) {
            hooks = new ArrayList<>(2);
          }
          hooks.add(hook);
          return;
        }
      }
      engine.runAbortHook(spec.name(), hook);
    }
  }
}
