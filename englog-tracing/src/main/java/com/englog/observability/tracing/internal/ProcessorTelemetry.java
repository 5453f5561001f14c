package com.englog.observability.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.DoubleUpDownCounterBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableLongUpDownCounter;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The {@link MeterProvider} handed to the SDK's {@code BatchSpanProcessor} (with internal telemetry
 * version {@code LATEST}): it turns the processor's own semantic-convention metrics into our plain
 * counters, without a metrics SDK. {@code otel.sdk.processor.span.processed} with an
 * {@code error.type} ({@code queue_full}, {@code already_shutdown}) counts dropped spans;
 * {@code otel.sdk.processor.span.queue.size} gives the live queue size. Everything else the SDK may
 * ask for goes to a no-op meter.
 *
 * <p>Using the SDK's batch processor (a lock-free bounded queue, tuned and battle-tested) beats
 * writing our own, at the price of depending on the names of its instruments. If a later SDK renames
 * or stops asking for them, the counts would silently stay 0; instead {@link #verify()} (called by
 * the exporter once exports run) logs a WARNING and marks the stats uncounted, and {@code
 * ExportAccountingTest} and {@code TracingFaultsIT} fail on such an SDK before it ships.
 *
 * <p>Not public API.
 */
public final class ProcessorTelemetry implements MeterProvider {

  static final String PROCESSED = "otel.sdk.processor.span.processed";
  static final String QUEUE_SIZE = "otel.sdk.processor.span.queue.size";
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private static final System.Logger LOG = System.getLogger(ProcessorTelemetry.class.getName());

  private final ExportStats stats;
  private final Meter noopMeter = MeterProvider.noop().get("noop");
  private volatile boolean processedWired;
  private volatile boolean queueSizeWired;
  private final AtomicBoolean verified = new AtomicBoolean();

  public ProcessorTelemetry(ExportStats stats) {
    this.stats = stats;
  }

  /**
   * Checks, once, that the processor asked for both instruments; call it when the processor has
   * certainly ended and exported spans (the SDK builds them lazily on first use). When one is
   * missing, {@code droppedSpans()} / {@code queuedSpans()} cannot count: say so loudly.
   */
  public void verify() {
    if (!verified.compareAndSet(false, true)) {
      return;
    }
    StringBuilder missing = new StringBuilder();
    if (!processedWired) {
      missing.append(PROCESSED).append(" (droppedSpans)");
    }
    if (!queueSizeWired) {
      missing.append(missing.length() == 0 ? "" : ", ").append(QUEUE_SIZE).append(" (queuedSpans)");
    }
    if (missing.length() > 0) {
      stats.uncounted("the SDK's BatchSpanProcessor did not report " + missing);
      LOG.log(System.Logger.Level.WARNING, "EngLog tracing cannot count dropped or queued spans with this "
          + "OpenTelemetry SDK: its BatchSpanProcessor did not report " + missing + "; those getters stay 0."
          + " Use the OpenTelemetry SDK version englog-tracing was built with, or report this.");
    }
  }

  @Override
  public MeterBuilder meterBuilder(String instrumentationScopeName) {
    return new MeterBuilder() {
      @Override
      public MeterBuilder setSchemaUrl(String schemaUrl) {
        return this;
      }

      @Override
      public MeterBuilder setInstrumentationVersion(String instrumentationScopeVersion) {
        return this;
      }

      @Override
      public Meter build() {
        return meter;
      }
    };
  }

  private final Meter meter = new Meter() {
    @Override
    public LongCounterBuilder counterBuilder(String name) {
      LongCounterBuilder noop = noopMeter.counterBuilder(name);
      return PROCESSED.equals(name) ? new ProcessedCounterBuilder(noop) : noop;
    }

    @Override
    public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
      LongUpDownCounterBuilder noop = noopMeter.upDownCounterBuilder(name);
      return QUEUE_SIZE.equals(name) ? new QueueSizeBuilder(noop) : noop;
    }

    @Override
    public DoubleHistogramBuilder histogramBuilder(String name) {
      return noopMeter.histogramBuilder(name);
    }

    @Override
    public DoubleGaugeBuilder gaugeBuilder(String name) {
      return noopMeter.gaugeBuilder(name);
    }
  };

  private final class ProcessedCounterBuilder implements LongCounterBuilder {
    private final LongCounterBuilder noop;

    ProcessedCounterBuilder(LongCounterBuilder noop) {
      this.noop = noop;
    }

    @Override
    public LongCounterBuilder setDescription(String description) {
      return this;
    }

    @Override
    public LongCounterBuilder setUnit(String unit) {
      return this;
    }

    @Override
    public DoubleCounterBuilder ofDoubles() {
      return noop.ofDoubles();
    }

    @Override
    public LongCounter build() {
      processedWired = true;
      return new LongCounter() {
        @Override
        public void add(long value) {}

        @Override
        public void add(long value, Attributes attributes) {
          if (attributes.get(ERROR_TYPE) != null) {
            stats.droppedSpans.add(value);
          }
        }

        @Override
        public void add(long value, Attributes attributes, Context context) {
          add(value, attributes);
        }
      };
    }

    @Override
    public ObservableLongCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      return noop.buildWithCallback(callback);
    }
  }

  private final class QueueSizeBuilder implements LongUpDownCounterBuilder {
    private final LongUpDownCounterBuilder noop;

    QueueSizeBuilder(LongUpDownCounterBuilder noop) {
      this.noop = noop;
    }

    @Override
    public LongUpDownCounterBuilder setDescription(String description) {
      return this;
    }

    @Override
    public LongUpDownCounterBuilder setUnit(String unit) {
      return this;
    }

    @Override
    public DoubleUpDownCounterBuilder ofDoubles() {
      return noop.ofDoubles();
    }

    @Override
    public LongUpDownCounter build() {
      return noop.build();
    }

    @Override
    public ObservableLongUpDownCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      queueSizeWired = true;
      stats.queueSize(() -> {
        long[] holder = new long[1];
        callback.accept(new ObservableLongMeasurement() {
          @Override
          public void record(long value) {
            holder[0] = value;
          }

          @Override
          public void record(long value, Attributes attributes) {
            holder[0] = value;
          }
        });
        return holder[0];
      });
      return noop.buildWithCallback(callback);
    }
  }
}
