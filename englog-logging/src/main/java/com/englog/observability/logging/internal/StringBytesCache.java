package com.englog.observability.logging.internal;

import java.util.Arrays;

/**
 * Encoded bytes of recently written strings. Logger names live in their loggers, thread names in their
 * threads, MDC keys and marker names are constants: the same strings come back event after event
 * (usually the same instances, whose hash the JVM caches), and copying their cached bytes beats
 * escaping (and scanning) them char by char again.
 */
final class StringBytesCache extends TwoWayCache<StringBytesCache.Entry> {

  /** Longer strings are written but not kept. */
  static final int MAX_CHARS = 200;

  /** A string and its encoding, with the redactions the encoding carries (counted at every use). */
  static final class Entry extends TwoWayCache.Entry {
    final byte[] bytes;
    final int credentials;
    final int pii;

    Entry(String key, byte[] bytes, int credentials, int pii) {
      super(key);
      this.bytes = bytes;
      this.credentials = credentials;
      this.pii = pii;
    }

    void countInto(int[] counts) {
      counts[Redactor.CREDENTIAL] += credentials;
      counts[Redactor.PII] += pii;
    }
  }

  StringBytesCache() {
    super(2048);
  }

  Entry put(String s, byte[] bytes, int credentials, int pii) {
    return put(s.hashCode(), new Entry(s, bytes, credentials, pii));
  }

  /** Writes {@code s} escaped as JSON string content (no quotes, no redaction): a field name. */
  void write(Utf8Output out, String s) {
    Entry e = get(s);
    if (e != null) {
      out.write(e.bytes);
      return;
    }
    int start = out.position();
    out.writeEscaped(s, 0, s.length());
    if (s.length() <= MAX_CHARS) {
      put(s, Arrays.copyOfRange(out.buffer(), start, out.position()), 0, 0);
    }
  }
}
