package com.englog.observability.healthcheck.internal;

import java.math.BigDecimal;
import java.math.MathContext;

/** Not public API. Numbers as people read them in a report. */
final class Numbers {

  private Numbers() {}

  /** Four significant digits, no exponent for ordinary values: 0.4213, 1234, 99.95. */
  static String format(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return "0";
    }
    BigDecimal b = new BigDecimal(d).round(new MathContext(4)).stripTrailingZeros();
    return Math.abs(d) >= 1e-4 && Math.abs(d) < 1e12 ? b.toPlainString() : b.toString();
  }

  /** 0.99953 → "99.95%". */
  static String percent(double ratio) {
    return Double.isFinite(ratio) ? String.format(java.util.Locale.ROOT, "%.3f%%", ratio * 100) : format(ratio);
  }
}
