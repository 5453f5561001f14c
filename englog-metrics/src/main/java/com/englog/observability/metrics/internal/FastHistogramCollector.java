package com.englog.observability.metrics.internal;

import io.micrometer.core.instrument.Clock;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Not public API.
 *
 * <p>Exposes every {@link FastHistogramFamily} through the {@code PrometheusRegistry} behind a
 * {@code PrometheusMeterRegistry}, so they appear in the same scrape as the Micrometer meters.
 */
public final class FastHistogramCollector implements MultiCollector {

  /** Length of one window of the {@code _max} gauges: they report the last one to two minutes. */
  public static final long MAX_WINDOW_MILLIS = 60_000;

  private final Clock clock;
  private final List<FastHistogramFamily> families = new CopyOnWriteArrayList<>();

  public FastHistogramCollector(Clock clock) {
    this.clock = clock;
  }

  public void add(FastHistogramFamily family) {
    families.add(family);
  }

  public long now() {
    return clock.wallTime();
  }

  @Override
  public MetricSnapshots collect() {
    long now = clock.wallTime();
    List<MetricSnapshot> out = new ArrayList<>();
    for (FastHistogramFamily f : families) {
      f.collect(out, now, MAX_WINDOW_MILLIS);
    }
    return new MetricSnapshots(out);
  }
}
