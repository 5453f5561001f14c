package com.englog.observability.logging.internal.redaction;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Redactor;
import com.englog.observability.logging.internal.Spans;

/** {@code scheme://user:password@host}: the password is redacted, the user and host stay. */
final class UrlCredentialsDetector extends Detector {

  UrlCredentialsDetector() {
    super(RedactionDetector.URL_CREDENTIALS, ":", false);
  }

  @Override
  String secondChars(char first) {
    return "/"; // ://
  }

  @Override
  public int scan(String s, int i, int n, Spans out) {
    if (!(i + 2 < n && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/')) {
      return -1;
    }
    if (i == 0 || !Chars.isAlnum(s.charAt(i - 1))) {
      return -1;
    }
    int a = i + 3;
    int e = a;
    int at = -1;
    while (e < n) {
      char c = s.charAt(e);
      if (c == '/' || c == '?' || c == '#' || c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>'
          || c == '`' || c == '\\' || c == 0x7f) {
        break;
      }
      if (c == '@') {
        at = e;
      }
      e++;
    }
    if (at < 0) {
      return -1;
    }
    int colon = -1;
    for (int k = a; k < at; k++) {
      if (s.charAt(k) == ':') {
        colon = k;
        break;
      }
    }
    if (colon >= 0 && colon + 1 < at) {
      out.add(colon + 1, at, Redactor.CREDENTIAL);
    }
    return at + 1;
  }
}
