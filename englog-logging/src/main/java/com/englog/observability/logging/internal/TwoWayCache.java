package com.englog.observability.logging.internal;

/**
 * The slots of a small cache shared by all threads of one encoder: two-way set-associative, bounded,
 * lock-free. Entries are immutable and published by a plain array store (their final fields make a
 * racy read safe); a lost update or a stale read is only a cache miss.
 */
abstract class TwoWayCache<E extends TwoWayCache.Entry> {

  /** An entry; {@link #key} is the whole key of string-keyed caches. */
  abstract static class Entry {
    final String key;

    Entry(String key) {
      this.key = key;
    }

    final boolean hasKey(String s) {
      return key == s || key.equals(s);
    }
  }

  private final Entry[] entries;
  /** Per set: which way to replace next; racy updates only change which entry is evicted. */
  private final byte[] victim;
  private final int mask;

  TwoWayCache(int sets) {
    if (Integer.bitCount(sets) != 1) {
      throw new IllegalArgumentException("sets must be a power of two, got " + sets);
    }
    entries = new Entry[sets * 2];
    victim = new byte[sets];
    mask = sets - 1;
  }

  /** The first of the two slots of {@code hash}'s set; the second is the next one. */
  final int slot(int hash) {
    return ((hash ^ (hash >>> 16)) & mask) << 1;
  }

  @SuppressWarnings("unchecked")
  final E at(int slot) {
    return (E) entries[slot];
  }

  /** For string-keyed caches: the entry of {@code key}, or null. */
  final E get(String key) {
    int slot = slot(key.hashCode());
    E e = at(slot);
    if (e != null && e.hasKey(key)) {
      return e;
    }
    e = at(slot + 1);
    return e != null && e.hasKey(key) ? e : null;
  }

  /** Stores {@code e} in one way of the set of {@code hash}, and returns it. */
  final E put(int hash, E e) {
    int slot = slot(hash);
    int set = slot >>> 1;
    int way = victim[set];
    entries[slot + way] = e;
    victim[set] = (byte) (way ^ 1);
    return e;
  }
}
