package com.englog.observability.logging.internal;

import java.util.Arrays;

/**
 * Encoded bytes of recently written strings, shared by all threads of one encoder. Class, method and
 * file names of stack frames are interned by the JVM, logger names live in their loggers, MDC keys are
 * constants: the same strings come back event after event (usually the same instances, whose hash the
 * JVM caches), and copying their cached bytes beats escaping them char by char again.
 *
 * <p>Two-way set-associative, bounded, lock-free: entries are immutable and published by a plain array
 * store (final fields make a racy read safe); a lost update or a stale read is only a cache miss.
 */
final class StringBytesCache {

  private static final int SETS = 2048;
  /** Longer strings are written but not kept. */
  static final int MAX_CHARS = 200;

  private static final class Entry {
    final String key;
    final byte[] bytes;

    Entry(String key, byte[] bytes) {
      this.key = key;
      this.bytes = bytes;
    }
  }

  private final Entry[] entries = new Entry[SETS * 2];
  /** Per set: which way to replace next; racy updates only change which entry is evicted. */
  private final byte[] victim = new byte[SETS];

  /** Writes {@code s} escaped (no quotes). */
  void write(Utf8Output out, String s) {
    int h = s.hashCode();
    int set = (h ^ (h >>> 16)) & (SETS - 1);
    int i = set << 1;
    Entry e = entries[i];
    if (e != null && (e.key == s || e.key.equals(s))) {
      out.write(e.bytes);
      return;
    }
    e = entries[i + 1];
    if (e != null && (e.key == s || e.key.equals(s))) {
      out.write(e.bytes);
      return;
    }
    int start = out.position();
    out.writeEscaped(s, 0, s.length());
    if (s.length() <= MAX_CHARS) {
      int way = victim[set];
      entries[i + way] = new Entry(s, Arrays.copyOfRange(out.buffer(), start, out.position()));
      victim[set] = (byte) (way ^ 1);
    }
  }
}
