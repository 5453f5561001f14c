package com.englog.observability.logging.internal;

import java.nio.charset.StandardCharsets;

/** JSON syntax: compact (one object per line) or pretty (indented, for reading during development). */
public final class JsonSink extends LineSink {

  private final boolean pretty;
  private final boolean[] first = new boolean[MAX_DEPTH + 2];
  private int depth;

  JsonSink(Utf8Output out, boolean pretty, StringBytesCache cache) {
    super(out);
    this.pretty = pretty;
    this.cache = cache;
  }

  @Override
  public FieldName name(String text, int standard) {
    Utf8Output tmp = new Utf8Output(text.length() * 6 + 4);
    tmp.write((byte) '"');
    tmp.writeEscaped(text, 0, text.length());
    tmp.write((byte) '"');
    tmp.write((byte) ':');
    if (pretty) {
      tmp.write((byte) ' ');
    }
    return new FieldName(text, standard, tmp.toByteArray());
  }

  @Override
  public byte[] encodeValue(String value) {
    Utf8Output tmp = new Utf8Output(value.length() * 6 + 2);
    tmp.write((byte) '"');
    tmp.writeEscaped(value, 0, value.length());
    tmp.write((byte) '"');
    return tmp.toByteArray();
  }

  @Override
  public void encodedValue(byte[] encoded) {
    out.write(encoded);
  }

  private void separator() {
    if (first[depth]) {
      first[depth] = false;
    } else {
      out.write((byte) ',');
    }
    if (pretty) {
      out.newlineAndIndent(depth * 2);
    }
  }

  @Override
  public void beginLine() {
    out.write((byte) '{');
    depth = 1;
    first[1] = true;
  }

  @Override
  public void endLine(byte[] lineSeparator) {
    if (pretty) {
      out.write((byte) '\n');
    }
    out.write((byte) '}');
    out.write(lineSeparator);
    depth = 0;
  }

  @Override
  public void name(FieldName name) {
    separator();
    out.write(name.encoded);
  }

  @Override
  public void name(String dynamicName) {
    separator();
    out.write((byte) '"');
    if (dynamicName.length() <= StringBytesCache.MAX_CHARS) {
      cache.write(out, dynamicName); // MDC and key-value names are mostly the same constants
    } else {
      out.writeEscaped(dynamicName, 0, dynamicName.length());
    }
    out.write((byte) '"');
    out.write((byte) ':');
    if (pretty) {
      out.write((byte) ' ');
    }
  }

  @Override
  public void beginObject() {
    out.write((byte) '{');
    first[++depth] = true;
  }

  @Override
  public void endObject() {
    close((byte) '}');
  }

  @Override
  public void beginArray() {
    out.write((byte) '[');
    first[++depth] = true;
  }

  @Override
  public void endArray() {
    close((byte) ']');
  }

  private void close(byte bracket) {
    if (pretty && !first[depth]) {
      out.newlineAndIndent((depth - 1) * 2);
    }
    depth--;
    out.write(bracket);
  }

  @Override
  public void element() {
    separator();
  }

  @Override
  public int depth() {
    return depth;
  }

  @Override
  public void string(CharSequence s, int from, int to) {
    out.write((byte) '"');
    out.writeEscaped(s, from, to);
    out.write((byte) '"');
  }

  @Override
  public void beginString() {
    out.write((byte) '"');
  }

  @Override
  public void part(CharSequence s, int from, int to) {
    out.writeEscaped(s, from, to);
  }

  @Override
  public void partLong(long v) {
    out.writeLong(v);
  }

  @Override
  public void partHex(long v) {
    out.writeHex64(v);
  }

  @Override
  public void endString() {
    out.write((byte) '"');
  }

  private static final byte[] NATIVE = "(Native Method)\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UNKNOWN = "(Unknown Source)\"".getBytes(StandardCharsets.US_ASCII);

  /** Shared by all states of one encoder. */
  private final StringBytesCache cache;

  /** The hot part of writing an exception: names come from the cache, no intermediate strings. */
  @Override
  public void stackFrame(StackTraceElement e) {
    out.write((byte) '"');
    cache.write(out, e.getClassName());
    out.write((byte) '.');
    cache.write(out, e.getMethodName());
    String file = e.getFileName();
    if (e.isNativeMethod()) {
      out.write(NATIVE);
    } else if (file == null) {
      out.write(UNKNOWN);
    } else {
      out.write((byte) '(');
      cache.write(out, file);
      int line = e.getLineNumber();
      if (line >= 0) {
        out.write((byte) ':');
        out.writeLong(line);
      }
      out.write((byte) ')');
      out.write((byte) '"');
    }
  }

  @Override
  public void stringOfName(String s) {
    if (s.length() > StringBytesCache.MAX_CHARS) {
      string(s, 0, s.length());
      return;
    }
    out.write((byte) '"');
    cache.write(out, s);
    out.write((byte) '"');
  }

  @Override
  public void number(String jsonNumber) {
    out.writeAscii(jsonNumber);
  }

  @Override
  public void longValue(long v) {
    out.writeLong(v);
  }

  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  @Override
  public void boolValue(boolean v) {
    out.write(v ? TRUE : FALSE);
  }

  @Override
  public void nullValue() {
    out.write(NULL);
  }

  @Override
  public void timestamp(TimestampWriter writer, long epochMillis, int nanoOfSecond, int digits) {
    out.write((byte) '"');
    writer.writeEventTime(out, epochMillis, nanoOfSecond, digits);
    out.write((byte) '"');
  }

  @Override
  public long mark() {
    return ((long) out.position() << 32) | ((long) depth << 1) | (first[depth] ? 1 : 0);
  }

  @Override
  public void rollback(long mark) {
    out.rewind((int) (mark >>> 32));
    depth = (int) ((mark & 0xffffffffL) >>> 1);
    first[depth] = (mark & 1) != 0;
  }
}
