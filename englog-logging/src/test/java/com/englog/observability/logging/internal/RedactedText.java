package com.englog.observability.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

/** The redactors the redaction tests share, and what they make of a text. */
final class RedactedText {

  static final Redactor DEFAULT = Redactor.builder().build();
  static final Redactor WITH_CARDS = Redactor.builder().enableDetector("credit-card").build();

  private RedactedText() {}

  /** The text with every span found replaced by "#", so expectations are written by hand. */
  static String redact(Redactor r, String s) {
    return written(r, s, "#");
  }

  /** The text as it is written: every span found replaced by the redactor's replacement. */
  static String replace(Redactor r, String s) {
    return written(r, s, r.replacement());
  }

  /** How many spans of each kind the redactor finds in the text. */
  static int[] kinds(Redactor r, String s) {
    Spans spans = new Spans();
    r.scan(s, Integer.MAX_VALUE, spans);
    int[] counts = new int[Redactor.KINDS];
    spans.countInto(counts);
    return counts;
  }

  private static String written(Redactor r, String s, String replacement) {
    Spans spans = new Spans();
    int n = r.scan(s, Integer.MAX_VALUE, spans);
    StringBuilder out = new StringBuilder();
    int prev = 0;
    for (int i = 0; i < n; i++) {
      assertThat(spans.start(i)).as("spans sorted, not overlapping").isGreaterThanOrEqualTo(prev);
      out.append(s, prev, spans.start(i)).append(replacement);
      prev = spans.end(i);
    }
    return out.append(s, prev, s.length()).toString();
  }
}
