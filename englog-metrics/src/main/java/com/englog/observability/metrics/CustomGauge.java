package com.englog.observability.metrics;

import com.englog.observability.metrics.internal.ExposedSeries;
import io.micrometer.core.instrument.Gauge;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * A service's own gauge, guarded like the built-in metrics. A series either holds the last value
 * {@link #set} into it, or reads a supplier at scrape time ({@link #bind}). Series appear with their
 * first {@code set} or {@code bind}: a gauge that was never set is absent rather than a false 0 —
 * except the label values the builder declares ({@link Builder#declareLabelValues}), which start at 0
 * from the first scrape, as the built-in {@code englog_users_active} does for declared windows.
 *
 * <pre>{@code
 * CustomGauge queue = metrics.gauge("englog_worker_queue_depth")
 *     .help("Jobs waiting, by queue.")
 *     .labelNames("queue")
 *     .declareLabelValues("queue", "summaries")   // exposed at 0 until set
 *     .register();
 * queue.bind(emailQueue::size, "email");
 * queue.set(3, "summaries");
 * }</pre>
 */
public final class CustomGauge {

  private final EnglogMetrics owner;
  private final String name;
  private final String help;
  private final CustomSeries series;

  private CustomGauge(EnglogMetrics owner, String name, String help, CustomSeries series) {
    this.owner = owner;
    this.name = name;
    this.help = help;
    this.series = series;
  }

  /** Sets the value of the gauge without labels. */
  public void set(double value) {
    set(series.get(), value);
  }

  /** Sets the value for one label value. */
  public void set(double value, String labelValue) {
    set(series.get(labelValue), value);
  }

  /** Sets the value for two label values. */
  public void set(double value, String labelValue1, String labelValue2) {
    set(series.get(labelValue1, labelValue2), value);
  }

  /** Sets the value for any number of label values. */
  public void setAll(double value, String... labelValues) {
    set(series.getAll(labelValues), value);
  }

  private void set(Object cell, double value) {
    if (cell instanceof AtomicLong) {
      ((AtomicLong) cell).set(Double.doubleToRawLongBits(value));
    } else if (cell != null) {
      owner.meters().dropped(name, new IllegalStateException("series is function-backed"));
    }
  }

  /**
   * Reads the series of {@code labelValues} from {@code value} at scrape time (values you did not
   * declare with {@code declareLabelValues}, which start as set gauges at 0); it runs on the scrape
   * thread, must be cheap and must not throw (a throwing supplier reads as NaN).
   *
   * @throws IllegalArgumentException if that series exists already or the limit is reached
   */
  public void bind(DoubleSupplier value, String... labelValues) {
    Objects.requireNonNull(value, "value");
    series.bind(labelValues, tags -> {
      Gauge.builder(name, value, CustomSeries::read).description(help).tags(tags).strongReference(true)
          .register(owner.registry());
      return value;
    });
  }

  /** The name as exposed. */
  public String name() {
    return name;
  }

  /** Configures a {@link CustomGauge}; obtained from {@link EnglogMetrics#gauge(String)}. */
  public static final class Builder {
    private final EnglogMetrics owner;
    private final CustomSeries.Spec spec;

    Builder(EnglogMetrics owner, String name) {
      this.owner = owner;
      this.spec = new CustomSeries.Spec(name);
    }

    /** Help text (required). */
    public Builder help(String help) {
      spec.help(help);
      return this;
    }

    /** Label names, in the order {@code set} takes their values. */
    public Builder labelNames(String... names) {
      spec.labelNames(names);
      return this;
    }

    /**
     * Values of a label known in advance; when every label has some, their series start at 0 (a set
     * gauge: {@code set} changes them, {@code bind} cannot take them). Calling it again for the same
     * label adds values.
     */
    public Builder declareLabelValues(String label, String... values) {
      spec.declare(label, values);
      return this;
    }

    /**
     * Exposed series allowed for this gauge (1 per combination of label values), claimed from the instance's series budget; default
     * {@link EnglogMetrics#DEFAULT_CARDINALITY_LIMIT} with labels, what one series costs without.
     */
    public Builder cardinalityLimit(int limit) {
      spec.limit(limit);
      return this;
    }

    /**
     * Registers the gauge.
     *
     * @throws IllegalStateException if {@link #help} is missing
     * @throws IllegalArgumentException if the name is taken or declared values exceed the limit
     */
    public CustomGauge register() {
      // Declared series start at 0; any other series is created by its first set(...), which
      // overwrites the NaN it starts with.
      AtomicBoolean declaring = new AtomicBoolean();
      CustomSeries series = CustomSeries.register(owner, spec, spec.name, ExposedSeries.GAUGE,
          d -> values -> {
        AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(declaring.get() ? 0.0 : Double.NaN));
        Gauge.builder(d.name, bits, b -> Double.longBitsToDouble(b.get())).description(d.help)
            .tags(d.tags(values)).strongReference(true).register(owner.registry());
        return bits;
      });
      if (!spec.labelNames.isEmpty()) {
        declaring.set(true);
        try {
          spec.preRegister(series.family());
        } finally {
          declaring.set(false);
        }
      }
      return new CustomGauge(owner, spec.name, spec.help, series);
    }

    /**
     * Registers a gauge without labels that reads {@code value} at scrape time.
     *
     * @throws IllegalStateException if {@link #help} is missing or labels were named
     */
    public CustomGauge registerFunction(DoubleSupplier value) {
      Objects.requireNonNull(value, "value");
      spec.checkNoLabels("bind(value, labelValues...)");
      CustomGauge gauge = register();
      gauge.bind(value);
      return gauge;
    }
  }
}
