package com.englog.observability.logging.internal.redaction;

/**
 * Character classes of ASCII characters and the small scanning helpers the detectors share. Depends on
 * nothing else, so its table is complete before any detector can read it.
 */
final class Chars {

  static final short ALPHA = 1;
  static final short DIGIT = 2;
  static final short UPPER = 4;
  static final short B64URL_EXTRA = 8; // - _
  static final short TOKEN68_EXTRA = 16; // - . _ ~ + / =
  static final short KEY_EXTRA = 32; // _ - .
  static final short EMAIL_EXTRA = 64; // . _ % + -
  static final short B64_EXTRA = 128; // + / =
  static final short VALUE_END = 256; // delimiters that end an unquoted value
  static final short SOFT_VALUE_END = 512; // ... only when another key=value pair follows

  static final int ALNUM = ALPHA | DIGIT;
  static final int B64URL = ALNUM | B64URL_EXTRA;

  /** Longest key name looked at before a {@code =} or {@code :}. */
  static final int MAX_KEY_CHARS = 64;

  private static final short[] CLASS = new short[128];

  static {
    for (int c = 'a'; c <= 'z'; c++) {
      CLASS[c] |= ALPHA;
    }
    for (int c = 'A'; c <= 'Z'; c++) {
      CLASS[c] |= ALPHA | UPPER;
    }
    for (int c = '0'; c <= '9'; c++) {
      CLASS[c] |= DIGIT;
    }
    for (char c : "-_".toCharArray()) {
      CLASS[c] |= B64URL_EXTRA;
    }
    for (char c : "-._~+/=".toCharArray()) {
      CLASS[c] |= TOKEN68_EXTRA;
    }
    for (char c : "_-.".toCharArray()) {
      CLASS[c] |= KEY_EXTRA;
    }
    for (char c : "._%+-".toCharArray()) {
      CLASS[c] |= EMAIL_EXTRA;
    }
    for (char c : "+/=".toCharArray()) {
      CLASS[c] |= B64_EXTRA;
    }
    for (int c = 0; c <= ' '; c++) {
      CLASS[c] |= VALUE_END;
    }
    for (char c : ",;&\"'<>)]}`".toCharArray()) {
      CLASS[c] |= VALUE_END;
    }
    CLASS[0x7f] |= VALUE_END;
    for (char c : ",;&".toCharArray()) {
      CLASS[c] |= SOFT_VALUE_END;
    }
  }

  private Chars() {}

  static boolean is(char c, int cls) {
    return c < 128 && (CLASS[c] & cls) != 0;
  }

  static boolean isAlnum(char c) {
    return is(c, ALNUM);
  }

  static boolean isWordChar(char c) {
    return isAlnum(c) || c == '_';
  }

  static boolean isSeparator(char c) {
    return c == '-' || c == '_' || c == '.' || c == ' ';
  }

  static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  static int skipBlanks(String s, int i, int n) {
    while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** How many characters of class {@code cls} start at {@code i}. */
  static int run(String s, int i, int n, int cls) {
    int j = i;
    while (j < n && is(s.charAt(j), cls)) {
      j++;
    }
    return j - i;
  }
}
