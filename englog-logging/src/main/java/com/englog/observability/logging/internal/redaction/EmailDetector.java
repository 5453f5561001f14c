package com.englog.observability.logging.internal.redaction;

import static com.englog.observability.logging.internal.redaction.Chars.ALNUM;
import static com.englog.observability.logging.internal.redaction.Chars.ALPHA;
import static com.englog.observability.logging.internal.redaction.Chars.B64URL;
import static com.englog.observability.logging.internal.redaction.Chars.EMAIL_EXTRA;
import static com.englog.observability.logging.internal.redaction.Chars.is;
import static com.englog.observability.logging.internal.redaction.Chars.run;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Redactor;
import com.englog.observability.logging.internal.Spans;

/**
 * {@code local@domain.tld} (personal data), found at its {@code @}: the local part is scanned
 * backwards, at most {@link Detector#LOOKBACK} characters.
 */
final class EmailDetector extends Detector {

  private static final String DOMAIN_FIRST =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

  EmailDetector() {
    super(RedactionDetector.EMAIL, "@", false);
  }

  /** A domain label starts after the {@code @}: a letter, a digit, {@code -} or {@code _}. */
  @Override
  String secondChars(char first) {
    return DOMAIN_FIRST;
  }

  @Override
  public int scan(String s, int at, int n, Spans out) {
    int floor = Math.max(out.lastEnd(), at - LOOKBACK);
    int j = at;
    while (j > floor && is(s.charAt(j - 1), ALNUM | EMAIL_EXTRA)) {
      j--;
    }
    while (j < at && s.charAt(j) == '.') {
      j++;
    }
    if (j == at) {
      return -1;
    }
    int k = at + 1;
    int labels = 0;
    int lastLabelStart = -1;
    int lastLabelEnd = -1;
    while (k < n && k - at <= 255) {
      int len = run(s, k, n, B64URL);
      if (len == 0) {
        break;
      }
      labels++;
      lastLabelStart = k;
      lastLabelEnd = k + len;
      k += len;
      if (k + 1 < n && s.charAt(k) == '.' && Chars.isAlnum(s.charAt(k + 1))) {
        k++;
      } else {
        break;
      }
    }
    if (labels < 2 || lastLabelEnd - lastLabelStart < 2 || run(s, lastLabelStart, lastLabelEnd, ALPHA)
        != lastLabelEnd - lastLabelStart) {
      return -1;
    }
    out.add(j, lastLabelEnd, Redactor.PII);
    return lastLabelEnd;
  }
}
