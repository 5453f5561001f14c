package com.englog.observability.metrics.internal;

/**
 * Not public API.
 *
 * <p>What one combination of label values costs in exposed series — the sample lines of a scrape, each
 * of which Prometheus stores as a series — in the larger of the two formats, with created timestamps
 * on (client_java writes {@code _created} lines in OpenMetrics when {@code includeCreatedTimestamps} is
 * set). Cardinality limits count these, not combinations.
 */
public final class ExposedSeries {

  /** {@code _total} and {@code _created}. */
  public static final int COUNTER = 2;
  /** The value. */
  public static final int GAUGE = 1;
  /** The guard's own two counters (folded and dropped recordings) of each guarded metric. */
  public static final int SELF_MONITORING = 2 * COUNTER;

  private ExposedSeries() {}

  /**
   * A histogram with {@code bounds} finite bucket bounds: those buckets and {@code +Inf}, {@code _count},
   * {@code _sum}, {@code _created} and the {@code _max} gauge.
   */
  public static int histogram(int bounds) {
    return bounds + 5;
  }
}
