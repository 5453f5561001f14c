package com.englog.observability.logging.internal;

/**
 * Per-state memo of {@link Redactor#redactsField}: field names repeat (MDC keys, key-value names are
 * constants), so the decision is a cached lookup instead of a shared map probe. Direct-mapped, bounded.
 */
final class FieldDecisions {

  private static final int SIZE = 256;
  private static final int MASK = SIZE - 1;

  private final String[] keys = new String[SIZE];
  private final boolean[] values = new boolean[SIZE];
  private Redactor owner;

  boolean redacts(Redactor redactor, String key) {
    if (!redactor.enabled()) {
      return false;
    }
    if (owner != redactor) {
      java.util.Arrays.fill(keys, null);
      owner = redactor;
    }
    int h = key.hashCode();
    int i = (h ^ (h >>> 16)) & MASK;
    String k = keys[i];
    if (k == key || (k != null && k.equals(key))) {
      return values[i];
    }
    boolean v = redactor.redactsField(key);
    keys[i] = key;
    values[i] = v;
    return v;
  }
}
