package com.englog.observability.logging.internal;

import java.nio.charset.StandardCharsets;

/** JSON syntax: compact (one object per line) or pretty (indented, for reading during development). */
public final class JsonSink extends LineSink {

  private final boolean pretty;
  /** Encoded dynamic names, shared by all states of one encoder. */
  private final StringBytesCache cache;

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
  public void string(String s, int from, int to) {
    out.write((byte) '"');
    out.writeEscaped(s, from, to);
    out.write((byte) '"');
  }

  @Override
  public void beginString() {
    out.write((byte) '"');
  }

  @Override
  public void endString() {
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
}
