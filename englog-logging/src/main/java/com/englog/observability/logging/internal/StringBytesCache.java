package com.englog.observability.logging.internal;

import java.util.Arrays;

/**
 * Encoded bytes of recently written strings. Class, method and file names of stack frames are interned
 * by the JVM, logger names live in their loggers, MDC keys are constants: the same strings come back
 * event after event (usually the same instances, whose hash the JVM caches), and copying their cached
 * bytes beats escaping them char by char again. Direct-mapped and per encoding state: no locking,
 * bounded memory, a miss just re-encodes.
 */
final class StringBytesCache {

  private static final int SIZE = 512;
  private static final int MASK = SIZE - 1;
  /** Longer strings are written but not kept. */
  static final int MAX_CHARS = 200;

  private final String[] keys = new String[SIZE];
  private final byte[][] values = new byte[SIZE][];

  /** Writes {@code s} escaped (no quotes). */
  void write(Utf8Output out, String s) {
    int h = s.hashCode();
    int i = (h ^ (h >>> 16)) & MASK;
    String k = keys[i];
    if (k == s || (k != null && k.equals(s))) {
      out.write(values[i]);
      return;
    }
    int start = out.position();
    out.writeEscaped(s, 0, s.length());
    if (s.length() <= MAX_CHARS) {
      values[i] = Arrays.copyOfRange(out.buffer(), start, out.position());
      keys[i] = s;
    }
  }
}
