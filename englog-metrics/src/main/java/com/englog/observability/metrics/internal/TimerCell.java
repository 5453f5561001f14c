package com.englog.observability.metrics.internal;

import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Not public API. A histogram series kept by a Micrometer {@link Timer} (registries other than Prometheus). */
public final class TimerCell extends HistogramCell {

  private final Timer timer;

  public TimerCell(Timer timer) {
    this.timer = timer;
  }

  @Override
  public void record(long nanos) {
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }
}
