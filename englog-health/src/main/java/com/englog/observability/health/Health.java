package com.englog.observability.health;

import com.englog.observability.health.internal.Reasons;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link HealthIndicator} found: a status, a short reason and a few details.
 *
 * <pre>{@code
 * return Health.up().detail("version", "15.8").build();
 * return Health.down("replica lag 42 s").detail("lag_seconds", 42).build();
 * return Health.down(exception).detail("url", safeUrl).build();
 * return Health.builder(statusFromSomewhere).reason(why).build();
 * }</pre>
 *
 * <p>Every factory returns a {@link Builder}: {@link #up()}, {@link #degraded(String)}, {@link
 * #down(String)}, {@link #down(Throwable)} and {@link #unknown(String)} for a status known when the
 * code is written, {@link #builder(Status)} for one chosen at run time. {@code Health.up().build()}
 * without a reason or details returns a shared instance.
 *
 * <p>Detail keys are {@code snake_case}, with the unit as a suffix ({@code latency_ms}, {@code
 * free_bytes}), like the keys of the built-in indicators and of the health JSON around them.
 *
 * <p>Reasons are cut to {@value #MAX_REASON_LENGTH} characters and details to {@value #MAX_DETAILS}
 * entries whose values are strings (cut like reasons), numbers or booleans, so a hostile or huge value
 * from a dependency cannot blow up the health response. Details and reasons are shown only to
 * authorised callers of the health endpoint, but they are also logged: never put secrets in them.
 */
public final class Health {

  /** Longest reason kept; longer ones end with an ellipsis. */
  public static final int MAX_REASON_LENGTH = 300;
  /** Most details kept per result; later ones are dropped. */
  public static final int MAX_DETAILS = 32;

  private static final Health UP = new Health(Status.UP, "", Map.of());

  private final Status status;
  private final String reason;
  private final Map<String, Object> details;

  private Health(Status status, String reason, Map<String, Object> details) {
    this.status = status;
    this.reason = reason;
    this.details = details;
  }

  /** A builder for an UP result. */
  public static Builder up() {
    return new Builder(Status.UP, "");
  }

  /** A builder for a DEGRADED result with a reason. */
  public static Builder degraded(String reason) {
    return new Builder(Status.DEGRADED, Objects.requireNonNull(reason, "reason"));
  }

  /** A builder for a DOWN result with a reason. */
  public static Builder down(String reason) {
    return new Builder(Status.DOWN, Objects.requireNonNull(reason, "reason"));
  }

  /** A builder for an UNKNOWN result with a reason. */
  public static Builder unknown(String reason) {
    return new Builder(Status.UNKNOWN, Objects.requireNonNull(reason, "reason"));
  }

  /** A builder for a DOWN result whose reason names the exception and its root cause. */
  public static Builder down(Throwable error) {
    Objects.requireNonNull(error, "error");
    return new Builder(Status.DOWN, Reasons.describe(error));
  }

  /** A builder for a status chosen at run time, without a reason until {@link Builder#reason(String)}. */
  public static Builder builder(Status status) {
    return new Builder(Objects.requireNonNull(status, "status"), "");
  }

  public Status status() {
    return status;
  }

  /** A short human-readable reason; empty when there is nothing to say. */
  public String reason() {
    return reason;
  }

  /** Details in insertion order; values are {@link String}, {@link Number} or {@link Boolean}. */
  public Map<String, Object> details() {
    return details;
  }

  @Override
  public String toString() {
    return status + (reason.isEmpty() ? "" : " (" + reason + ")") + (details.isEmpty() ? "" : " " + details);
  }

  /** Builds a {@link Health}. Not thread-safe. */
  public static final class Builder {
    private final Status status;
    private String reason;
    private Map<String, Object> details;

    private Builder(Status status, String reason) {
      this.status = status;
      this.reason = Reasons.cut(reason);
    }

    /** Replaces the reason (also for UP, e.g. "0.42 s below 2 s"). */
    public Builder reason(String reason) {
      this.reason = Reasons.cut(Objects.requireNonNull(reason, "reason"));
      return this;
    }

    /**
     * Adds a detail under a {@code snake_case} key. Numbers and booleans are kept as they are (a
     * mutable or custom number as its value now), anything else as its (cut) string form; a null
     * value is written as the string {@code "null"}. Details beyond {@value #MAX_DETAILS} are ignored.
     */
    public Builder detail(String key, @Nullable Object value) {
      Objects.requireNonNull(key, "key");
      if (details == null) {
        details = new LinkedHashMap<>();
      }
      if (details.size() < MAX_DETAILS || details.containsKey(key)) {
        Object kept = value instanceof Number ? number((Number) value)
            : value instanceof Boolean ? value : Reasons.cut(String.valueOf(value));
        details.put(Reasons.cut(key), kept);
      }
      return this;
    }

    /**
     * The JDK's immutable numbers as they are; any other {@link Number} (an {@code AtomicLong}, a
     * custom type whose {@code toString} may be anything) as its value now, a long or a double, so
     * the result cannot change later or break the JSON it is written into.
     */
    private static Number number(Number n) {
      if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
          || n instanceof Double || n instanceof Float || n instanceof java.math.BigInteger
          || n instanceof java.math.BigDecimal) {
        return n;
      }
      double d = n.doubleValue();
      long l = n.longValue();
      return d == l ? (Number) l : (Number) d;
    }

    /** The result; {@code Health.up().build()} without reason or details is a shared instance. */
    public Health build() {
      if (details == null && status == Status.UP && reason.isEmpty()) {
        return UP;
      }
      return new Health(status, reason,
          details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details)));
    }
  }
}
