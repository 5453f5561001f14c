package com.englog.observability.metrics.internal;

import io.prometheus.metrics.core.exemplars.ExemplarSampler;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Not public API.
 *
 * <p>A classic Prometheus histogram series in nanoseconds, exposed in seconds.
 *
 * <p>Why not Micrometer's {@code Timer}: recording into it reads the clock twice (for its rolling max
 * and its rolling histogram), updates three max slots and three counters, and costs several times a
 * counter increment. Prometheus needs only cumulative bucket counts and a sum, so a recording here is
 * one bucket search over at most a few dozen bounds, a {@link LongAdder} increment and a
 * {@link DoubleAdder} addition (contention spreads over cells instead of spinning on one CAS) and, for
 * the {@code _max} gauge, one volatile read
 * in the common case where the value is not a new maximum. No clock is read on the recording path: the
 * max window is rotated when a scrape reads it. Count is the sum of the buckets, so the {@code +Inf}
 * bucket and {@code _count} always agree.
 *
 * <p>The sum is kept in nanoseconds in a {@link DoubleAdder}, not a {@code LongAdder}: a long sum wraps
 * negative once the total passes about 292 years (a few clamped absurd durations are enough), and a
 * {@code _sum} that goes down reads as a counter reset to {@code rate()}. Adding non-negative doubles
 * never wraps and never decreases; the sum is exact to the nanosecond up to 2^53 ns (104 days of
 * recorded time per cell) and rounded to float64 precision beyond, which is what Prometheus stores.
 */
public final class FastHistogram extends HistogramCell {

  private final long[] boundsNanos;
  private final LongAdder[] buckets;
  private final DoubleAdder sumNanos = new DoubleAdder();
  private final Labels labels;
  private final long createdMillis;
  private final ExemplarSampler exemplars;
  private volatile AtomicLong currentMax = new AtomicLong();
  private volatile AtomicLong previousMax = new AtomicLong();
  private volatile long rotatedAtMillis;

  FastHistogram(long[] boundsNanos, Labels labels, long createdMillis, ExemplarSampler exemplars) {
    this.boundsNanos = boundsNanos;
    this.buckets = new LongAdder[boundsNanos.length + 1];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
    this.labels = labels;
    this.createdMillis = createdMillis;
    this.exemplars = exemplars;
    this.rotatedAtMillis = createdMillis;
  }

  @Override
  public void record(long nanos) {
    long[] bounds = boundsNanos;
    int i = 0;
    while (i < bounds.length && nanos > bounds[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(nanos);
    AtomicLong max = currentMax;
    long m;
    while (nanos > (m = max.get()) && !max.compareAndSet(m, nanos)) {
      // another thread raised the max meanwhile; retry against the new value
    }
    if (exemplars != null) {
      exemplars.observe(nanos / 1e9);
    }
  }

  HistogramDataPointSnapshot snapshot(double[] boundsSeconds) {
    long[] counts = new long[buckets.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = buckets[i].sum();
    }
    return new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(boundsSeconds, counts),
        sumNanos.sum() / 1e9, labels, exemplars != null ? exemplars.collect() : Exemplars.EMPTY,
        createdMillis);
  }

  /**
   * The largest value of the current and the previous window, in seconds; starts a new window when the
   * current one is older than {@code windowMillis}. Windows rotate only when read, so recording never
   * reads the clock.
   */
  GaugeDataPointSnapshot max(long nowMillis, long windowMillis) {
    double value = Math.max(currentMax.get(), previousMax.get()) / 1e9;
    if (nowMillis - rotatedAtMillis >= windowMillis) {
      synchronized (this) {
        if (nowMillis - rotatedAtMillis >= windowMillis) {
          previousMax = currentMax;
          currentMax = new AtomicLong();
          rotatedAtMillis = nowMillis;
        }
      }
    }
    return new GaugeDataPointSnapshot(value, labels, null);
  }
}
