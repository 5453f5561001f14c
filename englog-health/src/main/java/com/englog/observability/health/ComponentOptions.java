package com.englog.observability.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the registry runs one component: criticality, deadline, caching, groups, circuit breaker and
 * recovery actions. Immutable; {@link HealthRegistry.Builder#add(String, HealthIndicator,
 * java.util.function.Consumer)} hands its configurer a {@link Builder} that already holds the defaults
 * and the registry's {@link HealthRegistry.Builder#defaults(java.util.function.Consumer) defaults}.
 *
 * <pre>{@code
 * .add("ai", HttpHealthIndicator.of(URI.create("https://ai.example/health")),
 *     o -> o.nonCritical().deadline(Duration.ofSeconds(3)).groups(HealthRegistry.READINESS, "ai"))
 * }</pre>
 *
 * <h2>Caching</h2>
 * A result younger than {@link Builder#refreshAfter(Duration) refreshAfter} is served as is. An older
 * one is still served at once while a refresh runs in the background, until it is older than {@link
 * Builder#maxAge(Duration) maxAge}: then callers wait for the refresh, at most until the deadline. With
 * both set to zero every call waits for a fresh check (calls that arrive while one is running share it).
 */
public final class ComponentOptions {

  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REFRESH_AFTER = Duration.ofSeconds(5);
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(30);
  /** Consecutive failed checks that open the circuit breaker. */
  public static final int DEFAULT_BREAKER_FAILURES = 5;
  /** How long an open breaker skips the check before one trial call. */
  public static final Duration DEFAULT_BREAKER_OPEN_FOR = Duration.ofSeconds(15);
  /** The groups a component belongs to unless {@link Builder#groups(String...)} says otherwise. */
  public static final Set<String> DEFAULT_GROUPS =
      Set.of(HealthRegistry.READINESS, HealthRegistry.STARTUP);

  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Duration MAX_DURATION = Duration.ofHours(24);

  final boolean critical;
  final Duration deadline;
  final Duration refreshAfter;
  final Duration maxAge;
  final Set<String> groups;
  final int breakerFailures;
  final Duration breakerOpenFor;
  final List<Recovery> recoveries;

  private ComponentOptions(Builder b) {
    this.critical = b.critical;
    this.deadline = b.deadline;
    this.refreshAfter = b.refreshAfter;
    this.maxAge = b.maxAge;
    this.groups = Collections.unmodifiableSet(new LinkedHashSet<>(b.groups));
    this.breakerFailures = b.breakerFailures;
    this.breakerOpenFor = b.breakerOpenFor;
    this.recoveries = List.copyOf(b.recoveries);
  }

  /** A builder holding the defaults: critical, 2 s deadline, readiness and startup, breaker on. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the component being DOWN makes the service DOWN (true) or only DEGRADED. */
  public boolean critical() {
    return critical;
  }

  /** How long one check may run before it is reported DOWN. */
  public Duration deadline() {
    return deadline;
  }

  /** Age after which a result is refreshed in the background while still served. */
  public Duration refreshAfter() {
    return refreshAfter;
  }

  /** Age after which a result is no longer served without waiting for a refresh. */
  public Duration maxAge() {
    return maxAge;
  }

  /** The groups the component belongs to, in the order given. */
  public Set<String> groups() {
    return groups;
  }

  /** Consecutive failed checks that open the circuit breaker; 0 when there is no breaker. */
  public int circuitBreakerFailures() {
    return breakerFailures;
  }

  /** How long an open circuit breaker skips the check. */
  public Duration circuitBreakerOpenFor() {
    return breakerOpenFor;
  }

  @Override
  public String toString() {
    return "ComponentOptions{critical=" + critical + ", deadline=" + deadline + ", refreshAfter=" + refreshAfter
        + ", maxAge=" + maxAge + ", groups=" + groups + ", circuitBreakerFailures=" + breakerFailures
        + ", recoveries=" + recoveries.size() + "}";
  }

  static String validName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " must match " + NAME.pattern() + ", was \"" + name + "\"");
    }
    return name;
  }

  private static Duration positive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.toMillis() < 1 || d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(what + " must be between 1 ms and 24 h, was " + d);
    }
    return d;
  }

  private static Duration nonNegative(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(what + " must be between 0 and 24 h, was " + d);
    }
    return d;
  }

  /** One registered recovery action. */
  static final class Recovery {
    final String name;
    final RecoveryAction action;
    final RecoveryPolicy policy;

    Recovery(String name, RecoveryAction action, RecoveryPolicy policy) {
      this.name = name;
      this.action = action;
      this.policy = policy;
    }
  }

  /** Builds {@link ComponentOptions}. Not thread-safe. */
  public static final class Builder {
    private boolean critical = true;
    private Duration deadline = DEFAULT_DEADLINE;
    private Duration refreshAfter = DEFAULT_REFRESH_AFTER;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private Set<String> groups = new LinkedHashSet<>(List.of(HealthRegistry.READINESS, HealthRegistry.STARTUP));
    private int breakerFailures = DEFAULT_BREAKER_FAILURES;
    private Duration breakerOpenFor = DEFAULT_BREAKER_OPEN_FOR;
    private final List<Recovery> recoveries = new ArrayList<>();

    private Builder() {}

    /** Whether the component being DOWN makes the service DOWN (true, the default) or only DEGRADED. */
    public Builder critical(boolean critical) {
      this.critical = critical;
      return this;
    }

    /** Same as {@code critical(false)}: DOWN here makes the service DEGRADED, and it stays in the load balancer. */
    public Builder nonCritical() {
      return critical(false);
    }

    /** How long one check may run before it is reported DOWN; 1 ms to 24 h, default 2 s. */
    public Builder deadline(Duration deadline) {
      this.deadline = positive("deadline", deadline);
      return this;
    }

    /** Age after which a result is refreshed in the background while still served; 0 to 24 h, default 5 s. */
    public Builder refreshAfter(Duration refreshAfter) {
      this.refreshAfter = nonNegative("refreshAfter", refreshAfter);
      return this;
    }

    /** Age after which a result is no longer served without waiting for a refresh; 0 to 24 h, default 30 s. */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = nonNegative("maxAge", maxAge);
      return this;
    }

    /** Shorthand for {@code refreshAfter(ZERO).maxAge(ZERO)}: every call waits for a fresh check. */
    public Builder noCache() {
      return refreshAfter(Duration.ZERO).maxAge(Duration.ZERO);
    }

    /**
     * The groups this component belongs to, replacing the default {@link ComponentOptions#DEFAULT_GROUPS
     * readiness and startup}. Use {@link HealthRegistry#LIVENESS} only for checks of the process itself: a
     * dependency in liveness gets healthy pods restarted when the dependency fails. Every component is
     * also reachable alone as {@code /health/<name>}.
     */
    public Builder groups(String... groups) {
      Objects.requireNonNull(groups, "groups");
      Set<String> set = new LinkedHashSet<>();
      for (String g : groups) {
        set.add(validName("group", g));
      }
      this.groups = set;
      return this;
    }

    /**
     * Opens the circuit breaker after {@code consecutiveFailures} failed checks (DOWN or timed out);
     * while open, the check is skipped and the last result is served, marked with the breaker's state,
     * for {@code openFor}; then one trial check decides. Defaults: 5 failures, 15 s.
     */
    public Builder circuitBreaker(int consecutiveFailures, Duration openFor) {
      if (consecutiveFailures < 1 || consecutiveFailures > 100) {
        throw new IllegalArgumentException(
            "consecutiveFailures must be between 1 and 100, was " + consecutiveFailures);
      }
      this.breakerFailures = consecutiveFailures;
      this.breakerOpenFor = positive("openFor", openFor);
      return this;
    }

    /** Never skip the check, however often it fails. */
    public Builder withoutCircuitBreaker() {
      this.breakerFailures = 0;
      return this;
    }

    /** Adds a recovery action with the {@link RecoveryPolicy#of() default policy}. */
    public Builder recovery(String name, RecoveryAction action) {
      return recovery(name, action, RecoveryPolicy.of());
    }

    /**
     * Adds a recovery action, run as {@code policy} says while the component is DOWN. {@code name} is
     * the {@code action} label of {@code englog_health_recovery_attempts_total}.
     */
    public Builder recovery(String name, RecoveryAction action, RecoveryPolicy policy) {
      validName("recovery action name", name);
      for (Recovery r : recoveries) {
        if (r.name.equals(name)) {
          throw new IllegalArgumentException("recovery action " + name + " is already registered");
        }
      }
      recoveries.add(new Recovery(name, Objects.requireNonNull(action, "action"),
          Objects.requireNonNull(policy, "policy")));
      return this;
    }

    public ComponentOptions build() {
      return new ComponentOptions(this);
    }
  }
}
