package com.englog.observability.metrics;

import com.englog.observability.metrics.internal.ExposedSeries;
import com.englog.observability.metrics.internal.HistogramCell;
import com.englog.observability.metrics.internal.SeriesFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A service's own timer: a histogram in seconds with the buckets you choose, guarded like the built-in
 * metrics. Its name must end in {@code _seconds}; a {@code <name>_max} gauge (largest value of the last
 * one to two minutes) comes with it.
 *
 * <pre>{@code
 * CustomTimer render = metrics.timer("englog_export_render_seconds")
 *     .help("Time to render an export, by format.")
 *     .labelNames("format")
 *     .buckets(0.1, 0.5, 1, 5, 30)
 *     .register();
 * render.record(Duration.ofMillis(420), "pdf");
 * }</pre>
 */
public final class CustomTimer {

  private final EnglogMetrics owner;
  private final String name;
  private final CustomSeries series;

  private CustomTimer(EnglogMetrics owner, String name, CustomSeries series) {
    this.owner = owner;
    this.name = name;
    this.series = series;
  }

  /** Records a duration of the metric without labels (null or negative counts as 0). */
  public void record(@Nullable Duration duration) {
    record(series.get(), duration);
  }

  /** Records a duration for one label value. */
  public void record(Duration duration, String value) {
    record(series.get(value), duration);
  }

  /** Records a duration for two label values. */
  public void record(Duration duration, String value1, String value2) {
    record(series.get(value1, value2), duration);
  }

  /** Records a duration for three label values. */
  public void record(Duration duration, String value1, String value2, String value3) {
    record(series.get(value1, value2, value3), duration);
  }

  /** Records a duration for any number of label values. */
  public void recordAll(Duration duration, String... values) {
    record(series.getAll(values), duration);
  }

  private void record(Object cell, Duration duration) {
    try {
      if (cell instanceof HistogramCell) {
        ((HistogramCell) cell).record(EnglogMetrics.nanos(duration));
      }
    } catch (RuntimeException e) {
      owner.meters().dropped(name, e);
    }
  }

  /** The name as exposed. */
  public String name() {
    return name;
  }

  /** Configures a {@link CustomTimer}; obtained from {@link EnglogMetrics#timer(String)}. */
  public static final class Builder {
    private final EnglogMetrics owner;
    private final CustomSeries.Spec spec;
    private List<Double> buckets = EnglogMetrics.HTTP_DURATION_BUCKETS;

    Builder(EnglogMetrics owner, String name) {
      this.owner = owner;
      this.spec = new CustomSeries.Spec(name);
    }

    /** Help text (required). */
    public Builder help(String help) {
      spec.help(help);
      return this;
    }

    /** Label names, in the order recording methods take their values. */
    public Builder labelNames(String... names) {
      spec.labelNames(names);
      return this;
    }

    /**
     * Values of a label known in advance; when every label has some, their series start at 0. Calling
     * it again for the same label adds values.
     */
    public Builder declareLabelValues(String label, String... values) {
      spec.declare(label, values);
      return this;
    }

    /**
     * Exposed series allowed for this timer (per combination of label values: the buckets, +Inf, _count, _sum, _created and _max), claimed from the instance's series budget; default
     * {@link EnglogMetrics#DEFAULT_CARDINALITY_LIMIT} with labels, what one series costs without.
     */
    public Builder cardinalityLimit(int limit) {
      spec.limit(limit);
      return this;
    }

    /**
     * Bucket upper bounds in seconds (default: {@link EnglogMetrics#HTTP_DURATION_BUCKETS}).
     *
     * @throws IllegalArgumentException unless 1 to 50 finite, positive, strictly increasing bounds
     */
    public Builder buckets(double... seconds) {
      Objects.requireNonNull(seconds, "buckets");
      if (seconds.length == 0 || seconds.length > 50) {
        throw new IllegalArgumentException("buckets of " + spec.name + " must have 1 to 50 bounds, had "
            + seconds.length);
      }
      List<Double> list = new ArrayList<>();
      double previous = 0;
      for (double b : seconds) {
        if (!(b > previous) || Double.isInfinite(b) || b < 1e-9) {
          throw new IllegalArgumentException("buckets of " + spec.name + " must be finite, at least "
              + "1 ns and strictly increasing, got " + Arrays.toString(seconds));
        }
        list.add(b);
        previous = b;
      }
      this.buckets = List.copyOf(list);
      return this;
    }

    /**
     * Registers the timer.
     *
     * @throws IllegalStateException if {@link #help} is missing
     * @throws IllegalArgumentException if the name is taken or declared values exceed the limit
     */
    public CustomTimer register() {
      List<Double> bounds = buckets;
      CustomSeries series = CustomSeries.register(owner, spec, spec.name,
          ExposedSeries.histogram(bounds.size()), d -> {
        SeriesFamily.Factory<HistogramCell> cells = owner.meters().histogramCells(d.name, d.help, d.labels, bounds);
        return cells::create;
      });
      spec.preRegister(series.family());
      return new CustomTimer(owner, spec.name, series);
    }
  }
}
