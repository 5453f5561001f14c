package com.englog.observability.logging.internal;

/**
 * Writes the syntax of one output format (compact or pretty JSON, or the one-line text layout) into a
 * {@link Utf8Output}, so that the walk over an event is written once. Not thread-safe.
 */
public abstract class LineSink {

  /** Maximum nesting of objects and arrays; deeper values are written as strings by the caller. */
  public static final int MAX_DEPTH = 200;

  protected final Utf8Output out;
  /** Per nesting level: nothing written in it yet. */
  protected final boolean[] first = new boolean[MAX_DEPTH + 2];
  protected int depth;

  protected LineSink(Utf8Output out) {
    this.out = out;
  }

  public final Utf8Output output() {
    return out;
  }

  /** Pre-encodes a name known at configuration time. */
  public abstract FieldName name(String text, int standard);

  /** Encodes a string value known at configuration time, for {@link #encodedValue}. */
  public abstract byte[] encodeValue(String value);

  /** Writes a value produced by {@link #encodeValue} of a sink of the same format. */
  public abstract void encodedValue(byte[] encoded);

  public abstract void beginLine();

  public abstract void endLine(byte[] lineSeparator);

  public abstract void name(FieldName name);

  public abstract void name(String dynamicName);

  public abstract void beginObject();

  public abstract void endObject();

  public abstract void beginArray();

  public abstract void endArray();

  /** Before each array element. */
  public abstract void element();

  public final int depth() {
    return depth;
  }

  public abstract void string(String s, int from, int to);

  public final void string(String s) {
    if (s == null) {
      nullValue();
    } else {
      string(s, 0, s.length());
    }
  }

  /** A string value written in parts: {@link #beginString}, {@code part*}, {@link #endString}. */
  public abstract void beginString();

  public final void part(String s, int from, int to) {
    out.writeEscaped(s, from, to);
  }

  public final void part(String s) {
    out.writeEscaped(s, 0, s.length());
  }

  public final void partLong(long v) {
    out.writeLong(v);
  }

  /** Appends {@code v} as 16 lowercase hex digits. */
  public final void partHex(long v) {
    out.writeHex64(v);
  }

  public abstract void endString();

  /** A number already rendered as valid JSON number text. */
  public abstract void number(String jsonNumber);

  public abstract void longValue(long v);

  public abstract void boolValue(boolean v);

  public abstract void nullValue();

  public abstract void timestamp(TimestampWriter writer, long epochMillis, int nanoOfSecond, int digits);

  /** Opaque snapshot of the write position and nesting, for {@link #rollback(long)}. */
  public final long mark() {
    return ((long) out.position() << 32) | ((long) depth << 1) | (first[depth] ? 1 : 0);
  }

  /** Discards everything written since {@code mark}. */
  public final void rollback(long mark) {
    out.rewind((int) (mark >>> 32));
    depth = (int) ((mark & 0xffffffffL) >>> 1);
    first[depth] = (mark & 1) != 0;
  }
}
