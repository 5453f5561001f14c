package com.englog.observability.logging.internal;

/**
 * Memo of {@link Redactor#redactsField} shared by the threads of one encoder: field names repeat (MDC
 * keys, key-value names are constants), so the decision is one array probe. Direct-mapped, bounded,
 * lock-free with immutable entries (a racy read is at worst a miss).
 */
final class FieldDecisions {

  private static final int SIZE = 1024;

  private static final class Entry {
    final String key;
    final boolean redacts;

    Entry(String key, boolean redacts) {
      this.key = key;
      this.redacts = redacts;
    }
  }

  private final Redactor redactor;
  private final Entry[] entries = new Entry[SIZE];

  FieldDecisions(Redactor redactor) {
    this.redactor = redactor;
  }

  boolean redacts(String key) {
    if (!redactor.enabled()) {
      return false;
    }
    int h = key.hashCode();
    int i = (h ^ (h >>> 16)) & (SIZE - 1);
    Entry e = entries[i];
    if (e != null && (e.key == key || e.key.equals(key))) {
      return e.redacts;
    }
    boolean v = redactor.redactsField(key);
    entries[i] = new Entry(key, v);
    return v;
  }
}
