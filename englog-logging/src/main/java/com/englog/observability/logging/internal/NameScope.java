package com.englog.observability.logging.internal;

import java.util.Arrays;
import java.util.Set;

/**
 * The names already written in one JSON object, so that a later MDC or key-value name never repeats
 * one (and, once at start, a static field never takes a standard field's name): a collision becomes
 * {@code <source>.<name>}, then {@code <source>.<name>_2}, {@code _3}, ...
 * Linear search: objects have a handful of dynamic names, and this allocates nothing.
 */
final class NameScope {

  private String[] names = new String[16];
  private int size;
  private Set<String> reserved = Set.of();

  void reset(Set<String> reserved) {
    Arrays.fill(names, 0, size, null);
    size = 0;
    this.reserved = reserved;
  }

  boolean taken(String name) {
    if (reserved.contains(name)) {
      return true;
    }
    for (int i = 0; i < size; i++) {
      if (names[i].equals(name)) {
        return true;
      }
    }
    return false;
  }

  void add(String name) {
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
    }
    names[size++] = name;
  }

  /** {@code name} if free, otherwise the first free {@code source.name}, {@code source.name_2}, ... */
  String unique(String name, String source) {
    String candidate = name;
    if (taken(candidate)) {
      String base = source + "." + name;
      candidate = base;
      for (int i = 2; taken(candidate); i++) {
        candidate = base + "_" + i;
      }
    }
    add(candidate);
    return candidate;
  }
}
