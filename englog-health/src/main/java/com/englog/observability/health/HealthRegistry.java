package com.englog.observability.health;

import com.englog.observability.health.internal.ComponentRuntime;
import com.englog.observability.health.internal.HealthEngine;
import com.englog.observability.health.internal.HealthMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The health of a service: its components (each a {@link HealthIndicator} with options), their groups,
 * and the runtime that checks them concurrently, each within its deadline.
 *
 * <pre>{@code
 * HealthRegistry health = HealthRegistry.builder()
 *     .meterRegistry(meterRegistry)
 *     .add("db", JdbcHealthIndicator.of(dataSource))
 *     .add("redis", RedisHealthIndicator.of("127.0.0.1", 6379))
 *     .add("ai", HttpHealthIndicator.of(URI.create("https://ai.example/health")), o -> o.nonCritical())
 *     .build();
 * HealthReport readiness = health.check(HealthRegistry.READINESS);
 * }</pre>
 *
 * <h2>Status of a group</h2>
 * The worst status of its members, where a non-critical member that is not UP counts as DEGRADED, and
 * an empty group is UP. Groups: {@link #LIVENESS} (empty unless a component asks for it), {@link
 * #READINESS} and {@link #STARTUP} (every component by default), custom groups named in {@link
 * ComponentOptions.Builder#groups(String...)}, {@link #ALL} (every component), and one group per component
 * under the component's own name, whose status is the component's own, critical or not (a
 * non-critical component that is DOWN is DOWN there).
 *
 * <h2>Threads</h2>
 * A call to {@link #check(String)} or {@link #status(String)} returns cached results when they are
 * fresh enough (see {@link ComponentOptions}) and otherwise starts the checks concurrently and waits
 * at most until the longest deadline among them. A check that overruns its deadline is DOWN ("timed
 * out after …"), its abort hooks run and its thread is interrupted; until it returns, calls get that
 * result with its age and start no second check. The registry's threads are daemon threads; {@link
 * #close()} stops them and removes the registry's meters.
 */
public final class HealthRegistry implements AutoCloseable {

  /** Every component. */
  public static final String ALL = "all";
  /** Kubernetes liveness: is the process itself working? Empty by default. */
  public static final String LIVENESS = "liveness";
  /** Kubernetes readiness: can the service take traffic? Every component by default. */
  public static final String READINESS = "readiness";
  /** Kubernetes startup: has the service finished starting? Every component by default. */
  public static final String STARTUP = "startup";
  /** How often every component is refreshed in the background unless configured otherwise. */
  public static final Duration DEFAULT_BACKGROUND_REFRESH = Duration.ofSeconds(10);

  private final HealthEngine engine;
  private final @Nullable MeterRegistry meterRegistry;

  private HealthRegistry(HealthEngine engine, @Nullable MeterRegistry meterRegistry) {
    this.engine = engine;
    this.meterRegistry = meterRegistry;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every component's status, checking what is too old (see the class comment). */
  public HealthReport check() {
    return engine.all().report();
  }

  /**
   * A group's (or a single component's) status and results. For a component's name the status is the
   * component's own, even for a non-critical one.
   *
   * @throws IllegalArgumentException when no group or component has that name
   */
  public HealthReport check(String group) {
    return resolve(group).report();
  }

  /** {@link #check(String)} without blocking: completes at the latest deadline of its checks. */
  CompletableFuture<HealthReport> checkAsync(String group) {
    return resolve(group).reportAsync();
  }

  /** {@link #status(String)} without blocking: completes at the latest deadline of its checks. */
  CompletableFuture<Status> statusAsync(String group) {
    return resolve(group).statusAsync();
  }

  /** {@link #check(String)} from the results at hand: starts due checks but never waits for one. */
  HealthReport checkNow(String group) {
    return resolve(group).reportNow();
  }

  /** {@link #status(String)} from the results at hand: starts due checks but never waits for one. */
  Status statusNow(String group) {
    return resolve(group).statusNow();
  }

  /** The aggregated status of every component, without building a report. */
  public Status status() {
    return engine.all().status();
  }

  /**
   * The aggregated status of a group (or single component), without building a report.
   *
   * @throws IllegalArgumentException when no group or component has that name
   */
  public Status status(String group) {
    return resolve(group).status();
  }

  /** Whether {@link #check(String)} knows {@code name} (a group, a component, or {@link #ALL}). */
  public boolean hasGroup(String name) {
    return ALL.equals(name) || engine.group(name) != null;
  }

  /**
   * The registry the {@code englog_health_*} metrics are published on ({@link Builder#meterRegistry}),
   * empty when none was given. Composing code (englog-servlet-filters' {@code EnglogServlet.install})
   * reads it to check, at startup, that health metrics reach the scrape it serves.
   */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /** The names of the groups, starting with liveness, readiness and startup. */
  public Set<String> groups() {
    return engine.groupNames();
  }

  /** The names of the components, in registration order. */
  public Set<String> components() {
    return engine.componentNames();
  }

  /** Whether the component called {@code name} is critical. */
  public boolean isCritical(String name) {
    ComponentRuntime c = engine.component(Objects.requireNonNull(name, "name"));
    if (c == null) {
      throw new IllegalArgumentException("no component called " + name);
    }
    return c.critical();
  }

  /** Stops the registry's threads and removes its meters. Idempotent. */
  @Override
  public void close() {
    engine.close();
  }

  private HealthEngine.Group resolve(String group) {
    Objects.requireNonNull(group, "group");
    if (ALL.equals(group)) {
      return engine.all();
    }
    HealthEngine.Group g = engine.group(group);
    if (g == null) {
      throw new IllegalArgumentException("no health group or component called \"" + group + "\"");
    }
    return g;
  }

  @Override
  public String toString() {
    return "HealthRegistry" + components();
  }

  /** Builds a {@link HealthRegistry}. */
  public static final class Builder {
    private final Map<String, Registration> registrations = new LinkedHashMap<>();
    private final List<Consumer<ComponentOptions.Builder>> defaults = new ArrayList<>();
    private MeterRegistry meterRegistry;
    private InstantSource clock;
    private Executor executor;
    private Duration backgroundRefresh = DEFAULT_BACKGROUND_REFRESH;
    private final List<HealthListener> listeners = new ArrayList<>();

    private Builder() {}

    /** Adds a listener for status changes and recovery attempts (see {@link HealthListener}). */
    public Builder listener(HealthListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Adds a component with the default options (critical, 2 s deadline, readiness and startup). */
    public Builder add(String name, HealthIndicator indicator) {
      return add(name, indicator, o -> { });
    }

    /**
     * Adds a component; {@code options} adjusts its {@link ComponentOptions}, starting from the defaults
     * and what {@link #defaults(Consumer)} set.
     *
     * @param name 1 to 64 of {@code A-Z a-z 0-9 _ . -}, starting with a letter or digit; not "all" and
     *     not the name of a group ({@link #build()} fails otherwise)
     */
    public Builder add(String name, HealthIndicator indicator, Consumer<ComponentOptions.Builder> options) {
      ComponentOptions.validName("name", name);
      if (ALL.equals(name)) {
        throw new IllegalArgumentException("name \"all\" is reserved for the group of every component");
      }
      if (registrations.containsKey(name)) {
        throw new IllegalArgumentException("a component called " + name + " is already registered");
      }
      registrations.put(name, new Registration(Objects.requireNonNull(indicator, "indicator"),
          Objects.requireNonNull(options, "options")));
      return this;
    }

    /** Options applied to every component before its own (call in any order). */
    public Builder defaults(Consumer<ComponentOptions.Builder> options) {
      defaults.add(Objects.requireNonNull(options, "options"));
      return this;
    }

    /** Where the health meters of the metric catalog go; without one, no metrics. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The registry's one time source (tests: a virtual clock, any {@link java.time.Clock}): result
     * timestamps, ages, check durations, {@link HealthCheckContext#remaining()} and deadlines all
     * follow it. Default: the system clock for timestamps, and {@link System#nanoTime()} (monotonic)
     * for everything measured. The timer that enforces deadlines waits in real time; a caller that
     * finds a running check past its deadline by this source reports it timed out at once.
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Run checks on this executor instead of the registry's own pool. It must be able to run one task
     * per component at once, or a hung check delays others; the registry does not shut it down.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Refresh every component that is due in the background this often, so metrics stay current and
     * requests rarely wait; {@link Duration#ZERO} turns it off (checks then run only when asked).
     * Default 10 s; at most 24 h.
     */
    public Builder backgroundRefresh(Duration period) {
      Objects.requireNonNull(period, "period");
      if (period.isNegative() || period.compareTo(Duration.ofHours(24)) > 0
          || (!period.isZero() && period.toMillis() < 1)) {
        throw new IllegalArgumentException("backgroundRefresh must be 0 or between 1 ms and 24 h, was " + period);
      }
      this.backgroundRefresh = period;
      return this;
    }

    /** Builds the registry and, unless turned off, starts the background refresh. */
    public HealthRegistry build() {
      List<ComponentRuntime.Spec> specs = new ArrayList<>();
      Map<String, List<String>> groups = new LinkedHashMap<>();
      groups.put(LIVENESS, new ArrayList<>());
      groups.put(READINESS, new ArrayList<>());
      groups.put(STARTUP, new ArrayList<>());
      registrations.forEach((name, reg) -> {
        ComponentOptions.Builder o = ComponentOptions.builder();
        defaults.forEach(d -> d.accept(o));
        reg.options.accept(o);
        ComponentOptions c = o.build();
        List<ComponentRuntime.RecoverySpec> recoveries = new ArrayList<>();
        for (ComponentOptions.Recovery r : c.recoveries) {
          recoveries.add(new ComponentRuntime.RecoverySpec(r.name, r.action, r.policy));
        }
        specs.add(new ComponentRuntime.Spec(name, reg.indicator, c.critical, c.deadline, c.refreshAfter,
            c.maxAge, c.breakerFailures, c.breakerOpenFor, List.copyOf(recoveries)));
        for (String g : c.groups) {
          if (ALL.equals(g)) {
            throw new IllegalArgumentException("group \"all\" is implicit; component " + name
                + " must not name it");
          }
          groups.computeIfAbsent(g, k -> new ArrayList<>()).add(name);
        }
      });
      for (String name : registrations.keySet()) {
        if (groups.containsKey(name)) {
          throw new IllegalArgumentException("component " + name + " has the name of a group; check(\""
              + name + "\") and /health/" + name + " would reach the group, never the component alone");
        }
      }
      HealthEngine engine = new HealthEngine(specs, groups, clock, executor,
          new HealthMetrics(meterRegistry), List.copyOf(listeners));
      engine.startBackgroundRefresh(backgroundRefresh);
      return new HealthRegistry(engine, meterRegistry);
    }

    private static final class Registration {
      final HealthIndicator indicator;
      final Consumer<ComponentOptions.Builder> options;

      Registration(HealthIndicator indicator, Consumer<ComponentOptions.Builder> options) {
        this.indicator = indicator;
        this.options = options;
      }
    }
  }
}
