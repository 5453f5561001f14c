package com.englog.observability.logging.internal;

import java.time.Instant;

/**
 * Writes RFC 3339 UTC timestamps ({@code 2024-03-05T14:07:09.123Z}) without allocating: the
 * date-and-time-of-second part is cached per state and recomputed only when the second changes.
 */
public final class TimestampWriter {

  private static final long MIN_SECOND = -62167219200L; // 0000-01-01T00:00:00Z
  private static final long MAX_SECOND = 253402300799L; // 9999-12-31T23:59:59Z

  private long cachedSecond = Long.MIN_VALUE;
  private final byte[] prefix = new byte[19];

  /**
   * @param fractionDigits 3, 6 or 9
   * @param nanoOfSecond   0..999,999,999
   */
  public void write(Utf8Output out, long epochSecond, int nanoOfSecond, int fractionDigits) {
    if (epochSecond < MIN_SECOND || epochSecond > MAX_SECOND) {
      // Outside four-digit years RFC 3339 has no form; fall back to the JDK's ISO rendering.
      out.writeAscii(Instant.ofEpochSecond(epochSecond, nanoOfSecond).toString());
      return;
    }
    if (epochSecond != cachedSecond) {
      fillPrefix(epochSecond);
      cachedSecond = epochSecond;
    }
    out.write(prefix);
    out.write((byte) '.');
    switch (fractionDigits) {
      case 9:
        out.writePadded(nanoOfSecond, 9);
        break;
      case 6:
        out.writePadded(nanoOfSecond / 1_000, 6);
        break;
      default:
        out.writePadded(nanoOfSecond / 1_000_000, 3);
        break;
    }
    out.write((byte) 'Z');
  }

  /** Writes an event time given as epoch milliseconds plus an optional nano-of-second (-1 if unknown). */
  public void writeEventTime(Utf8Output out, long epochMillis, int nanoOfSecond, int fractionDigits) {
    long second = Math.floorDiv(epochMillis, 1000L);
    int nanos = nanoOfSecond >= 0 && nanoOfSecond < 1_000_000_000
        ? nanoOfSecond
        : (int) Math.floorMod(epochMillis, 1000L) * 1_000_000;
    write(out, second, nanos, fractionDigits);
  }

  private void fillPrefix(long epochSecond) {
    long days = Math.floorDiv(epochSecond, 86_400L);
    int secOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    // Civil-from-days (H. Hinnant's algorithm, proleptic Gregorian calendar).
    long z = days + 719_468;
    long era = (z >= 0 ? z : z - 146_096) / 146_097;
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    long year = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    if (month <= 2) {
      year++;
    }
    put(0, year, 4);
    prefix[4] = '-';
    put(5, month, 2);
    prefix[7] = '-';
    put(8, day, 2);
    prefix[10] = 'T';
    put(11, secOfDay / 3600, 2);
    prefix[13] = ':';
    put(14, (secOfDay / 60) % 60, 2);
    prefix[16] = ':';
    put(17, secOfDay % 60, 2);
  }

  private void put(int at, long v, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      prefix[i] = (byte) ('0' + (v % 10));
      v /= 10;
    }
  }
}
