package com.englog.observability.health;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Heap pressure: the share of the heap still in use after the last garbage collection (live data,
 * not garbage waiting to be collected). DEGRADED above 90 % by default; DOWN only if configured,
 * since restarting or unrouting a pod for memory is a decision for its owner. Belongs in liveness at
 * most, never in readiness of several replicas at once.
 *
 * <pre>{@code
 * .add("heap", HeapHealthIndicator.builder().degradedAbove(0.85).build(), o -> o.groups(HealthRegistry.LIVENESS))
 * }</pre>
 */
public final class HeapHealthIndicator implements HealthIndicator {

  public static final double DEFAULT_DEGRADED_ABOVE = 0.9;

  private final double degradedAbove;
  private final double downAbove;
  private final Supplier<List<MemoryPoolMXBean>> pools;

  private HeapHealthIndicator(Builder b) {
    this.degradedAbove = b.degradedAbove;
    this.downAbove = b.downAbove;
    this.pools = b.pools;
  }

  /** DEGRADED above 90 % of the heap used after GC. */
  public static HeapHealthIndicator of() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Health check(HealthCheckContext context) {
    double worst = -1;
    String pool = null;
    long used = 0;
    long max = 0;
    for (MemoryPoolMXBean p : pools.get()) {
      if (p.getType() != MemoryType.HEAP || !p.isValid()) {
        continue;
      }
      MemoryUsage u = p.getCollectionUsage();
      if (u == null || u.getMax() <= 0) {
        continue;
      }
      double ratio = (double) u.getUsed() / u.getMax();
      if (ratio > worst) {
        worst = ratio;
        pool = p.getName();
        used = u.getUsed();
        max = u.getMax();
      }
    }
    if (pool == null) {
      MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      if (heap.getMax() <= 0) {
        return Health.unknown("heap has no maximum").build();
      }
      worst = (double) heap.getUsed() / heap.getMax();
      pool = "heap (no collection usage yet)";
      used = heap.getUsed();
      max = heap.getMax();
    }
    String percent = String.format(Locale.ROOT, "%.1f%%", worst * 100);
    Health.Builder health;
    if (worst > downAbove) {
      health = Health.down(pool + " " + percent + " used after GC");
    } else if (worst > degradedAbove) {
      health = Health.degraded(pool + " " + percent + " used after GC");
    } else {
      health = Health.up();
    }
    return health.detail("pool", pool).detail("used_bytes", used).detail("max_bytes", max)
        .detail("used_ratio", Math.round(worst * 1000) / 1000.0).build();
  }

  @Override
  public String toString() {
    return "HeapHealthIndicator{degradedAbove=" + degradedAbove + "}";
  }

  /** Builds a {@link HeapHealthIndicator}. */
  public static final class Builder {
    private double degradedAbove = DEFAULT_DEGRADED_ABOVE;
    private double downAbove = 1.0;
    private Supplier<List<MemoryPoolMXBean>> pools = ManagementFactory::getMemoryPoolMXBeans;

    private Builder() {}

    /** DEGRADED above this share of the heap used after GC; 0 to 1. */
    public Builder degradedAbove(double ratio) {
      this.degradedAbove = ratio("degradedAbove", ratio);
      return this;
    }

    /** DOWN above this share (default: never); 0 to 1. */
    public Builder downAbove(double ratio) {
      this.downAbove = ratio("downAbove", ratio);
      return this;
    }

    /** The memory pools to read (tests); default: the JVM's. */
    public Builder memoryPools(Supplier<List<MemoryPoolMXBean>> pools) {
      this.pools = Objects.requireNonNull(pools, "pools");
      return this;
    }

    private static double ratio(String what, double r) {
      if (!(r >= 0 && r <= 1)) {
        throw new IllegalArgumentException(what + " must be between 0 and 1, was " + r);
      }
      return r;
    }

    public HeapHealthIndicator build() {
      return new HeapHealthIndicator(this);
    }
  }
}
