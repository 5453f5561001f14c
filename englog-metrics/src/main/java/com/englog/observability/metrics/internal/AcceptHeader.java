package com.englog.observability.metrics.internal;

import java.util.Locale;

/**
 * Not public API.
 *
 * <p>Content negotiation between OpenMetrics and Prometheus text: the media range with the highest
 * {@code q} wins, OpenMetrics on a tie; ranges with {@code q=0} are refused; anything unparsable is
 * ignored, so a broken header still gets Prometheus text.
 */
public final class AcceptHeader {

  private static final int MAX_LENGTH = 4096;

  private AcceptHeader() {}

  /** True when {@code accept} prefers OpenMetrics over Prometheus text. */
  public static boolean prefersOpenMetrics(String accept) {
    if (accept == null || accept.isEmpty() || accept.length() > MAX_LENGTH) {
      return false;
    }
    double openMetrics = -1;
    double text = -1;
    for (String range : accept.split(",", -1)) {
      String[] parts = range.split(";", -1);
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      boolean valid = true;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim().toLowerCase(Locale.ROOT);
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2).trim());
            valid = q >= 0 && q <= 1;
          } catch (NumberFormatException e) {
            valid = false;
          }
        }
      }
      if (!valid) {
        continue;
      }
      switch (type) {
        case "application/openmetrics-text":
        case "application/*":
          openMetrics = Math.max(openMetrics, q);
          break;
        case "text/plain":
        case "text/*":
        case "*/*":
          text = Math.max(text, q);
          break;
        default:
          break;
      }
    }
    return openMetrics > 0 && openMetrics >= text;
  }
}
