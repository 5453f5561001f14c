package com.englog.observability.metrics.internal;

/**
 * Not public API.
 *
 * <p>The exposed series one {@code EnglogMetrics} may have, handed out to its metrics when they are
 * registered. Every guarded metric claims its whole cardinality limit up front, so the limits add up to
 * at most the budget and a metric that fills up never takes room another one was given.
 */
public final class SeriesBudget {

  private final int total;
  private int claimed;

  public SeriesBudget(int total) {
    this.total = total;
  }

  /**
   * Claims {@code series} for {@code what}.
   *
   * @throws IllegalArgumentException if fewer are left
   */
  public synchronized void claim(String what, int series) {
    if (series > total - claimed) {
      throw new IllegalArgumentException(what + " needs " + series + " exposed series but only "
          + (total - claimed) + " of the series budget of " + total + " are left; raise seriesBudget(n) "
          + "(englog.metrics.series-budget) or lower cardinalityLimit(...)");
    }
    claimed += series;
  }

  /** Gives back a claim whose registration failed. */
  public synchronized void release(int series) {
    claimed -= series;
  }

  public int total() {
    return total;
  }

  /** Series not yet claimed. */
  public synchronized int remaining() {
    return total - claimed;
  }
}
