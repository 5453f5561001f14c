package com.englog.observability.health;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how often a {@link RecoveryAction} runs: after {@link #afterFailures()} consecutive DOWN
 * results, then again after an exponential backoff while the component stays DOWN, never more than
 * {@link #maxAttemptsPerHour()} times in an hour, each attempt limited to {@link #timeout()}. The
 * backoff starts over once the component is no longer DOWN.
 */
public final class RecoveryPolicy {

  public static final int DEFAULT_AFTER_FAILURES = 3;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(10);
  public static final int DEFAULT_MAX_ATTEMPTS_PER_HOUR = 6;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final RecoveryPolicy DEFAULTS = builder().build();

  private final int afterFailures;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int maxAttemptsPerHour;
  private final Duration timeout;

  private RecoveryPolicy(Builder b) {
    this.afterFailures = b.afterFailures;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxAttemptsPerHour = b.maxAttemptsPerHour;
    this.timeout = b.timeout;
  }

  /** The default policy: after 3 failures, backoff 30 s doubling up to 10 min, 6 per hour, 30 s timeout. */
  public static RecoveryPolicy of() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int afterFailures() {
    return afterFailures;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public int maxAttemptsPerHour() {
    return maxAttemptsPerHour;
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return "RecoveryPolicy{afterFailures=" + afterFailures + ", backoff=" + initialBackoff + ".."
        + maxBackoff + ", maxAttemptsPerHour=" + maxAttemptsPerHour + ", timeout=" + timeout + "}";
  }

  /** Builds a {@link RecoveryPolicy}. */
  public static final class Builder {
    private int afterFailures = DEFAULT_AFTER_FAILURES;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private int maxAttemptsPerHour = DEFAULT_MAX_ATTEMPTS_PER_HOUR;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /** Consecutive DOWN results before the first attempt; 1 to 1000. */
    public Builder afterFailures(int failures) {
      if (failures < 1 || failures > 1000) {
        throw new IllegalArgumentException("afterFailures must be between 1 and 1000, was " + failures);
      }
      this.afterFailures = failures;
      return this;
    }

    /** Wait after the first attempt, doubled after each later one up to {@code max}; both positive. */
    public Builder backoff(Duration initial, Duration max) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero()) {
        throw new IllegalArgumentException("initial backoff must be positive, was " + initial);
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max backoff must be at least the initial backoff " + initial
            + ", was " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** At most this many attempts in any hour; 1 to 3600. */
    public Builder maxAttemptsPerHour(int attempts) {
      if (attempts < 1 || attempts > 3600) {
        throw new IllegalArgumentException("maxAttemptsPerHour must be between 1 and 3600, was " + attempts);
      }
      this.maxAttemptsPerHour = attempts;
      return this;
    }

    /** How long one attempt may run before it counts as timed out; positive. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public RecoveryPolicy build() {
      return new RecoveryPolicy(this);
    }
  }
}
