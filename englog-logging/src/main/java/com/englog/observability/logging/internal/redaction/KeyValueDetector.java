package com.englog.observability.logging.internal.redaction;

import static com.englog.observability.logging.internal.redaction.Chars.ALNUM;
import static com.englog.observability.logging.internal.redaction.Chars.ALPHA;
import static com.englog.observability.logging.internal.redaction.Chars.KEY_EXTRA;
import static com.englog.observability.logging.internal.redaction.Chars.MAX_KEY_CHARS;
import static com.englog.observability.logging.internal.redaction.Chars.SOFT_VALUE_END;
import static com.englog.observability.logging.internal.redaction.Chars.VALUE_END;
import static com.englog.observability.logging.internal.redaction.Chars.is;
import static com.englog.observability.logging.internal.redaction.Chars.run;
import static com.englog.observability.logging.internal.redaction.Chars.skipBlanks;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Redactor;
import com.englog.observability.logging.internal.Spans;

/**
 * {@code password=x}, {@code "token": "x"}, {@code Authorization: Bearer x}: the value after a key on
 * the deny list. A {@code :} followed by {@code //} is a URL's, never a key's.
 */
final class KeyValueDetector extends Detector {

  private static final String[] AUTH_SCHEMES = {"bearer", "basic", "digest", "token", "negotiate", "apikey"};

  private final FieldNames names;

  KeyValueDetector(FieldNames names) {
    super(RedactionDetector.KEY_VALUE, ":=", false);
    this.names = names;
  }

  @Override
  String secondChars(char first) {
    return null; // the key is before the separator; blanks, quotes or the value after it
  }

  @Override
  public int scan(String s, int sep, int n, Spans out) {
    if (s.charAt(sep) == ':' && sep + 2 < n && s.charAt(sep + 1) == '/' && s.charAt(sep + 2) == '/') {
      return -1;
    }
    int j = sep - 1;
    while (j >= 0 && (s.charAt(j) == ' ' || s.charAt(j) == '\t') && sep - j < 4) {
      j--;
    }
    if (j >= 0 && (s.charAt(j) == '"' || s.charAt(j) == '\'')) {
      j--;
    }
    int keyEnd = j + 1;
    int floor = Math.max(out.lastEnd(), keyEnd - MAX_KEY_CHARS);
    while (j >= floor && is(s.charAt(j), ALNUM | KEY_EXTRA)) {
      j--;
    }
    int keyStart = j + 1;
    if (keyStart >= keyEnd || !names.isDenied(s, keyStart, keyEnd)) {
      return -1;
    }
    int v = skipBlanks(s, sep + 1, n);
    if (v >= n) {
      return -1;
    }
    char q = s.charAt(v);
    int start;
    int end;
    if (q == '"' || q == '\'') {
      start = v + 1;
      end = start;
      while (end < n && s.charAt(end) != q) {
        end += s.charAt(end) == '\\' ? 2 : 1;
      }
      end = Math.min(end, n); // no closing quote: fail closed, redact to the end
    } else {
      start = v;
      int word = run(s, v, n, ALPHA);
      if (word > 0 && v + word < n && s.charAt(v + word) == ' ' && isAuthScheme(s, v, v + word)) {
        start = skipBlanks(s, v + word, n);
      }
      end = unquotedValueEnd(s, start, n);
    }
    if (end <= start) {
      return -1;
    }
    out.add(start, end, Redactor.CREDENTIAL);
    return end;
  }

  /**
   * Where an unquoted secret starting at {@code start} ends: at a blank, a quote or a closing bracket;
   * at {@code , ; &} only when another pair follows ({@code ;user=bob}, {@code &b=2}, {@code , b=2}),
   * since those characters are common inside passwords and cutting there would leak the tail
   * ({@code p@ss;w0rd}). A delimiter followed by anything else is kept in the secret: redacting one
   * character too many is the safe side.
   */
  private static int unquotedValueEnd(String s, int start, int n) {
    int end = start;
    while (end < n) {
      char c = s.charAt(end);
      if (is(c, VALUE_END) && (!is(c, SOFT_VALUE_END) || pairFollows(s, end + 1, n))) {
        break;
      }
      end++;
    }
    return end;
  }

  /** A {@code key=} or {@code key: } at {@code i}, after optional blanks. */
  private static boolean pairFollows(String s, int i, int n) {
    int k = skipBlanks(s, i, n);
    int key = run(s, k, n, ALNUM | KEY_EXTRA);
    if (key == 0 || key > MAX_KEY_CHARS) {
      return false;
    }
    int sep = k + key;
    if (sep >= n) {
      return false;
    }
    char c = s.charAt(sep);
    return c == '=' || (c == ':' && sep + 1 < n && (s.charAt(sep + 1) == ' ' || s.charAt(sep + 1) == '\t'));
  }

  private static boolean isAuthScheme(String s, int from, int to) {
    for (String scheme : AUTH_SCHEMES) {
      if (scheme.length() == to - from && s.regionMatches(true, from, scheme, 0, scheme.length())) {
        return true;
      }
    }
    return false;
  }
}
