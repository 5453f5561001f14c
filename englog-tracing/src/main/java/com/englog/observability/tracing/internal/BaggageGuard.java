package com.englog.observability.tracing.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drops the {@code baggage} members OpenTelemetry's W3C parser would log a warning for, before it
 * sees them: a value with a broken percent-escape ({@code k=%zz}, {@code k=%%%}, {@code k=%}) makes
 * it log a {@code NumberFormatException} stack trace, and properties with characters outside the
 * W3C set a warning, once per member and request. Any client could fill the service's log that way.
 * Dropped members are counted ({@link #rejected()}); at most one line a minute per JVM says so,
 * without a stack trace. Well-formed members pass unchanged.
 *
 * <p>Not public API.
 */
public final class BaggageGuard {

  static final String HEADER = "baggage";
  private static final System.Logger LOG = System.getLogger(BaggageGuard.class.getName());
  private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final LongAdder rejected = new LongAdder();
  /** When the next line may be logged, for the whole JVM; the first malformed member logs at once. */
  private static final AtomicLong NEXT_LOG = new AtomicLong(System.nanoTime());
  private static final AtomicLong SINCE_LAST_LOG = new AtomicLong();

  /** Members dropped as malformed. */
  public long rejected() {
    return rejected.sum();
  }

  /** {@code header} without its malformed members; the same instance when all are well-formed. */
  String sanitize(String header) {
    // Only a percent-escape or a property can be malformed: most headers have neither, and
    // indexOf is far cheaper than the member-by-member scan.
    if (header.indexOf('%') < 0 && header.indexOf(';') < 0 || wellFormed(header, 0, header.length())) {
      return header;
    }
    StringBuilder kept = new StringBuilder(header.length());
    int dropped = 0;
    int start = 0;
    while (start <= header.length()) {
      int end = header.indexOf(',', start);
      if (end < 0) {
        end = header.length();
      }
      if (wellFormed(header, start, end)) {
        if (kept.length() > 0) {
          kept.append(',');
        }
        kept.append(header, start, end);
      } else {
        dropped++;
      }
      start = end + 1;
    }
    count(dropped);
    return kept.toString();
  }

  /**
   * Whether the members in {@code [from, to)} are free of what the parser warns about: in a value
   * (after a member's first {@code =}, before its first {@code ;}) every {@code %} is followed by
   * two hex digits; after a member's first {@code ;} (its properties) only tab and printable ASCII
   * other than {@code "} and {@code \}.
   */
  private static boolean wellFormed(String s, int from, int to) {
    boolean inValue = false;
    boolean inProperties = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == ',') {
        inValue = false;
        inProperties = false;
      } else if (inProperties) {
        if (c != '\t' && (c < 0x20 || c > 0x7e || c == '"' || c == '\\')) {
          return false;
        }
      } else if (c == ';') {
        inValue = false;
        inProperties = true;
      } else if (inValue) {
        if (c == '%' && (i + 2 >= to || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2)))) {
          return false;
        }
      } else if (c == '=') {
        inValue = true;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private void count(int dropped) {
    rejected.add(dropped);
    long total = SINCE_LAST_LOG.addAndGet(dropped);
    long now = System.nanoTime();
    long next = NEXT_LOG.get();
    if (now - next >= 0 && NEXT_LOG.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
      SINCE_LAST_LOG.addAndGet(-total);
      LOG.log(Level.WARNING, "Dropped " + total + " malformed incoming baggage member(s) (broken percent-escape"
          + " or invalid property characters); counted in Tracing.rejectedBaggage(), logged at most once a minute");
    }
  }
}
