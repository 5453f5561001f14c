package com.englog.observability.logging.internal.redaction;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Redactor;
import com.englog.observability.logging.internal.Spans;

/** A PEM private key block from its BEGIN line to the end of its END line (or of the text). */
final class PrivateKeyDetector extends Detector {

  PrivateKeyDetector() {
    super(RedactionDetector.PRIVATE_KEY, "-", false);
  }

  @Override
  String secondChars(char first) {
    return "-"; // -----BEGIN
  }

  @Override
  public int scan(String s, int i, int n, Spans out) {
    if (!s.startsWith("-----BEGIN", i)) {
      return -1;
    }
    int headerEnd = s.indexOf("-----", i + 10);
    if (headerEnd < 0 || headerEnd - i > 80) {
      return -1;
    }
    if (!s.regionMatches(headerEnd - 11, "PRIVATE KEY", 0, 11)
        && !s.regionMatches(headerEnd - 17, "PRIVATE KEY BLOCK", 0, 17)) {
      return -1;
    }
    int endMarker = s.indexOf("-----END", headerEnd + 5);
    int end = n;
    if (endMarker >= 0) {
      int close = s.indexOf("-----", endMarker + 8);
      end = close >= 0 ? close + 5 : n;
    }
    out.add(i, end, Redactor.CREDENTIAL);
    return end;
  }
}
