package com.englog.observability.metrics;

import com.englog.observability.metrics.internal.ExposedSeries;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A service's own counter, exposed as {@code <name>_total}, with the same guard as the built-in
 * metrics: label values count towards a series limit, past which they fold into {@code other}.
 *
 * <pre>{@code
 * CustomCounter exports = metrics.counter("englog_exports")
 *     .help("Journal exports, by format.")
 *     .labelNames("format")
 *     .declareLabelValues("format", "pdf", "markdown")   // start at 0
 *     .register();
 * exports.increment("pdf");
 *
 * // Function-backed: publish a count kept elsewhere, read at scrape time.
 * metrics.counter("englog_tracing_spans_dropped").help("Spans dropped by the exporter queue.")
 *     .registerFunction(tracing::droppedSpans);
 * }</pre>
 *
 * <p>Naming rules (checked when the builder is created): {@code [a-zA-Z_][a-zA-Z0-9_]*}, no reserved
 * suffix ({@code _total}, {@code _created}, {@code _bucket}, {@code _count}, {@code _sum},
 * {@code _info}), no abbreviated unit, not already registered. Recording never throws; label values
 * missing from a call count as {@code unknown}, extra ones are ignored.
 */
public final class CustomCounter {

  private final EnglogMetrics owner;
  private final String name;
  private final String exposedName;
  private final CustomSeries series;
  private final String help;

  private CustomCounter(EnglogMetrics owner, String name, CustomSeries series, String help) {
    this.owner = owner;
    this.name = name;
    this.exposedName = name + "_total";
    this.series = series;
    this.help = help;
  }

  /** Adds 1 to the counter of a metric without labels. */
  public void increment() {
    add(series.get(), 1);
  }

  /** Adds 1 to the series of one label value. */
  public void increment(String value) {
    add(series.get(value), 1);
  }

  /** Adds 1 to the series of two label values. */
  public void increment(String value1, String value2) {
    add(series.get(value1, value2), 1);
  }

  /** Adds 1 to the series of three label values. */
  public void increment(String value1, String value2, String value3) {
    add(series.get(value1, value2, value3), 1);
  }

  /** Adds {@code amount} (ignored unless positive and finite) to the series of {@code values}. */
  public void incrementBy(double amount, String... values) {
    if (amount > 0 && amount != Double.POSITIVE_INFINITY) {
      add(series.getAll(values), amount);
    }
  }

  private void add(Object meter, double amount) {
    try {
      if (meter instanceof Counter) {
        ((Counter) meter).increment(amount);
      } else if (meter != null) {
        owner.meters().dropped(exposedName, new IllegalStateException("series is function-backed"));
      }
    } catch (RuntimeException e) {
      owner.meters().dropped(exposedName, e);
    }
  }

  /**
   * Publishes a count kept elsewhere as the series of {@code labelValues} (values you did not declare
   * with {@code declareLabelValues}, which start as ordinary counters); {@code count} is read on the scrape
   * thread, must be cheap, must not throw (a throwing supplier reads as NaN) and should only grow.
   * Incrementing a bound series is dropped and counted.
   *
   * @throws IllegalArgumentException if that series exists already or the limit is reached
   */
  public void bind(LongSupplier count, String... labelValues) {
    Objects.requireNonNull(count, "count");
    DoubleSupplier value = count::getAsLong;
    // Micrometer's FunctionCounter holds its source only weakly (it has no strongReference option);
    // the series keeps it, so a method reference passed here is not collected.
    series.bind(labelValues, tags -> {
      FunctionCounter.builder(name, value, CustomSeries::read).description(help).tags(tags)
          .register(owner.registry());
      return value;
    });
  }

  /** The name as exposed, with {@code _total}. */
  public String name() {
    return exposedName;
  }

  /** Configures a {@link CustomCounter}; obtained from {@link EnglogMetrics#counter(String)}. */
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
     * Exposed series allowed for this counter (2 per combination of label values: _total and _created), claimed from the instance's series budget; default
     * {@link EnglogMetrics#DEFAULT_CARDINALITY_LIMIT} with labels, what one series costs without.
     */
    public Builder cardinalityLimit(int limit) {
      spec.limit(limit);
      return this;
    }

    /**
     * Registers the counter.
     *
     * @throws IllegalStateException if {@link #help} is missing
     * @throws IllegalArgumentException if the name is taken or declared values exceed the limit
     */
    public CustomCounter register() {
      CustomCounter counter = create();
      spec.preRegister(counter.series.family());
      return counter;
    }

    /**
     * Registers a counter without labels whose value is read from {@code count} at scrape time (see
     * {@link CustomCounter#bind}).
     *
     * @throws IllegalStateException if {@link #help} is missing or labels were named
     */
    public CustomCounter registerFunction(LongSupplier count) {
      Objects.requireNonNull(count, "count");
      spec.checkNoLabels("bind(count, labelValues...)");
      CustomCounter counter = create();
      counter.bind(count);
      return counter;
    }

    private CustomCounter create() {
      CustomSeries series = CustomSeries.register(owner, spec, spec.name + "_total",
          ExposedSeries.COUNTER, d -> values -> Counter.builder(d.name).description(d.help).tags(d.tags(values))
              .register(owner.registry()));
      return new CustomCounter(owner, spec.name, series, spec.help);
    }
  }
}
