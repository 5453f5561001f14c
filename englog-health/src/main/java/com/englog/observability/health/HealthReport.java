package com.englog.observability.health;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The status of a group and of each of its components, as one call to the registry saw them. */
public final class HealthReport {

  private final String group;
  private final Status status;
  private final List<ComponentHealth> components;
  private final Instant generatedAt;

  public HealthReport(String group, Status status, List<ComponentHealth> components, Instant generatedAt) {
    this.group = Objects.requireNonNull(group, "group");
    this.status = Objects.requireNonNull(status, "status");
    this.components = List.copyOf(Objects.requireNonNull(components, "components"));
    this.generatedAt = Objects.requireNonNull(generatedAt, "generatedAt");
  }

  /** The group's name ({@link HealthRegistry#ALL} for every component). */
  public String group() {
    return group;
  }

  /** The aggregated status (see {@link Status}). */
  public Status status() {
    return status;
  }

  /** The group's components, in registration order. */
  public List<ComponentHealth> components() {
    return components;
  }

  /** The component called {@code name}, if it belongs to the group. */
  public Optional<ComponentHealth> component(String name) {
    for (ComponentHealth c : components) {
      if (c.name().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  public Instant generatedAt() {
    return generatedAt;
  }

  @Override
  public String toString() {
    return group + "=" + status + " " + components;
  }
}
