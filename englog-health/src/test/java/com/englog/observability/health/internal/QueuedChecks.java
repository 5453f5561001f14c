package com.englog.observability.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.englog.observability.health.HealthIndicator;
import com.englog.observability.health.HealthListener;
import com.englog.observability.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The time and the check executor of a component under test, registered as an extension: the clock
 * moves only when the test moves it, and the executor ({@code queued::add}) holds each submitted
 * check until the test runs it, on the test's thread or on a thread of its own. After each test,
 * the engines started here are closed and then the checks run in the background are joined.
 */
final class QueuedChecks implements AfterEachCallback {

  static final Duration DEADLINE = Duration.ofSeconds(5);
  static final Duration REFRESH_AFTER = Duration.ofSeconds(1);
  static final Duration MAX_AGE = Duration.ofSeconds(10);
  static final Duration BREAKER_OPEN_FOR = Duration.ofMinutes(1);

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final BlockingQueue<Runnable> queued = new LinkedBlockingQueue<>();
  /** How many times the indicator of a {@link #db} spec was called. */
  final AtomicInteger calls = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();
  private final List<HealthEngine> engines = new ArrayList<>();

  /** The spec of a critical component {@code db} whose indicator counts its calls in {@link #calls}. */
  ComponentRuntime.Spec db(HealthIndicator indicator, Duration deadline, int breakerFailures,
      List<ComponentRuntime.RecoverySpec> recoveries) {
    HealthIndicator counted = context -> {
      calls.incrementAndGet();
      return indicator.check(context);
    };
    return new ComponentRuntime.Spec("db", counted, true, deadline, REFRESH_AFTER, MAX_AGE,
        breakerFailures, BREAKER_OPEN_FOR, recoveries);
  }

  /** An engine on {@link #clock}, closed when the test ends. */
  HealthEngine engine(List<ComponentRuntime.Spec> specs, Executor executor, HealthMetrics metrics,
      List<HealthListener> listeners) {
    HealthEngine engine = new HealthEngine(specs, Map.of(), clock, executor, metrics, listeners);
    engines.add(engine);
    return engine;
  }

  /** Runs the next queued check on this thread. */
  void runQueued() throws InterruptedException {
    Runnable task = queued.poll(30, TimeUnit.SECONDS);
    assertThat(task).as("a queued check").isNotNull();
    task.run();
  }

  /** Runs the next queued check on a thread of its own, joined when the test ends. */
  Thread runQueuedInBackground() throws InterruptedException {
    Runnable task = queued.poll(30, TimeUnit.SECONDS);
    assertThat(task).as("a queued check").isNotNull();
    Thread t = new Thread(task, "check");
    threads.add(t);
    t.start();
    return t;
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    for (HealthEngine engine : engines) {
      engine.close();
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
  }
}
