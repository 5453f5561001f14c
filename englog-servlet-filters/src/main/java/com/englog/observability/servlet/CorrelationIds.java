package com.englog.observability.servlet;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The correlation id rule: an incoming id of 1 to {@value #MAX_LENGTH} characters of
 * {@code [A-Za-z0-9._:-]} is kept; anything else (missing, empty, longer, other characters) is replaced
 * by a generated id of 32 lower-case hex digits.
 */
final class CorrelationIds {

  static final int MAX_LENGTH = 64;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CorrelationIds() {}

  static boolean isValid(String id) {
    if (id == null) {
      return false;
    }
    int n = id.length();
    if (n == 0 || n > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '.' || c == '_' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A new random id: 128 bits as 32 hex digits (not a security token; unique enough to correlate). */
  static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[32];
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 0; i < 16; i++) {
      out[15 - i] = HEX[(int) (hi >>> (i * 4)) & 0xf];
      out[31 - i] = HEX[(int) (lo >>> (i * 4)) & 0xf];
    }
    return new String(out);
  }
}
