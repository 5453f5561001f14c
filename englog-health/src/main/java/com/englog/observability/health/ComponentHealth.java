package com.englog.observability.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The state of one component as a report shows it: the last result of its indicator, how long that
 * check took and how old the result is.
 */
public final class ComponentHealth {

  private final String name;
  private final Status status;
  private final boolean critical;
  private final String reason;
  private final Map<String, Object> details;
  private final Duration duration;
  private final Instant checkedAt;
  private final Duration age;

  /**
   * @param checkedAt null when the component was never checked
   * @param age null when the component was never checked
   */
  public ComponentHealth(String name, Status status, boolean critical, String reason,
      Map<String, Object> details, Duration duration, @Nullable Instant checkedAt, @Nullable Duration age) {
    this.name = Objects.requireNonNull(name, "name");
    this.status = Objects.requireNonNull(status, "status");
    this.critical = critical;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.details = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(details, "details")));
    this.duration = Objects.requireNonNull(duration, "duration");
    this.checkedAt = checkedAt;
    this.age = age;
  }

  public String name() {
    return name;
  }

  public Status status() {
    return status;
  }

  /** False for a component whose failure only degrades the service. */
  public boolean critical() {
    return critical;
  }

  /** Why the status is what it is (empty when UP and nothing to say). */
  public String reason() {
    return reason;
  }

  /** Details of the result, in the order the indicator added them. */
  public Map<String, Object> details() {
    return details;
  }

  /** How long the check that produced this result ran (the deadline for a timed-out check). */
  public Duration duration() {
    return duration;
  }

  /** When the result was produced; null if the component was never checked. */
  public @Nullable Instant checkedAt() {
    return checkedAt;
  }

  /** How old the result was when the report was made; null if the component was never checked. */
  public @Nullable Duration age() {
    return age;
  }

  @Override
  public String toString() {
    return name + "=" + status + (reason.isEmpty() ? "" : " (" + reason + ")");
  }
}
