package com.englog.observability.metrics.internal;

/**
 * Not public API.
 *
 * <p>One series of a histogram: what recording a duration costs. {@link FastHistogram} on a
 * {@code PrometheusMeterRegistry}; {@link TimerCell} (a Micrometer {@code Timer}) on any other registry.
 */
public abstract class HistogramCell {

  /** Records a non-negative duration in nanoseconds. Never throws. */
  public abstract void record(long nanos);
}
