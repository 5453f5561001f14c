package com.englog.observability.metrics.internal;

import io.micrometer.core.instrument.Clock;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.tracer.common.SpanContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Not public API.
 *
 * <p>Exposes every {@link FastHistogramFamily} through the {@code PrometheusRegistry} behind a
 * {@code PrometheusMeterRegistry}, so they appear in the same scrape as the Micrometer meters.
 *
 * <p>There is one collector per registry, and one family per name in it, so several
 * {@code EnglogMetrics} on the same registry share their histograms the way Micrometer shares a meter
 * registered twice — two collectors would expose the same name twice and break the scrape.
 */
public final class FastHistogramCollector implements MultiCollector {

  /** Length of one window of the {@code _max} gauges: they report the last one to two minutes. */
  public static final long MAX_WINDOW_MILLIS = 60_000;

  private static final Map<PrometheusRegistry, FastHistogramCollector> BY_REGISTRY = new WeakHashMap<>();

  private final Clock clock;
  private final Map<String, FastHistogramFamily> families = new ConcurrentHashMap<>();

  private FastHistogramCollector(Clock clock) {
    this.clock = clock;
  }

  /** The collector of {@code registry}, registered with it on first use. */
  public static synchronized FastHistogramCollector of(PrometheusRegistry registry, Clock clock) {
    FastHistogramCollector c = BY_REGISTRY.get(registry);
    if (c == null) {
      c = new FastHistogramCollector(clock);
      registry.register(c);
      BY_REGISTRY.put(registry, c);
    }
    return c;
  }

  /**
   * The family named {@code name}, created on first use.
   *
   * @throws IllegalArgumentException if the name exists with other labels or buckets
   */
  public FastHistogramFamily family(String name, String help, List<String> labelNames,
      Labels commonLabels, List<Double> bounds, SpanContext spanContext) {
    FastHistogramFamily f = families.computeIfAbsent(name,
        n -> new FastHistogramFamily(n, help, labelNames, commonLabels, bounds, spanContext));
    if (!f.hasShape(labelNames, commonLabels, bounds)) {
      throw new IllegalArgumentException("histogram " + name + " is already registered with labels "
          + f.labelNames() + ", common labels " + f.commonLabels() + " and buckets " + f.bounds()
          + "; cannot register it with " + labelNames + ", " + commonLabels + " and " + bounds);
    }
    return f;
  }

  /** Whether a histogram family (or its {@code _max} gauge) uses {@code name}. */
  public boolean has(String name) {
    return families.containsKey(name)
        || name.endsWith("_max") && families.containsKey(name.substring(0, name.length() - 4));
  }

  public long now() {
    return clock.wallTime();
  }

  @Override
  public MetricSnapshots collect() {
    long now = clock.wallTime();
    List<MetricSnapshot> out = new ArrayList<>();
    for (FastHistogramFamily f : families.values()) {
      f.collect(out, now, MAX_WINDOW_MILLIS);
    }
    return new MetricSnapshots(out);
  }
}
