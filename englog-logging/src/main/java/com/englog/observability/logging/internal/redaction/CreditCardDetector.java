package com.englog.observability.logging.internal.redaction;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Redactor;
import com.englog.observability.logging.internal.Spans;

/**
 * Card numbers (personal data), at the start of a word: 13 to 19 digits, optionally grouped by single
 * spaces or dashes, passing the Luhn check.
 */
final class CreditCardDetector extends Detector {

  CreditCardDetector() {
    super(RedactionDetector.CREDIT_CARD, "0123456789", true);
  }

  @Override
  String secondChars(char first) {
    return "0123456789 -"; // a digit, or a single space or dash between groups
  }

  @Override
  public int scan(String s, int i, int n, Spans out) {
    int digits = 0;
    // Luhn doubles every second digit from the right; the count is known only at the end, so keep
    // both candidate sums (doubling even or odd positions from the left).
    int sumDoubleEven = 0;
    int sumDoubleOdd = 0;
    int k = i;
    int lastDigitEnd = i;
    while (k < n) {
      char c = s.charAt(k);
      if (c >= '0' && c <= '9') {
        if (digits == 19) {
          return -1;
        }
        int v = c - '0';
        int doubled = v * 2 > 9 ? v * 2 - 9 : v * 2;
        if ((digits & 1) == 0) {
          sumDoubleEven += doubled;
          sumDoubleOdd += v;
        } else {
          sumDoubleEven += v;
          sumDoubleOdd += doubled;
        }
        digits++;
        k++;
        lastDigitEnd = k;
      } else if ((c == ' ' || c == '-') && k > i && k + 1 < n && s.charAt(k + 1) >= '0'
          && s.charAt(k + 1) <= '9') {
        k++;
      } else {
        break;
      }
    }
    if (digits < 13 || (lastDigitEnd < n && Chars.isAlnum(s.charAt(lastDigitEnd)))) {
      return -1;
    }
    // The rightmost digit (index digits-1) is not doubled: doubled indexes have the other parity.
    int sum = ((digits - 1) & 1) == 1 ? sumDoubleEven : sumDoubleOdd;
    if (sum % 10 != 0) {
      return -1;
    }
    out.add(i, lastDigitEnd, Redactor.PII);
    return lastDigitEnd;
  }
}
