package com.englog.observability.health.internal;

import java.time.Duration;

/** Not public API. Short, bounded, printable reasons. */
public final class Reasons {

  public static final int MAX = 300;

  private Reasons() {}

  /** {@code s} without control characters, cut to {@link #MAX} characters. */
  public static String cut(String s) {
    if (s == null) {
      return "";
    }
    int n = Math.min(s.length(), MAX + 1);
    StringBuilder out = null;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        if (out == null) {
          out = new StringBuilder(n).append(s, 0, i);
        }
        out.append(' ');
      } else if (out != null) {
        out.append(c);
      }
    }
    String clean = out == null ? s : out.toString();
    if (clean.length() > MAX) {
      int end = MAX - 1;
      if (Character.isHighSurrogate(clean.charAt(end - 1))) {
        end--;
      }
      return clean.substring(0, end) + "…";
    }
    return clean;
  }

  /** "Type: message" of an exception, plus its root cause when that says something else. */
  public static String describe(Throwable error) {
    StringBuilder sb = new StringBuilder(one(error));
    Throwable root = error;
    int depth = 0;
    while (root.getCause() != null && root.getCause() != root && depth++ < 16) {
      root = root.getCause();
    }
    if (root != error) {
      sb.append(" (cause: ").append(one(root)).append(')');
    }
    return cut(sb.toString());
  }

  private static String one(Throwable t) {
    String message = t.getMessage();
    String type = t.getClass().getSimpleName().isEmpty() ? t.getClass().getName() : t.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  /** "250 ms", "2 s", "1.5 s", "3 min". */
  public static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return ms % 60_000 == 0 ? ms / 60_000 + " min" : ms / 1000 + " s";
  }
}
