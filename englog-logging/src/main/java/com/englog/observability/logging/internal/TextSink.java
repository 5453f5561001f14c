package com.englog.observability.logging.internal;

/**
 * The development layout: the same fields as the JSON line on one line, human first.
 * {@code 2024-03-05T14:07:09.123Z INFO  com.example.Journal [main] journal saved user_id=42 error.type=…}:
 * timestamp, level, logger, [thread] and message lead; every other field follows as {@code name=value}
 * (nested objects as dotted names, arrays as {@code [a, b]}); values are quoted when they contain spaces,
 * quotes or '=', and escaped like JSON so CR/LF never start a new line.
 */
public final class TextSink extends LineSink {

  private static final int TOP = 0;
  private static final int FLAT = 1;
  private static final int ARRAY = 2;
  private static final int BRACED = 3;

  private final int[] kinds = new int[MAX_DEPTH + 2];
  private final String[] prefixes = new String[MAX_DEPTH + 2];
  private int header = FieldName.OTHER;
  private boolean lineStart;
  private String lastName = "";
  /** The header field of the string being written in parts, and where its text starts. */
  private int stringHeader = FieldName.OTHER;
  private int stringStart;

  public TextSink(Utf8Output out) {
    super(out);
  }

  @Override
  public FieldName name(String text, int standard) {
    return new FieldName(text, standard, new byte[0]);
  }

  @Override
  public byte[] encodeValue(String value) {
    Utf8Output tmp = new Utf8Output(value.length() * 6 + 2);
    tmp.writeEscaped(value, 0, value.length());
    quoteIfNeeded(tmp, 0);
    return tmp.toByteArray();
  }

  @Override
  public void encodedValue(byte[] encoded) {
    int h = header;
    header = FieldName.OTHER;
    if (h != FieldName.OTHER) {
      space();
    }
    out.write(encoded);
    if (h == FieldName.LEVEL) {
      for (int pad = encoded.length; pad < 5; pad++) {
        out.write((byte) ' ');
      }
    }
  }

  @Override
  public void beginLine() {
    depth = 0;
    kinds[0] = TOP;
    prefixes[0] = "";
    lineStart = true;
    header = FieldName.OTHER;
  }

  @Override
  public void endLine(byte[] lineSeparator) {
    out.write(lineSeparator);
  }

  private void space() {
    if (lineStart) {
      lineStart = false;
    } else {
      out.write((byte) ' ');
    }
  }

  @Override
  public void name(FieldName name) {
    if (depth == 0 && name.standard != FieldName.OTHER) {
      header = name.standard;
      return;
    }
    name(name.text);
  }

  @Override
  public void name(String dynamicName) {
    header = FieldName.OTHER;
    lastName = dynamicName;
    nameStart = out.position();
    int kind = kinds[depth];
    if (kind == BRACED) {
      if (first[depth]) {
        first[depth] = false;
      } else {
        out.write((byte) ' ');
      }
    } else {
      space();
      String prefix = prefixes[depth];
      out.writeEscaped(prefix, 0, prefix.length());
    }
    out.writeEscaped(dynamicName, 0, dynamicName.length());
    out.write((byte) '=');
  }

  @Override
  public void beginObject() {
    int parent = kinds[depth];
    depth++;
    first[depth] = true;
    if (parent == ARRAY || parent == BRACED) {
      kinds[depth] = BRACED;
      out.write((byte) '{');
    } else {
      kinds[depth] = FLAT;
      prefixes[depth] = prefixes[depth - 1] + lastName + ".";
      // The object's own name=... was written; take it back, its fields carry the dotted name.
      out.rewind(nameStart);
    }
  }

  private int nameStart;

  @Override
  public void endObject() {
    if (kinds[depth] == BRACED) {
      out.write((byte) '}');
    }
    depth--;
  }

  @Override
  public void beginArray() {
    out.write((byte) '[');
    depth++;
    kinds[depth] = ARRAY;
    first[depth] = true;
  }

  @Override
  public void endArray() {
    out.write((byte) ']');
    depth--;
  }

  @Override
  public void element() {
    if (first[depth]) {
      first[depth] = false;
    } else {
      out.write((byte) ',');
      out.write((byte) ' ');
    }
  }

  @Override
  public void string(String s, int from, int to) {
    beginString();
    out.writeEscaped(s, from, to);
    endString();
  }

  /**
   * The leading fields are written bare (the thread in brackets, the level padded), as a log line
   * starts; any other value is quoted when it is empty or contains what would make {@code name=value}
   * ambiguous. The decision is taken on the escaped text, after it is written.
   */
  @Override
  public void beginString() {
    int h = header;
    header = FieldName.OTHER;
    stringHeader = h;
    if (h != FieldName.OTHER) {
      space();
      if (h == FieldName.THREAD) {
        out.write((byte) '[');
      }
    }
    stringStart = out.position();
  }

  @Override
  public void endString() {
    switch (stringHeader) {
      case FieldName.THREAD:
        out.write((byte) ']');
        break;
      case FieldName.LEVEL:
        for (int pad = out.position() - stringStart; pad < 5; pad++) {
          out.write((byte) ' ');
        }
        break;
      case FieldName.OTHER:
        quoteIfNeeded(out, stringStart);
        break;
      default:
        break;
    }
    stringHeader = FieldName.OTHER;
  }

  /** Quotes the escaped text written since {@code start} if it is empty or has a delimiter in it. */
  private static void quoteIfNeeded(Utf8Output o, int start) {
    int end = o.position();
    boolean quote = end == start;
    byte[] b = o.buffer();
    for (int i = start; i < end && !quote; i++) {
      int c = b[i] & 0xff;
      // Escapes start with a backslash, so control characters, quotes and CR/LF are found by it.
      quote = c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f || c == ',' || c == '['
          || c == ']' || c == '{' || c == '}';
    }
    if (quote) {
      o.insert(start, (byte) '"');
      o.write((byte) '"');
    }
  }

  @Override
  public void number(String jsonNumber) {
    header = FieldName.OTHER;
    out.writeAscii(jsonNumber);
  }

  @Override
  public void longValue(long v) {
    header = FieldName.OTHER;
    out.writeLong(v);
  }

  @Override
  public void boolValue(boolean v) {
    header = FieldName.OTHER;
    out.writeAscii(v ? "true" : "false");
  }

  @Override
  public void nullValue() {
    int h = header;
    header = FieldName.OTHER;
    if (h != FieldName.OTHER) {
      space();
    }
    out.writeAscii("null");
  }

  @Override
  public void timestamp(TimestampWriter writer, long epochMillis, int nanoOfSecond, int digits) {
    if (header == FieldName.TIMESTAMP) {
      space();
    }
    header = FieldName.OTHER;
    writer.writeEventTime(out, epochMillis, nanoOfSecond, digits);
  }
}
