package com.englog.observability.logging.internal;

import java.util.Arrays;
import java.util.regex.Matcher;

/**
 * Reusable result of one redaction scan: sorted, non-overlapping [start, end) ranges of a string and
 * the kind of each. Not thread-safe; one per encoding state.
 */
public final class Spans {

  private int[] starts = new int[8];
  private int[] ends = new int[8];
  private byte[] kinds = new byte[8];
  private int size;

  private char[] chars = new char[256];

  /** The scratch array; valid where {@link #copy} filled it. */
  char[] chars() {
    return chars;
  }

  /**
   * Copies s[from, to) into the scratch array at the same indexes (growing it, keeping [0, from)):
   * scanning an array is cheaper than calling charAt per character.
   */
  char[] copy(String s, int from, int to) {
    if (chars.length < to) {
      chars = Arrays.copyOf(chars, Math.max(to, chars.length * 2));
    }
    s.getChars(from, to, chars, from);
    return chars;
  }

  void truncate(int newSize) {
    size = Math.min(size, newSize);
  }

  /** Drops a scratch array grown by a huge value. */
  void trim() {
    if (chars.length > 65_536) {
      chars = new char[256];
    }
  }

  /** Matchers for the custom patterns of {@link #matchersOwner}, created on first use. */
  Matcher[] matchers;
  Object matchersOwner;

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  public int start(int i) {
    return starts[i];
  }

  public int end(int i) {
    return ends[i];
  }

  public int kind(int i) {
    return kinds[i];
  }

  /** End of the last span, or 0. */
  public int lastEnd() {
    return size == 0 ? 0 : ends[size - 1];
  }

  /** Adds [start, end) of kind {@code kind}, after the spans already added. */
  public void add(int start, int end, int kind) {
    if (size == starts.length) {
      int n = size * 2;
      starts = Arrays.copyOf(starts, n);
      ends = Arrays.copyOf(ends, n);
      kinds = Arrays.copyOf(kinds, n);
    }
    starts[size] = start;
    ends[size] = end;
    kinds[size] = (byte) kind;
    size++;
  }

  /** Sorts by start and merges overlapping or touching spans; the earlier span's kind wins. */
  void normalize() {
    for (int i = 1; i < size; i++) {
      int s = starts[i];
      int e = ends[i];
      byte k = kinds[i];
      int j = i - 1;
      while (j >= 0 && starts[j] > s) {
        starts[j + 1] = starts[j];
        ends[j + 1] = ends[j];
        kinds[j + 1] = kinds[j];
        j--;
      }
      starts[j + 1] = s;
      ends[j + 1] = e;
      kinds[j + 1] = k;
    }
    int w = 0;
    for (int r = 0; r < size; r++) {
      if (w > 0 && starts[r] <= ends[w - 1]) {
        ends[w - 1] = Math.max(ends[w - 1], ends[r]);
      } else {
        starts[w] = starts[r];
        ends[w] = ends[r];
        kinds[w] = kinds[r];
        w++;
      }
    }
    size = w;
  }

  /** Adds one to {@code counts[kind]} for every span. */
  public void countInto(int[] counts) {
    for (int i = 0; i < size; i++) {
      counts[kinds[i]]++;
    }
  }
}
