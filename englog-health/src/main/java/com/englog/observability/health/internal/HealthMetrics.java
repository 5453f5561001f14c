package com.englog.observability.health.internal;

import com.englog.observability.health.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Not public API. The health meters of {@code META-INF/englog/metrics-catalog/englog-health.json}:
 * names, labels, buckets and help texts must stay exactly as listed there.
 */
public final class HealthMetrics {

  static final String STATUS = "englog.health.status";
  static final String GROUP_STATUS = "englog.health.group.status";
  static final String DURATION = "englog.health.check.duration";
  static final String TIMEOUTS = "englog.health.check.timeouts";
  static final String RECOVERY = "englog.health.recovery.attempts";

  static final String STATUS_HELP = "Health of a component: 1 for its current status, 0 for the others.";
  static final String GROUP_STATUS_HELP =
      "Health of a group (all, liveness, readiness, startup, custom): 1 for its current status, 0 for the others.";
  static final String DURATION_HELP = "Duration of health checks in seconds, by component.";
  static final String TIMEOUTS_HELP = "Health checks that overran their deadline, by component.";
  static final String RECOVERY_HELP = "Recovery actions attempted, by component, action and outcome.";

  /** The catalog's buckets, in seconds. */
  static final double[] BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private static final Status[] STATUSES = {Status.UP, Status.DEGRADED, Status.DOWN, Status.UNKNOWN};

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  /** @param registry null for no metrics */
  public HealthMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The meters of one component. */
  ComponentMeters component(String name, boolean critical, Supplier<Status> status) {
    if (registry == null) {
      return ComponentMeters.NONE;
    }
    for (Status s : STATUSES) {
      meters.add(Gauge.builder(STATUS, status, st -> st.get() == s ? 1 : 0)
          .description(STATUS_HELP)
          .tags("component", name, "critical", Boolean.toString(critical), "status", s.name())
          .strongReference(true)
          .register(registry));
    }
    Duration[] slos = new Duration[BUCKETS.length];
    for (int i = 0; i < BUCKETS.length; i++) {
      slos[i] = Duration.ofNanos(Math.round(BUCKETS[i] * 1e9));
    }
    Timer timer = Timer.builder(DURATION)
        .description(DURATION_HELP)
        .tag("component", name)
        .serviceLevelObjectives(slos)
        .register(registry);
    Counter timeouts = Counter.builder(TIMEOUTS).description(TIMEOUTS_HELP).tag("component", name)
        .register(registry);
    meters.add(timer);
    meters.add(timeouts);
    return new ComponentMeters(timer, timeouts);
  }

  /** The meters of one recovery action: one counter per outcome, created up front. */
  RecoveryMeters recovery(String component, String action) {
    if (registry == null) {
      return RecoveryMeters.NONE;
    }
    Counter[] counters = new Counter[3];
    String[] outcomes = {"success", "failure", "timeout"};
    for (int i = 0; i < 3; i++) {
      counters[i] = Counter.builder(RECOVERY).description(RECOVERY_HELP)
          .tags("component", component, "action", action, "outcome", outcomes[i])
          .register(registry);
      meters.add(counters[i]);
    }
    return new RecoveryMeters(counters[0], counters[1], counters[2]);
  }

  /** The status gauges of one group. */
  void group(String name, Supplier<Status> status) {
    if (registry == null) {
      return;
    }
    for (Status s : STATUSES) {
      meters.add(Gauge.builder(GROUP_STATUS, status, st -> st.get() == s ? 1 : 0)
          .description(GROUP_STATUS_HELP)
          .tags("group", name, "status", s.name())
          .strongReference(true)
          .register(registry));
    }
  }

  /** Removes every meter this instance registered. */
  void close() {
    if (registry != null) {
      meters.forEach(registry::remove);
      meters.clear();
    }
  }

  /** Per-component meters; no-ops when there is no registry. */
  static class ComponentMeters {
    static final ComponentMeters NONE = new ComponentMeters(null, null);
    private final Timer duration;
    private final Counter timeouts;

    ComponentMeters(Timer duration, Counter timeouts) {
      this.duration = duration;
      this.timeouts = timeouts;
    }

    void duration(long nanos) {
      if (duration != null) {
        duration.record(nanos, TimeUnit.NANOSECONDS);
      }
    }

    void timeout() {
      if (timeouts != null) {
        timeouts.increment();
      }
    }
  }

  /** Per-action meters; no-ops when there is no registry. */
  static class RecoveryMeters {
    static final RecoveryMeters NONE = new RecoveryMeters(null, null, null);
    private final Counter success;
    private final Counter failure;
    private final Counter timeout;

    RecoveryMeters(Counter success, Counter failure, Counter timeout) {
      this.success = success;
      this.failure = failure;
      this.timeout = timeout;
    }

    void record(String outcome) {
      Counter c = "success".equals(outcome) ? success : "failure".equals(outcome) ? failure : timeout;
      if (c != null) {
        c.increment();
      }
    }
  }
}
