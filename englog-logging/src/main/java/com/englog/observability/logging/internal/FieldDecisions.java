package com.englog.observability.logging.internal;

/**
 * Memo of {@link Redactor#redactsField} shared by the threads of one encoder: field names repeat (MDC
 * keys, key-value names are constants), so the decision is one array probe.
 */
final class FieldDecisions extends TwoWayCache<FieldDecisions.Entry> {

  static final class Entry extends TwoWayCache.Entry {
    final boolean redacts;

    Entry(String key, boolean redacts) {
      super(key);
      this.redacts = redacts;
    }
  }

  private final Redactor redactor;

  FieldDecisions(Redactor redactor) {
    super(512);
    this.redactor = redactor;
  }

  boolean redacts(String key) {
    if (!redactor.enabled()) {
      return false;
    }
    Entry e = get(key);
    if (e == null) {
      e = put(key.hashCode(), new Entry(key, redactor.redactsField(key)));
    }
    return e.redacts;
  }
}
