package com.englog.observability.health.internal;

import com.englog.observability.health.ComponentHealth;
import com.englog.observability.health.HealthListener;
import com.englog.observability.health.HealthReport;
import com.englog.observability.health.RecoveryOutcome;
import com.englog.observability.health.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not public API. The runtime behind {@code HealthRegistry}: components, groups, threads, metrics.
 *
 * <p>Threads: checks run on a pool with one thread per component at most (each component has at most
 * one check in flight, so checks never queue behind a hung one); one timer thread enforces deadlines
 * and drives background refresh; one thread runs abort hooks; recovery actions get their own pool,
 * one thread per action at most. All are daemon threads, created on demand and stopped by {@link
 * #close()}.
 */
public final class HealthEngine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("com.englog.observability.health");

  private final Clock clock;
  private final LongSupplier ticker;
  private final ScheduledThreadPoolExecutor timer;
  private final Executor checkExecutor;
  private final ExecutorService ownedCheckExecutor;
  private final ThreadPoolExecutor abortExecutor;
  private final ExecutorService recoveryExecutor;
  private final HealthMetrics metrics;
  private final Map<String, ComponentRuntime> components = new LinkedHashMap<>();
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private final Map<String, Group> componentGroups = new LinkedHashMap<>();
  private final Group all;
  private final List<HealthListener> listeners;
  private volatile boolean closed;
  private ScheduledFuture<?> background;

  /**
   * @param time the one time source of the runtime: result timestamps, ages, check durations and
   *     deadlines all come from it (tests pass a virtual one); null for the system's, where timestamps
   *     are the system clock's and ages, durations and deadlines {@link System#nanoTime()}'s
   * @param checkExecutor null for the engine's own bounded pool
   * @param groupMembers group name to member names, in order (liveness, readiness, startup first);
   *     each of them gets status gauges, as does the group of every component ({@code all})
   */
  public HealthEngine(List<ComponentRuntime.Spec> specs, Map<String, List<String>> groupMembers,
      InstantSource time, Executor checkExecutor, HealthMetrics metrics, List<HealthListener> listeners) {
    this.listeners = listeners;
    this.clock = time == null ? Clock.systemUTC() : time.withZone(ZoneOffset.UTC);
    this.ticker = time == null ? System::nanoTime : () -> nanos(time.instant());
    this.metrics = metrics;
    int n = Math.max(1, specs.size());
    this.timer = new ScheduledThreadPoolExecutor(1, new DaemonThreads("englog-health-timer"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    if (checkExecutor == null) {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), new DaemonThreads("englog-health-check"));
      pool.allowCoreThreadTimeOut(true);
      this.ownedCheckExecutor = pool;
      this.checkExecutor = pool;
    } else {
      this.ownedCheckExecutor = null;
      this.checkExecutor = checkExecutor;
    }
    this.abortExecutor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(64), new DaemonThreads("englog-health-abort"),
        (r, executor) -> LOG.warn("health: abort hook dropped: 64 hooks already waiting"));
    this.abortExecutor.allowCoreThreadTimeOut(true);
    int actions = 0;
    for (ComponentRuntime.Spec s : specs) {
      actions += s.recoveries().size();
    }
    if (actions > 0) {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(actions, actions, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), new DaemonThreads("englog-health-recovery"));
      pool.allowCoreThreadTimeOut(true);
      this.recoveryExecutor = pool;
    } else {
      this.recoveryExecutor = null;
    }
    for (ComponentRuntime.Spec s : specs) {
      components.put(s.name(), new ComponentRuntime(s, this, metrics));
    }
    this.all = new Group("all", new ArrayList<>(components.values()), false);
    // The overall status, as /health answers it: one series for dashboards ("is the service up?") that
    // PromQL cannot rebuild from the component series, since criticality caps what a member counts.
    metrics.group(all.name(), all::cachedStatus);
    // A component's own path reports the component's own status: a probe of /health/redis must see a
    // Redis outage even when Redis is non-critical (which only caps what it counts for in groups).
    components.forEach((name, c) -> componentGroups.put(name, new Group(name, List.of(c), true)));
    groupMembers.forEach((name, members) -> {
      List<ComponentRuntime> list = new ArrayList<>();
      for (String m : members) {
        list.add(components.get(m));
      }
      Group g = new Group(name, list, false);
      groups.put(name, g);
      metrics.group(name, g::cachedStatus);
    });
  }

  /** Starts a first check of every component now and then every {@code period}; zero: never. */
  public synchronized void startBackgroundRefresh(Duration period) {
    if (!period.isZero()) {
      for (ComponentRuntime c : components.values()) {
        c.refreshIfDue();
      }
      background = timer.scheduleWithFixedDelay(() -> {
        for (ComponentRuntime c : components.values()) {
          try {
            c.refreshIfDue();
          } catch (RuntimeException e) {
            LOG.warn("health: background refresh of {} failed to start: {}", c.name(), e.toString());
          }
        }
      }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** Wall time, for result timestamps (and the circuit breaker's open interval). */
  Clock clock() {
    return clock;
  }

  /** Monotonic nanoseconds for ages, check durations and deadlines. */
  long tick() {
    return ticker.getAsLong();
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  Executor checkExecutor() {
    return checkExecutor;
  }

  ExecutorService recoveryExecutor() {
    return recoveryExecutor;
  }

  boolean isClosed() {
    return closed;
  }

  void runAbortHook(String component, AutoCloseable hook) {
    try {
      abortExecutor.execute(() -> {
        try {
          hook.close();
        } catch (Exception e) {
          LOG.debug("health: abort hook of {} failed: {}", component, e.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("health: abort hook of {} not run: {}", component, e.toString());
    }
  }

  void statusChanged(Status previous, ComponentHealth current) {
    for (HealthListener l : listeners) {
      try {
        l.onStatusChange(previous, current);
      } catch (RuntimeException e) {
        LOG.warn("health: listener {} threw on a status change of {}: {}", l, current.name(), e.toString());
      }
    }
  }

  void recoveryAttempted(String component, String action, String outcomeLabel) {
    RecoveryOutcome outcome = RecoveryOutcome.valueOf(outcomeLabel.toUpperCase(java.util.Locale.ROOT));
    for (HealthListener l : listeners) {
      try {
        l.onRecoveryAttempt(component, action, outcome);
      } catch (RuntimeException e) {
        LOG.warn("health: listener {} threw on a recovery attempt of {}: {}", l, component, e.toString());
      }
    }
  }

  /** The group called {@code name}, a component's own group, or null. */
  public Group group(String name) {
    Group g = groups.get(name);
    if (g != null) {
      return g;
    }
    return componentGroups.get(name);
  }

  /** Every component. */
  public Group all() {
    return all;
  }

  public Set<String> groupNames() {
    return Collections.unmodifiableSet(groups.keySet());
  }

  /** The component called {@code name}, or null. */
  public ComponentRuntime component(String name) {
    return components.get(name);
  }

  public Set<String> componentNames() {
    return Collections.unmodifiableSet(components.keySet());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (background != null) {
      background.cancel(false);
    }
    timer.shutdownNow();
    // The timer no longer ends checks at their deadline: end those in flight now, so that nobody
    // waiting for one (an asynchronous probe) waits for ever.
    for (ComponentRuntime c : components.values()) {
      c.closed();
    }
    if (ownedCheckExecutor != null) {
      ownedCheckExecutor.shutdownNow();
    }
    abortExecutor.shutdownNow();
    if (recoveryExecutor != null) {
      recoveryExecutor.shutdownNow();
    }
    metrics.close();
  }

  /** How a member's status counts for its group: a non-critical one can only degrade it. */
  static Status contribution(Status s, boolean critical) {
    if (critical || s == Status.UP) {
      return s;
    }
    return Status.DEGRADED;
  }

  static Status worst(Status a, Status b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  /**
   * A named set of components, evaluated together. A component's own group (its single-component
   * path) counts the component's status as it is; every other group caps a non-critical member at
   * DEGRADED.
   */
  public final class Group {
    private final String name;
    private final ComponentRuntime[] members;
    private final boolean single;

    Group(String name, List<ComponentRuntime> members, boolean single) {
      this.name = name;
      this.members = members.toArray(new ComponentRuntime[0]);
      this.single = single;
    }

    /** How {@code member}'s status counts here. */
    private Status counted(Status s, ComponentRuntime member) {
      return contribution(s, single || member.critical());
    }

    public String name() {
      return name;
    }

    /** The aggregated status of the cached results, triggering nothing (for gauges). */
    Status cachedStatus() {
      Status s = Status.UP;
      for (ComponentRuntime c : members) {
        s = worst(s, counted(c.currentStatus(), c));
      }
      return s;
    }

    /**
     * The group's status, checking components whose results are too old; waits at most until the
     * latest deadline of the checks it started or joined.
     */
    public Status status() {
      // The cached answer (every member's result fresh) is the probe's hot path: it allocates
      // nothing. The array of checks to wait for is made only when a member has one in flight.
      Status s = Status.UP;
      Evaluation[] pending = null;
      for (int i = 0; i < members.length; i++) {
        Evaluation e = members[i].evaluate();
        if (e instanceof Result r) {
          s = worst(s, counted(r.status, members[i]));
        } else {
          if (pending == null) {
            pending = new Evaluation[members.length];
          }
          pending[i] = e;
        }
      }
      if (pending != null) {
        for (int i = 0; i < members.length; i++) {
          if (pending[i] != null) {
            s = worst(s, counted(pending[i].await().status, members[i]));
          }
        }
      }
      return s;
    }

    /** Like {@link #status()}, with every component's result. */
    public HealthReport report() {
      Evaluation[] evaluations = evaluateAll();
      Status s = Status.UP;
      List<ComponentHealth> list = new ArrayList<>(members.length);
      long now = tick();
      for (int i = 0; i < members.length; i++) {
        Result r = evaluations[i].await();
        s = worst(s, counted(r.status, members[i]));
        list.add(members[i].toComponentHealth(r, Math.max(now, tick())));
      }
      return new HealthReport(name, s, list, clock.instant());
    }

    /**
     * Like {@link #status()}, without blocking the caller: completes when every check it started or
     * joined has a result, at its deadline at the latest (completed by the thread that ends the
     * check or by the deadline timer, so dependents must be quick and must not block).
     */
    public CompletableFuture<Status> statusAsync() {
      Evaluation[] evaluations = evaluateAll();
      CompletableFuture<?>[] pending = pending(evaluations);
      if (pending.length == 0) {
        return CompletableFuture.completedFuture(statusOf(evaluations));
      }
      return CompletableFuture.allOf(pending).thenApply(v -> statusOf(evaluations));
    }

    /** Like {@link #report()}, without blocking the caller (see {@link #statusAsync()}). */
    public CompletableFuture<HealthReport> reportAsync() {
      Evaluation[] evaluations = evaluateAll();
      CompletableFuture<?>[] pending = pending(evaluations);
      if (pending.length == 0) {
        return CompletableFuture.completedFuture(reportOf(evaluations));
      }
      return CompletableFuture.allOf(pending).thenApply(v -> reportOf(evaluations));
    }

    /**
     * The status now, never waiting: checks that are due are started as usual, but a component whose
     * check is running counts with its last result (UNKNOWN before its first).
     */
    public Status statusNow() {
      Status s = Status.UP;
      for (ComponentRuntime c : members) {
        s = worst(s, counted(c.evaluate().now().status, c));
      }
      return s;
    }

    /** Like {@link #statusNow()}, with every component's result. */
    public HealthReport reportNow() {
      Evaluation[] evaluations = evaluateAll();
      for (int i = 0; i < members.length; i++) {
        evaluations[i] = evaluations[i].now();
      }
      return reportOf(evaluations);
    }

    /** Every member evaluated (checks started) before any is waited for, so checks overlap. */
    private Evaluation[] evaluateAll() {
      Evaluation[] evaluations = new Evaluation[members.length];
      for (int i = 0; i < members.length; i++) {
        evaluations[i] = members[i].evaluate();
      }
      return evaluations;
    }

    private CompletableFuture<?>[] pending(Evaluation[] evaluations) {
      List<CompletableFuture<Result>> pending = new ArrayList<>();
      for (Evaluation e : evaluations) {
        CompletableFuture<Result> outcome = e.outcome();
        if (!outcome.isDone()) {
          pending.add(outcome);
        }
      }
      return pending.toArray(new CompletableFuture<?>[0]);
    }

    /** The status of {@code evaluations}, whose checks have all completed. */
    private Status statusOf(Evaluation[] evaluations) {
      Status s = Status.UP;
      for (int i = 0; i < members.length; i++) {
        s = worst(s, counted(evaluations[i].outcome().join().status, members[i]));
      }
      return s;
    }

    private HealthReport reportOf(Evaluation[] evaluations) {
      Status s = Status.UP;
      List<ComponentHealth> list = new ArrayList<>(members.length);
      long now = tick();
      for (int i = 0; i < members.length; i++) {
        Result r = evaluations[i].outcome().join();
        s = worst(s, counted(r.status, members[i]));
        list.add(members[i].toComponentHealth(r, now));
      }
      return new HealthReport(name, s, list, clock.instant());
    }
  }
}
