package com.englog.observability.health.internal;

import java.util.Locale;

/** Not public API. Minimal JSON writing for health responses. */
public final class Json {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /** Appends {@code s} as a JSON string literal. Lone surrogates become U+FFFD. */
  public static StringBuilder string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
          if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
            out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
          } else if (Character.isHighSurrogate(c)) {
            if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
              out.append(c).append(s.charAt(++i));
            } else {
              out.append('\ufffd');
            }
          } else if (Character.isLowSurrogate(c)) {
            out.append('\ufffd');
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"');
  }

  /** Appends a detail value: numbers and booleans bare (non-finite numbers as strings), else a string. */
  public static StringBuilder value(StringBuilder out, Object v) {
    if (v instanceof Boolean) {
      return out.append(v);
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? out.append(number(d)) : string(out, Double.toString(d));
    }
    if (v instanceof Number) {
      return out.append(v);
    }
    return string(out, String.valueOf(v));
  }

  /** A finite double without exponent noise for typical values. */
  public static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return String.format(Locale.ROOT, "%.3f", d).replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
