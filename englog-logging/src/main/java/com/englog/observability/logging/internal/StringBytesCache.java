package com.englog.observability.logging.internal;

import java.util.Arrays;

/**
 * Encoded bytes of recently written strings. Class, method and file names of stack frames are interned
 * by the JVM, logger names live in their loggers, MDC keys are constants: the same strings come back
 * event after event (usually the same instances, whose hash the JVM caches), and copying their cached
 * bytes beats escaping them char by char again. Two-way set-associative (a stack trace's hundred-odd
 * names rarely evict each other) and per encoding state: no locking, bounded memory, a miss re-encodes.
 */
final class StringBytesCache {

  private static final int SETS = 1024;
  /** Longer strings are written but not kept. */
  static final int MAX_CHARS = 200;

  private final String[] keys = new String[SETS * 2];
  private final byte[][] values = new byte[SETS * 2][];
  /** Per set: which way to replace next (the one not hit last). */
  private final byte[] victim = new byte[SETS];

  /** Writes {@code s} escaped (no quotes). */
  void write(Utf8Output out, String s) {
    int h = s.hashCode();
    int set = (h ^ (h >>> 16)) & (SETS - 1);
    int i = set << 1;
    String k = keys[i];
    if (k == s || (k != null && k.equals(s))) {
      victim[set] = 1;
      out.write(values[i]);
      return;
    }
    k = keys[i + 1];
    if (k == s || (k != null && k.equals(s))) {
      victim[set] = 0;
      out.write(values[i + 1]);
      return;
    }
    int start = out.position();
    out.writeEscaped(s, 0, s.length());
    if (s.length() <= MAX_CHARS) {
      int w = i + victim[set];
      values[w] = Arrays.copyOfRange(out.buffer(), start, out.position());
      keys[w] = s;
      victim[set] ^= 1;
    }
  }
}
