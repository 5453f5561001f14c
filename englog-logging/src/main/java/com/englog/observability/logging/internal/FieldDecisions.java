package com.englog.observability.logging.internal;

/**
 * Memo of {@link Redactor#redactsField} shared by the threads of one encoder: field names repeat (MDC
 * keys, key-value names are constants), so the decision is one array probe. It decides on a name as
 * logged, before it is cut to {@link EncoderSettings#MAX_KEY_LENGTH} (the cut drops the end the deny
 * list matches); names longer than that are decided at each use and not kept, so the memo's memory
 * stays bounded whatever callers put in the MDC.
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

  /** Whether the value of the field named {@code key} (as logged; {@code null} is the name "null") is redacted. */
  boolean redacts(String key) {
    if (!redactor.enabled()) {
      return false;
    }
    if (key == null) {
      key = "null";
    } else if (key.length() > EncoderSettings.MAX_KEY_LENGTH) {
      return redactor.redactsField(key);
    }
    Entry e = get(key);
    if (e == null) {
      e = put(key.hashCode(), new Entry(key, redactor.redactsField(key)));
    }
    return e.redacts;
  }
}
