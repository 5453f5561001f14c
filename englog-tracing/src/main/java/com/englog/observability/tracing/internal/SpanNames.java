package com.englog.observability.tracing.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Span names of the form {@code "<first> <second>"} ({@code "insert journals"}), built once per pair
 * and then looked up without allocating. The pairs come from code (operation × table, task ×
 * provider), so they are few; the cache still stops at {@link #MAX_ENTRIES} and then concatenates,
 * so hostile or generated values cannot grow it.
 *
 * <p>Not public API.
 */
public final class SpanNames {

  static final int MAX_ENTRIES = 2048;
  private static final int MAX_CACHED_LENGTH = 256;

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, String>> names = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();

  /** {@code first + " " + second}; both non-null. */
  public String name(String first, String second) {
    ConcurrentHashMap<String, String> bySecond = names.get(first);
    if (bySecond != null) {
      String cached = bySecond.get(second);
      if (cached != null) {
        return cached;
      }
    }
    String name = first + " " + second;
    if (name.length() <= MAX_CACHED_LENGTH && size.get() < MAX_ENTRIES) {
      if (names.computeIfAbsent(first, k -> new ConcurrentHashMap<>()).putIfAbsent(second, name) == null) {
        size.incrementAndGet();
      }
    }
    return name;
  }

  int size() {
    return size.get();
  }
}
