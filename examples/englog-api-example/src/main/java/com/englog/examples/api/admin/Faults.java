package com.englog.examples.api.admin;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The "error burst" fault: while its error rate is above 0, journal endpoints answer 500 with that
 * probability, so the error-rate alerts and the SLO burn-rate rules can be seen firing.
 */
public final class Faults {

  private volatile double errorRate;

  /** The share of journal requests answered 500, 0.0 to 1.0. */
  public double errorRate() {
    return errorRate;
  }

  /** Sets the share of journal requests answered 500. */
  public void errorRate(double rate) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException("errorRate must be in [0.0, 1.0], was " + rate);
    }
    errorRate = rate;
  }

  /** Whether this request draws the injected failure. */
  public boolean shouldFail() {
    double rate = errorRate;
    return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
  }
}
