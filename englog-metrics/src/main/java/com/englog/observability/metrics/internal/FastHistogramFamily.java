package com.englog.observability.metrics.internal;

import io.prometheus.metrics.config.ExemplarsProperties;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.exemplars.ExemplarSampler;
import io.prometheus.metrics.core.exemplars.ExemplarSamplerConfig;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.tracer.common.SpanContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Not public API.
 *
 * <p>The series of one histogram metric and its {@code _max} gauge, rendered for a scrape with the same
 * metadata Micrometer would give a {@code Timer} (help text, no unit), so the exposition is the one
 * operators know.
 *
 * <p>{@code commonLabels} are the registry's common tags (Micrometer applies them to its own meters
 * through a {@code MeterFilter}, which never sees these series): every series carries them after its
 * own labels, and a common label whose name is one of the family's own is left out, as Micrometer lets a
 * meter's own tag win.
 */
public final class FastHistogramFamily {

  private final String name;
  private final String help;
  private final List<String> labelNames;
  private final Labels commonLabels;
  private final double[] boundsSeconds;
  private final long[] boundsNanos;
  private final SpanContext spanContext;
  private final ExemplarSamplerConfig exemplarConfig;
  private final List<Double> bounds;
  private final Map<List<String>, FastHistogram> series = new ConcurrentHashMap<>();

  public FastHistogramFamily(String name, String help, List<String> labelNames, Labels commonLabels,
      List<Double> bounds, SpanContext spanContext) {
    this.name = name;
    this.help = help;
    this.labelNames = List.copyOf(labelNames);
    this.commonLabels = withoutOwn(commonLabels, labelNames);
    this.bounds = List.copyOf(bounds);
    this.boundsSeconds = new double[bounds.size() + 1];
    this.boundsNanos = new long[bounds.size()];
    for (int i = 0; i < bounds.size(); i++) {
      boundsSeconds[i] = bounds.get(i);
      boundsNanos[i] = Math.round(bounds.get(i) * 1e9);
    }
    boundsSeconds[bounds.size()] = Double.POSITIVE_INFINITY;
    this.spanContext = spanContext;
    this.exemplarConfig = spanContext == null ? null
        : new ExemplarSamplerConfig(exemplarProperties(), boundsSeconds);
  }

  private static ExemplarsProperties exemplarProperties() {
    try {
      return PrometheusProperties.get().getExemplarProperties();
    } catch (RuntimeException e) {
      return ExemplarsProperties.builder().build();
    }
  }

  List<String> labelNames() {
    return labelNames;
  }

  List<Double> bounds() {
    return bounds;
  }

  Labels commonLabels() {
    return commonLabels;
  }

  boolean hasShape(List<String> names, Labels common, List<Double> upperBounds) {
    return labelNames.equals(names) && bounds.equals(upperBounds)
        && withoutOwn(common, names).equals(commonLabels);
  }

  private static Labels withoutOwn(Labels common, List<String> own) {
    Labels kept = Labels.EMPTY;
    for (int i = 0; i < common.size(); i++) {
      if (!own.contains(common.getName(i))) {
        kept = kept.add(common.getName(i), common.getValue(i));
      }
    }
    return kept;
  }

  /** The series for {@code values} (one per label name), created on first use. */
  public FastHistogram series(List<String> values, long nowMillis) {
    return series.computeIfAbsent(List.copyOf(values), v -> new FastHistogram(boundsNanos,
        commonLabels.isEmpty() ? Labels.of(labelNames, v) : Labels.of(labelNames, v).merge(commonLabels),
        nowMillis,
        spanContext == null ? null : new ExemplarSampler(exemplarConfig, spanContext)));
  }

  /** The histogram and its {@code _max} gauge; nothing when the family has no series yet. */
  void collect(List<MetricSnapshot> out, long nowMillis, long maxWindowMillis) {
    if (series.isEmpty()) {
      return;
    }
    List<HistogramDataPointSnapshot> points = new ArrayList<>();
    List<GaugeDataPointSnapshot> maxima = new ArrayList<>();
    for (FastHistogram h : series.values()) {
      points.add(h.snapshot(boundsSeconds));
      maxima.add(h.max(nowMillis, maxWindowMillis));
    }
    out.add(new HistogramSnapshot(new MetricMetadata(name, help, null), points));
    out.add(new GaugeSnapshot(new MetricMetadata(name + "_max", help, null), maxima));
  }
}
