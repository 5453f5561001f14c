package com.englog.observability.logging.internal;

import java.util.Arrays;

/**
 * A growable byte buffer that writes UTF-8 with JSON string escaping. Not thread-safe: one instance per
 * encoding state. Whatever the input (control characters, CR/LF, lone surrogates, NUL), what it writes
 * is valid UTF-8 and, inside quotes, a valid JSON string on one line.
 */
public final class Utf8Output {

  private static final byte[] HEX = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'
  };

  /**
   * For each ASCII character: 0 when it is written as is, otherwise the character after the backslash
   * of its escape ({@code 'u'} for the six-character form).
   */
  private static final byte[] ESCAPE = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPE[c] = 'u';
    }
    ESCAPE['\b'] = 'b';
    ESCAPE['\t'] = 't';
    ESCAPE['\n'] = 'n';
    ESCAPE['\f'] = 'f';
    ESCAPE['\r'] = 'r';
    ESCAPE['"'] = '"';
    ESCAPE['\\'] = '\\';
    // DEL is legal in JSON, but escaping it keeps terminal control sequences out of a tailed log.
    ESCAPE[0x7f] = 'u';
  }

  /** Characters written per chunk between capacity checks; a char needs at most 6 bytes. */
  private static final int CHUNK = 512;

  private byte[] buf;
  private int pos;

  public Utf8Output(int initialCapacity) {
    buf = new byte[Math.max(64, initialCapacity)];
  }

  public void reset() {
    pos = 0;
  }

  public int position() {
    return pos;
  }

  /** Moves the write position back, discarding what was written after {@code position}. */
  public void rewind(int position) {
    if (position < 0 || position > pos) {
      throw new IllegalArgumentException("position " + position + " outside [0, " + pos + "]");
    }
    pos = position;
  }

  public int capacity() {
    return buf.length;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  /** The live buffer; valid up to {@link #position()}. */
  public byte[] buffer() {
    return buf;
  }

  private void ensure(int extra) {
    int needed = pos + extra;
    if (needed > buf.length) {
      if (needed < 0) {
        throw new OutOfMemoryError("log line larger than 2 GiB");
      }
      buf = Arrays.copyOf(buf, Math.max(needed, buf.length + (buf.length >> 1)));
    }
  }

  public void write(byte b) {
    ensure(1);
    buf[pos++] = b;
  }

  public void write(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  public void write(byte[] bytes, int off, int len) {
    ensure(len);
    System.arraycopy(bytes, off, buf, pos, len);
    pos += len;
  }

  /** Newline followed by {@code spaces} spaces. */
  public void newlineAndIndent(int spaces) {
    ensure(spaces + 1);
    buf[pos++] = '\n';
    for (int i = 0; i < spaces; i++) {
      buf[pos++] = ' ';
    }
  }

  /** Inserts {@code b} at {@code at}, moving what was written from there one byte on. */
  public void insert(int at, byte b) {
    if (at < 0 || at > pos) {
      throw new IllegalArgumentException("position " + at + " outside [0, " + pos + "]");
    }
    ensure(1);
    System.arraycopy(buf, at, buf, at + 1, pos - at);
    buf[at] = b;
    pos++;
  }

  /** Writes characters of {@code s} in [from, to) escaped for a JSON string, without quotes. */
  public void writeEscaped(String s, int from, int to) {
    int i = from;
    while (i < to) {
      int chunkEnd = Math.min(to, i + CHUNK);
      ensure((chunkEnd - i) * 6);
      // A pair straddling the chunk end is still seen whole: escape() looks at s up to 'to'.
      int p = escape(buf, pos, s, i, chunkEnd, to);
      i = p < 0 ? chunkEnd + 1 : chunkEnd;
      pos = p < 0 ? ~p : p;
    }
  }

  /**
   * Escapes s[from, chunkEnd) into b at p, reading at most up to {@code to} to complete a surrogate pair.
   * Returns the new position, or its complement when the last char consumed was the chunk's first
   * char beyond its end (the low half of a pair).
   */
  private static int escape(byte[] b, int p, String s, int from, int chunkEnd, int to) {
    for (int i = from; i < chunkEnd; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        byte e = ESCAPE[c];
        if (e == 0) {
          b[p++] = (byte) c;
        } else {
          p = escapeAscii(b, p, c, e);
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
          p = fourBytes(b, p, Character.toCodePoint(c, s.charAt(++i)));
          if (i == chunkEnd) {
            return ~p;
          }
        } else {
          p = replacementChar(b, p);
        }
      } else {
        p = threeBytes(b, p, c);
      }
    }
    return p;
  }

  private static int escapeAscii(byte[] b, int p, char c, byte e) {
    b[p++] = '\\';
    if (e == 'u') {
      b[p++] = 'u';
      b[p++] = '0';
      b[p++] = '0';
      b[p++] = HEX[c >> 4];
      b[p++] = HEX[c & 0xf];
    } else {
      b[p++] = e;
    }
    return p;
  }

  private static int threeBytes(byte[] b, int p, char c) {
    if (c == '\u2028' || c == '\u2029') {
      // Valid JSON, but line terminators for JavaScript readers and some log viewers.
      b[p++] = '\\';
      b[p++] = 'u';
      b[p++] = '2';
      b[p++] = '0';
      b[p++] = '2';
      b[p++] = c == '\u2028' ? (byte) '8' : (byte) '9';
      return p;
    }
    b[p++] = (byte) (0xe0 | (c >> 12));
    b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
    b[p++] = (byte) (0x80 | (c & 0x3f));
    return p;
  }

  private static int fourBytes(byte[] b, int p, int cp) {
    b[p++] = (byte) (0xf0 | (cp >> 18));
    b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
    b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
    b[p++] = (byte) (0x80 | (cp & 0x3f));
    return p;
  }

  /** U+FFFD for a lone surrogate: never invalid UTF-8 on the wire. */
  private static int replacementChar(byte[] b, int p) {
    b[p++] = (byte) 0xef;
    b[p++] = (byte) 0xbf;
    b[p++] = (byte) 0xbd;
    return p;
  }

  /** Writes {@code s}, known to be printable ASCII without quote or backslash, as is. */
  public void writeAscii(String s) {
    int n = s.length();
    ensure(n);
    byte[] b = buf;
    int p = pos;
    for (int i = 0; i < n; i++) {
      b[p++] = (byte) s.charAt(i);
    }
    pos = p;
  }

  /** Writes [from, to) of {@code s}, known to be printable ASCII, as is. */
  public void writeAscii(String s, int from, int to) {
    ensure(to - from);
    byte[] b = buf;
    int p = pos;
    for (int i = from; i < to; i++) {
      b[p++] = (byte) s.charAt(i);
    }
    pos = p;
  }

  /** Two-digit tables: int division by 100 is a multiply, and half as many as by 10. */
  private static final byte[] TENS = new byte[100];
  private static final byte[] ONES = new byte[100];

  static {
    for (int i = 0; i < 100; i++) {
      TENS[i] = (byte) ('0' + i / 10);
      ONES[i] = (byte) ('0' + i % 10);
    }
  }

  public void writeLong(long v) {
    if (v >= 0 && v <= Integer.MAX_VALUE) {
      writeNonNegativeInt((int) v);
      return;
    }
    if (v == Long.MIN_VALUE) {
      writeAscii("-9223372036854775808");
      return;
    }
    ensure(20);
    if (v < 0) {
      buf[pos++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    int end = pos + digits;
    int p = end;
    do {
      buf[--p] = (byte) ('0' + (v % 10));
      v /= 10;
    } while (v != 0);
    pos = end;
  }

  private void writeNonNegativeInt(int v) {
    ensure(10);
    int len = v < 10 ? 1 : v < 100 ? 2 : v < 1_000 ? 3 : v < 10_000 ? 4 : v < 100_000 ? 5
        : v < 1_000_000 ? 6 : v < 10_000_000 ? 7 : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
    byte[] b = buf;
    int p = pos + len;
    while (v >= 100) {
      int q = v / 100;
      int r = v - q * 100;
      v = q;
      b[--p] = ONES[r];
      b[--p] = TENS[r];
    }
    if (v >= 10) {
      b[--p] = ONES[v];
      b[--p] = TENS[v];
    } else {
      b[--p] = (byte) ('0' + v);
    }
    pos += len;
  }

  /** Writes {@code v} as exactly {@code width} decimal digits, zero-padded. */
  public void writePadded(long v, int width) {
    ensure(width);
    int p = pos + width;
    for (int i = 0; i < width; i++) {
      buf[--p] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    pos += width;
  }

  /** Writes {@code v} as 16 lowercase hex digits. */
  public void writeHex64(long v) {
    ensure(16);
    for (int shift = 60; shift >= 0; shift -= 4) {
      buf[pos++] = HEX[(int) (v >>> shift) & 0xf];
    }
  }
}
