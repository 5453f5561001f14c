package com.englog.observability.logging.internal;

/**
 * Writes the syntax of one output format (compact or pretty JSON, or the one-line text layout) into a
 * {@link Utf8Output}, so that the walk over an event is written once. Not thread-safe.
 */
public abstract class LineSink {

  /** Maximum nesting of objects and arrays; deeper values are written as strings by the caller. */
  public static final int MAX_DEPTH = 200;

  protected final Utf8Output out;

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

  public abstract int depth();

  public abstract void string(CharSequence s, int from, int to);

  public final void string(String s) {
    if (s == null) {
      nullValue();
    } else {
      string(s, 0, s.length());
    }
  }

  /**
   * A string that is likely the same instance next time (logger and thread names): the sink may cache
   * its encoding. Callers ensure it is within the length limit.
   */
  public void stringOfName(String s) {
    string(s, 0, s.length());
  }

  /** A string value written in parts: {@link #beginString}, {@code part*}, {@link #endString}. */
  public abstract void beginString();

  public abstract void part(CharSequence s, int from, int to);

  public final void part(String s) {
    part(s, 0, s.length());
  }

  public abstract void partLong(long v);

  /** Appends {@code v} as 16 lowercase hex digits. */
  public abstract void partHex(long v);

  public abstract void endString();

  /** A stack frame as a string value: {@code com.example.Foo.bar(Foo.java:42)}. */
  public void stackFrame(StackTraceElement e) {
    beginString();
    part(e.getClassName());
    part(".");
    part(e.getMethodName());
    String file = e.getFileName();
    int line = e.getLineNumber();
    if (e.isNativeMethod()) {
      part("(Native Method)");
    } else if (file == null) {
      part("(Unknown Source)");
    } else {
      part("(");
      part(file);
      if (line >= 0) {
        part(":");
        partLong(line);
      }
      part(")");
    }
    endString();
  }

  /** A number already rendered as valid JSON number text. */
  public abstract void number(String jsonNumber);

  public abstract void longValue(long v);

  public abstract void boolValue(boolean v);

  public abstract void nullValue();

  public abstract void timestamp(TimestampWriter writer, long epochMillis, int nanoOfSecond, int digits);

  /** Opaque snapshot of the write position and nesting, for {@link #rollback(long)}. */
  public abstract long mark();

  /** Discards everything written since {@code mark}. */
  public abstract void rollback(long mark);
}
