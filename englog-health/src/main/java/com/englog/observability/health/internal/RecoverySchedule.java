package com.englog.observability.health.internal;

import com.englog.observability.health.ComponentHealth;
import java.util.ArrayDeque;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not public API. One recovery action of a component: backoff, hourly budget, one attempt at a
 * time. Its bookkeeping is part of the component's state: {@code reset}, {@code claim} and {@code
 * running} are used only by the component's transition, under its lock; an {@link Attempt} is
 * launched after the lock is released.
 */
final class RecoverySchedule {

  private static final Logger LOG = LoggerFactory.getLogger("com.englog.observability.health");

  private final ComponentRuntime.RecoverySpec spec;
  private final String component;
  private final HealthEngine engine;
  private final HealthMetrics.RecoveryMeters meters;
  /** Told first when an attempt ends, to free the action for its next attempt. */
  private final Consumer<RecoverySchedule> ended;
  /** Told last when an attempt succeeded in time. */
  private final Runnable recovered;
  // Guarded by the component's lock.
  private final ArrayDeque<Long> lastHour = new ArrayDeque<>();
  int attempts;
  private long nextAllowed;
  boolean running;

  RecoverySchedule(ComponentRuntime.RecoverySpec spec, String component, HealthEngine engine,
      HealthMetrics.RecoveryMeters meters, Consumer<RecoverySchedule> ended, Runnable recovered) {
    this.spec = spec;
    this.component = component;
    this.engine = engine;
    this.meters = meters;
    this.ended = ended;
    this.recovered = recovered;
  }

  /** After a result that is not DOWN: the next failure starts afresh. */
  void reset() {
    attempts = 0;
    nextAllowed = 0;
  }

  /**
   * Whether an attempt is due after {@code failures} consecutive failures; if so, books it (the
   * backoff before the next one and the hourly budget).
   */
  boolean claim(long now, int failures) {
    if (failures < spec.policy().afterFailures() || running
        || (attempts > 0 && now - nextAllowed < 0)) {
      return false;
    }
    long hour = TimeUnit.HOURS.toNanos(1);
    while (!lastHour.isEmpty() && now - lastHour.peekFirst() >= hour) {
      lastHour.pollFirst();
    }
    if (lastHour.size() >= spec.policy().maxAttemptsPerHour()) {
      LOG.debug("health: {} recovery {} skipped: {} attempts in the last hour", component, spec.name(),
          lastHour.size());
      return false;
    }
    running = true;
    attempts++;
    lastHour.addLast(now);
    long backoff = spec.policy().initialBackoff().toNanos();
    for (int i = 1; i < attempts && backoff < spec.policy().maxBackoff().toNanos(); i++) {
      backoff *= 2;
    }
    nextAllowed = now + Math.min(backoff, spec.policy().maxBackoff().toNanos());
    return true;
  }

  /** A booked attempt, to be launched outside the component's lock. */
  final class Attempt {
    private final int number;
    private final int failures;
    private final ComponentHealth failing;

    Attempt(int number, int failures, ComponentHealth failing) {
      this.number = number;
      this.failures = failures;
      this.failing = failing;
    }

    void launch() {
      AtomicBoolean recorded = new AtomicBoolean();
      long started = engine.tick();
      LOG.warn("health: {} is DOWN ({} consecutive failures): attempting recovery {} (attempt {})",
          component, failures, spec.name(), number);
      Future<?> task;
      try {
        task = engine.recoveryExecutor().submit(() -> {
          String outcome;
          Throwable error = null;
          try {
            spec.action().recover(failing);
            outcome = "success";
          } catch (Throwable e) {
            // Also a VirtualMachineError: rethrown here it would only end up in the task's Future,
            // which nobody reads.
            outcome = "failure";
            error = e;
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
          engine.recoveryAttempted(component, spec.name(), "timeout");
          LOG.warn("health: {} recovery {} timed out after {}; interrupting it", component, spec.name(),
              Reasons.duration(spec.policy().timeout()));
          task.cancel(true);
        }
      }, spec.policy().timeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void finish(AtomicBoolean recorded, String outcome, Throwable error, long started) {
      ended.accept(RecoverySchedule.this);
      if (!recorded.compareAndSet(false, true)) {
        return;
      }
      meters.record(outcome);
      engine.recoveryAttempted(component, spec.name(), outcome);
      long ms = TimeUnit.NANOSECONDS.toMillis(engine.tick() - started);
      if (error == null) {
        LOG.info("health: {} recovery {} succeeded in {} ms", component, spec.name(), ms);
        recovered.run();
      } else {
        LOG.warn("health: {} recovery {} failed after {} ms: {}", component, spec.name(), ms,
            Reasons.describe(error));
      }
    }
  }
}
