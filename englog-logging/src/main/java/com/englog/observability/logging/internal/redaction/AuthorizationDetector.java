package com.englog.observability.logging.internal.redaction;

import static com.englog.observability.logging.internal.redaction.Chars.ALNUM;
import static com.englog.observability.logging.internal.redaction.Chars.B64_EXTRA;
import static com.englog.observability.logging.internal.redaction.Chars.TOKEN68_EXTRA;
import static com.englog.observability.logging.internal.redaction.Chars.run;
import static com.englog.observability.logging.internal.redaction.Chars.skipBlanks;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Redactor;
import com.englog.observability.logging.internal.Spans;

/** {@code Bearer} and {@code Basic} credentials, at the start of a word. */
final class AuthorizationDetector extends Detector {

  AuthorizationDetector() {
    super(RedactionDetector.AUTHORIZATION, "Bb", true);
  }

  @Override
  String secondChars(char first) {
    return "eEaA"; // bearer, basic, in any case
  }

  @Override
  public int scan(String s, int i, int n, Spans out) {
    if (s.regionMatches(true, i, "bearer", 0, 6)) {
      return bearer(s, i + 6, n, out);
    }
    if (s.regionMatches(true, i, "basic", 0, 5)) {
      return basic(s, i + 5, n, out);
    }
    return -1;
  }

  private static int bearer(String s, int afterWord, int n, Spans out) {
    int t = skipBlanks(s, afterWord, n);
    if (t == afterWord) {
      return -1;
    }
    int len = run(s, t, n, ALNUM | TOKEN68_EXTRA);
    if (len >= 16 || (len >= 8 && containsDigit(s, t, t + len))) {
      out.add(t, t + len, Redactor.CREDENTIAL);
      return t + len;
    }
    return -1;
  }

  private static boolean containsDigit(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        return true;
      }
    }
    return false;
  }

  private static int basic(String s, int afterWord, int n, Spans out) {
    int t = skipBlanks(s, afterWord, n);
    if (t == afterWord) {
      return -1;
    }
    int len = run(s, t, n, ALNUM | B64_EXTRA);
    if (len >= 8 && base64HasColon(s, t, t + len)) {
      out.add(t, t + len, Redactor.CREDENTIAL);
      return t + len;
    }
    return -1;
  }

  /** True if the base64 text decodes to bytes containing ':' (user:password), without allocating. */
  private static boolean base64HasColon(String s, int from, int to) {
    int bits = 0;
    int acc = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      int v;
      if (c >= 'A' && c <= 'Z') {
        v = c - 'A';
      } else if (c >= 'a' && c <= 'z') {
        v = c - 'a' + 26;
      } else if (c >= '0' && c <= '9') {
        v = c - '0' + 52;
      } else if (c == '+') {
        v = 62;
      } else if (c == '/') {
        v = 63;
      } else {
        break; // '=' padding
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        if (((acc >> bits) & 0xff) == ':') {
          return true;
        }
      }
    }
    return false;
  }
}
